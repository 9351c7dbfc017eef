import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'cf-cache-'));
  dirs.push(dir);
  return join(dir, 'callflow.db');
}
const member = (companyId: string, id: string, status: 'available' | 'busy' | 'offline' = 'available') => ({ companyId, id, name: id, to: `+1312555${id.padStart(4, '0')}`, status, workingHours: null });

describe('cached reads (company, team, cursors)', () => {
  it('see this store\'s own writes at once', async () => {
    const s = openSqliteStore(tempDb());
    const { company } = await s.createCompany('A');
    expect(await s.listMembers(company.id)).toEqual([]);
    await s.putMember(member(company.id, '1'));
    expect((await s.listMembers(company.id)).map((m) => m.status)).toEqual(['available']);
    await s.memberBusy(company.id, '+13125550001', 'call-1');
    expect((await s.listMembers(company.id))[0]!.status).toBe('busy');
    await s.memberFree('call-1', '2026-11-25T10:00:00Z');
    expect((await s.listMembers(company.id))[0]).toMatchObject({ status: 'available', lastCallEndedAt: '2026-11-25T10:00:00Z' });
    await s.memberCallEnded(company.id, { id: '1' }, '2026-11-25T11:00:00Z');
    expect((await s.listMembers(company.id))[0]!.lastCallEndedAt).toBe('2026-11-25T11:00:00Z');
    await s.deleteMember(company.id, '1');
    expect(await s.listMembers(company.id)).toEqual([]);

    expect(await s.cursors(company.id, 'f')).toEqual({});
    await s.saveCursors(company.id, 'f', { rr: 1 }, {});
    expect(await s.cursors(company.id, 'f')).toEqual({ rr: 1 });
    await s.saveCursors(company.id, 'f', { rr: 2 }, { rr: 1 });
    expect(await s.cursors(company.id, 'f')).toEqual({ rr: 2 });
    expect(await s.company('nope')).toBeUndefined();
    await s.close();
  });

  it('see another connection\'s writes (another process on the same file)', async () => {
    const file = tempDb();
    const s = openSqliteStore(file);
    const { company } = await s.createCompany('A');
    await s.putMember(member(company.id, '1'));
    expect((await s.company(company.id))?.name).toBe('A');
    expect((await s.listMembers(company.id))[0]!.status).toBe('available');
    expect(await s.cursors(company.id, 'f')).toEqual({});
    const other = new Database(file);
    other.prepare("UPDATE team_members SET status = 'offline'").run();
    other.prepare("UPDATE companies SET name = 'A2'").run();
    other.prepare("INSERT INTO cursors (company_id, flow_id, node, value) VALUES (?, 'f', 'rr', 3)").run(company.id);
    other.close();
    expect((await s.listMembers(company.id))[0]!.status).toBe('offline');
    expect((await s.company(company.id))?.name).toBe('A2');
    expect(await s.cursors(company.id, 'f')).toEqual({ rr: 3 });
    await s.close();
  });

  it('hand out rows no caller can change under the next one', async () => {
    const s = openSqliteStore(tempDb());
    const { company } = await s.createCompany('A');
    await s.putMember(member(company.id, '1'));
    const team = await s.listMembers(company.id);
    expect(() => { (team[0] as { status: string }).status = 'offline'; }).toThrow(TypeError);
    expect(() => team.push(team[0]!)).toThrow(TypeError);
    expect((await s.listMembers(company.id))[0]!.status).toBe('available');
    await s.close();
  });
});

// numberByE164 (the company check of every call webhook) is served from memory: every way a number changes
// must be seen by the very next read, or a released or moved number would keep routing (forged-texml.test.ts).
const N = '+18445550100';

describe('active numbers read from memory', () => {
  it('see every number write of this store at once', async () => {
    const s = openSqliteStore(tempDb());
    const a = (await s.createCompany('A')).company, b = (await s.createCompany('B')).company;
    expect(await s.numberByE164(N)).toBeUndefined();
    await s.putNumber(a.id, N, 'f1', 'texml');
    expect(await s.numberByE164(N)).toMatchObject({ companyId: a.id, flowId: 'f1', mode: 'texml' });
    await s.configureNumber(a.id, N, { flowId: 'f2', mode: 'call-control' });
    expect(await s.numberByE164(N)).toMatchObject({ companyId: a.id, flowId: 'f2', mode: 'call-control' });
    await s.releaseNumber(a.id, N);
    expect(await s.numberByE164(N)).toBeUndefined();
    // Bought again by another company: pending is not routed, active is, and it is B's now.
    expect(await s.addPendingNumber({ e164: N, companyId: b.id, flowId: null, mode: 'texml', orderId: 'o1', monthlyMicros: 1 })).toBe(true);
    expect(await s.numberByE164(N)).toBeUndefined();
    await s.activateOrder('o1');
    expect((await s.numberByE164(N))?.companyId).toBe(b.id);
    await s.releaseNumber(b.id, N);
    await s.claimNumber(a.id, N, 'f3', 'texml', 'tx-1');
    expect(await s.numberByE164(N)).toMatchObject({ companyId: a.id, flowId: 'f3' });
    await s.close();
  });

  it('see another connection\'s number writes (another process on the same file)', async () => {
    const file = tempDb();
    const s = openSqliteStore(file);
    const a = (await s.createCompany('A')).company, b = (await s.createCompany('B')).company;
    await s.putNumber(a.id, N, 'f1', 'texml');
    expect((await s.numberByE164(N))?.companyId).toBe(a.id);
    const other = new Database(file);
    other.prepare('UPDATE numbers SET company_id = ? WHERE e164 = ?').run(b.id, N);
    other.close();
    expect((await s.numberByE164(N))?.companyId).toBe(b.id);
    await s.close();
  });
});
