import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A store with `n` calls of flow `f` (and one of another flow and company), several started in the same millisecond. */
async function storeWith(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cf-traffic-'));
  dirs.push(dir);
  const file = join(dir, 'callflow.db');
  const s = openSqliteStore(file);
  const { company } = await s.createCompany('Acme');
  const { company: other } = await s.createCompany('Other');
  await s.close();
  const raw = new Database(file);
  const ins = raw.prepare(`INSERT INTO call_log (call_id, company_id, flow_id, version, mode, direction, started_at, ended_at, path)
    VALUES (?, ?, ?, ?, 'texml', 'inbound', ?, ?, ?)`);
  raw.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = `2026-11-0${1 + (i % 3)}T10:00:00.000Z`; // three instants shared by many calls: ties to page through
      ins.run(`c${String(i).padStart(5, '0')}`, company.id, 'f', 1 + (i % 2), at, i % 5 ? at : null, `>menu\nmenu.${i % 2 ? '1' : '2'}`);
    }
    ins.run('foreign', other.id, 'f', 1, '2026-11-01T10:00:00.000Z', null, '>menu');
    ins.run('other-flow', company.id, 'g', 1, '2026-11-01T10:00:00.000Z', null, '>menu');
  })();
  raw.close();
  return { store: openSqliteStore(file), company: company.id };
}

describe('callPaths', () => {
  it('pages through every call of the flow once, ties included, in the period and version asked for', async () => {
    const { store, company } = await storeWith(250);
    const q = { from: '2026-11-01T00:00:00Z', to: '2026-11-04T00:00:00Z' };
    const seen: string[] = [];
    for (let after: { startedAt: string; callId: string } | undefined; ;) {
      const page = await store.callPaths(company, 'f', { ...q, limit: 40, ...(after ? { after } : {}) });
      seen.push(...page.map((r) => r.callId));
      if (page.length < 40) break;
      after = page.at(-1)!;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const first = await store.callPaths(company, 'f', { ...q, limit: 1 });
    expect(first[0]).toEqual({ callId: 'c00000', startedAt: '2026-11-01T10:00:00.000Z', version: 1, path: ['>menu', 'menu.2'], ended: false });
    expect((await store.callPaths(company, 'f', { ...q, version: 2, limit: 1000 })).every((r) => r.version === 2)).toBe(true);
    expect(await store.callPaths(company, 'f', { from: '2026-11-01T00:00:00Z', to: '2026-11-01T10:00:00.000Z' })).toEqual([]);
    await store.close();
  });
});
