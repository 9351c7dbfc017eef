import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../server/store/sqlite.js';
import { DEMO_NUMBERS, seedExamples } from '../server/seed.js';

const dir = mkdtempSync(join(tmpdir(), 'cf-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('first start', () => {
  it('imports and publishes the example flows and routes the demo numbers', async () => {
    const store = openSqliteStore(join(dir, 'seed.db'));
    const { company } = await store.createCompany('My company');
    const r = await seedExamples(store, company.id, join(import.meta.dirname, '..', 'flows'));
    expect(r.flows).toEqual(expect.arrayContaining(['main-line', 'after-hours', 'account-menu', 'holiday-routing']));
    expect(r.numbers).toEqual(DEMO_NUMBERS.map((n) => n.e164));
    const main = await store.getFlow(company.id, 'main-line');
    expect(main?.publishedVersion).toBe(1);
    const n = await store.numberByE164('+18445550198');
    expect(n).toMatchObject({ flowId: 'main-line', mode: 'call-control' });
    // Seeding twice (a restart) adds nothing and breaks nothing.
    const again = await seedExamples(store, company.id, join(import.meta.dirname, '..', 'flows'));
    expect(again.flows).toEqual([]);
    await store.close();
  });
});
