import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, hashKey } from './sqlite.js';
import type { Snapshot } from '../../engine/types.js';

const dirs: string[] = [];
function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'cf-store-'));
  dirs.push(dir);
  return join(dir, 'sub', 'callflow.db');
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const snap = (seq: number): Snapshot => ({ status: 'active', value: 'menu', context: { call: { id: 'c', from: 'a', to: 'b', direction: 'inbound' }, vars: {}, local: {}, seq, ended: false } });

describe('sqlite store', () => {
  it('creates the file in WAL mode, applies migrations once and keeps data across reopen', async () => {
    const file = tempDb();
    const s1 = openSqliteStore(file);
    const { company, apiKey } = await s1.createCompany('Acme');
    await s1.close();
    const s2 = openSqliteStore(file);
    expect((await s2.companyByKey(apiKey))?.id).toBe(company.id);
    await s2.close();
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    // Every numbered migration applied exactly once, in order, even though the store was opened twice.
    const files = readdirSync(join(import.meta.dirname, 'migrations')).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(files.map((f) => ({ version: Number.parseInt(f, 10) })));
    expect(files[0]).toBe('001_init.sql');
    // the key is stored hashed only
    const keys = raw.prepare('SELECT hash FROM api_keys').all() as { hash: string }[];
    expect(keys).toEqual([{ hash: hashKey(apiKey) }]);
    raw.close();
  });

  it('rejects a stale flow revision and a second snapshot write for the same seq', async () => {
    const s = openSqliteStore(tempDb());
    const { company } = await s.createCompany('Acme');
    expect(await s.createFlow(company.id, 'f', 'F', { a: 1 })).toMatchObject({ revision: 1 });
    expect(await s.createFlow(company.id, 'f', 'F', { a: 1 })).toBeUndefined();
    expect(await s.updateFlow(company.id, 'f', 1, 'F', { a: 2 })).toMatchObject({ revision: 2, doc: { a: 2 } });
    expect(await s.updateFlow(company.id, 'f', 1, 'F', { a: 3 })).toBeUndefined();
    expect(await s.createSession({ callId: 'c', companyId: company.id, flowId: 'f', version: 1, mode: 'texml', callSessionId: null })).toBe(true);
    expect(await s.createSession({ callId: 'c', companyId: company.id, flowId: 'f', version: 1, mode: 'texml', callSessionId: null })).toBe(false);
    expect(await s.saveSnapshot('c', 0, snap(1))).toBe(true);
    expect(await s.saveSnapshot('c', 0, snap(1))).toBe(false);
    expect((await s.getSession('c'))?.seq).toBe(1);
    expect(await s.claimEvent('e1')).toBe(true);
    expect(await s.claimEvent('e1')).toBe(false);
    await s.close();
  });

  it('appends each stored step\'s path to the call log, and nothing for a step that lost its write', async () => {
    const s = openSqliteStore(tempDb());
    const { company } = await s.createCompany('Acme');
    const base = { callId: 'p', companyId: company.id, flowId: 'f', version: 1, mode: 'call-control' as const };
    await s.startCall({ ...base, callSessionId: null }, { ...base, direction: 'inbound', from: 'a', to: 'b', startedAt: new Date().toISOString() });
    expect(await s.saveSnapshot('p', 0, snap(1), { path: ['>welcome', 'welcome.next', '>menu'] })).toBe(true);
    expect(await s.saveSnapshot('p', 0, snap(1), { path: ['>lost'] })).toBe(false);
    expect(await s.saveSnapshot('p', 1, snap(2), { path: ['menu.1', '>sales'] })).toBe(true);
    expect((await s.getCall(company.id, 'p'))?.path).toEqual(['>welcome', 'welcome.next', '>menu', 'menu.1', '>sales']);
    await s.close();
  });

  it('keeps what a step read (StepEnv) with its snapshot, in its transaction: a stale or failed write keeps none', async () => {
    const s = openSqliteStore(tempDb());
    const { company } = await s.createCompany('Acme');
    await s.createSession({ callId: 'c', companyId: company.id, flowId: 'f', version: 1, mode: 'texml', callSessionId: null });
    const odd = 'texml:c:"dial".x';
    expect(await s.saveSnapshot('c', 0, snap(1), { stepEnv: { key: 'texml:c:start', env: { team: { alice: { status: 'offline' } }, cursors: { rr: 2 } } } })).toBe(true);
    expect(await s.saveSnapshot('c', 0, snap(1), { stepEnv: { key: 'stale', env: { cursors: { rr: 5 } } } })).toBe(false);
    // The transaction fails after the step env was written (a cursor value SQLite cannot bind): rolled back with it.
    await expect(s.saveSnapshot('c', 1, snap(2), { stepEnv: { key: 'rolled-back', env: { cursors: { rr: 3 } } }, cursors: { companyId: company.id, flowId: 'f', next: { rr: {} as never }, previous: {} } })).rejects.toThrow();
    expect(await s.saveSnapshot('c', 1, snap(2), { stepEnv: { key: odd, env: { team: { bob: { status: 'busy', lastCallEndedAt: '2026-11-23T15:00:00Z' } } } } })).toBe(true);
    expect((await s.getSession('c'))?.steps).toEqual({
      'texml:c:start': { team: { alice: { status: 'offline' } }, cursors: { rr: 2 } },
      [odd]: { team: { bob: { status: 'busy', lastCallEndedAt: '2026-11-23T15:00:00Z' } } },
    });
    await s.close();
  });

  it('keeps a number with the company that owns it', async () => {
    const s = openSqliteStore(tempDb());
    const a = (await s.createCompany('A')).company;
    const b = (await s.createCompany('B')).company;
    expect(await s.putNumber(a.id, '+13125550100', 'f', 'texml')).toMatchObject({ companyId: a.id });
    expect(await s.putNumber(b.id, '+13125550100', 'g', 'texml')).toBeUndefined();
    expect((await s.numberByE164('+13125550100'))?.flowId).toBe('f');
    await s.close();
  });

  it('moves a round-robin cursor only from the value the step read (first mover wins)', async () => {
    const s = openSqliteStore(tempDb());
    const { company } = await s.createCompany('A');
    await s.saveCursors(company.id, 'f', { rr: 1 }, {});
    await s.saveCursors(company.id, 'f', { rr: 2 }, { rr: 1 });
    await s.saveCursors(company.id, 'f', { rr: 9 }, { rr: 1 }); // read a stale value: loses
    expect(await s.cursors(company.id, 'f')).toEqual({ rr: 2 });
    await s.close();
  });
});
