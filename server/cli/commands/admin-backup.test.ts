/**
 * `callflow admin backup FILE` against a database a running server keeps writing: the copy opens as a database of
 * its own with everything committed before the backup, at mode 0600; an existing FILE or no FILE is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite.js';
import type { Store } from '../../store/types.js';
import { tempDb } from '../../../test/server/harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function admin(db: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'admin', ...args], { cwd: ROOT, env: { ...process.env, CALLFLOW_DB: db } });
    let out = '', err = '';
    c.stdout.on('data', (d: Buffer) => { out += d; });
    c.stderr.on('data', (d: Buffer) => { err += d; });
    c.on('exit', (code) => res({ code, out, err }));
  });
}

let db: ReturnType<typeof tempDb>;
let store: Store;
let companyId = '';
beforeAll(async () => {
  db = tempDb();
  store = openSqliteStore(db.file);
  companyId = (await store.createCompany('Backed Up Bakery')).company.id;
  for (let i = 0; i < 50; i++) await store.createFlow(companyId, `before-${i}`, `Before ${i}`, { n: i });
});
afterAll(async () => { await store.close(); db.cleanup(); });

describe('callflow admin backup', () => {
  it('copies the live database while it is being written', async () => {
    const out = join(dirname(db.file), 'copy.db');
    // The "server" keeps writing during the backup.
    let writes = 0, stop = false;
    const writer = (async () => {
      while (!stop) { await store.createFlow(companyId, `during-${writes}`, 'During', { n: writes }); writes++; await new Promise((r) => setTimeout(r, 2)); }
    })();
    const r = await admin(db.file, 'backup', out);
    stop = true;
    await writer;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Backed up to .*copy\.db: [\d.]+ MiB, \d+ migrations/);
    expect(writes).toBeGreaterThan(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const copy = openSqliteStore(out);
    try {
      const flows = await copy.listFlows(companyId);
      const ids = new Set(flows.map((f) => f.id));
      for (let i = 0; i < 50; i++) expect(ids.has(`before-${i}`)).toBe(true);
      // A consistent moment: whatever was written during the copy is in it up to some point, never a torn row.
      for (const f of flows) expect(f.doc).toEqual({ n: Number(f.id.split('-')[1]) });
      expect((await copy.health()).migrations.pending).toEqual([]);
      expect((await copy.listCompanies()).map((c) => c.name)).toEqual(['Backed Up Bakery']);
    } finally { await copy.close(); }
  }, 60_000);

  it('refuses to overwrite a file, and needs one', async () => {
    const out = join(dirname(db.file), 'copy.db');
    expect(existsSync(out)).toBe(true);
    const before = statSync(out).mtimeMs;
    const again = await admin(db.file, 'backup', out);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists already/);
    expect(statSync(out).mtimeMs).toBe(before);
    const none = await admin(db.file, 'backup');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give one FILE/);
  }, 60_000);
});
