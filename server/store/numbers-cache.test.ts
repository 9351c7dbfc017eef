import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite.js';

// numberByE164 (the company check of every call webhook) is served from memory: every way a number changes
// must be seen by the very next read, or a released or moved number would keep routing (forged-texml.test.ts).
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'cf-numbers-'));
  dirs.push(dir);
  return join(dir, 'callflow.db');
}
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
