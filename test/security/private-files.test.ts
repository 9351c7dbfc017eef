/**
 * Files that hold secrets are readable by their owner only, from the moment they
 * exist: the database (call logs, recordings, the server's signing key) with its
 * -wal and -shm files, the sandbox's key seed and its state file. Checked under a
 * permissive umask (022, the usual one), which would otherwise give 0644.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../server/store/sqlite.js';
import { loadOrCreateKeySeed } from '../../server/sandbox/keys.js';
import { saveNumbers } from '../../server/sandbox/state.js';

const mode = (p: string) => statSync(p).mode & 0o777;
let dir = '', umask = 0;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cf-perm-')); umask = process.umask(0o022); });
afterAll(() => { process.umask(umask); rmSync(dir, { recursive: true, force: true }); });

describe('files with secrets are created 0600', () => {
  it('the database, its -wal and -shm, in a new folder that is 0700', async () => {
    const file = join(dir, 'data', 'callflow.db');
    const store = openSqliteStore(file);
    await store.createCompany('Acme'); // a write, so the WAL has pages
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(`${file}-wal`).toString(8)).toBe('600');
    expect(mode(`${file}-shm`).toString(8)).toBe('600');
    expect(mode(join(dir, 'data')).toString(8)).toBe('700');
    await store.close();
  });

  it('the sandbox key seed and the sandbox state file', () => {
    const key = join(dir, 'sandbox', 'sandbox-key');
    loadOrCreateKeySeed(key);
    expect(mode(key).toString(8)).toBe('600');
    const state = join(dir, 'sandbox', 'sandbox-state.json');
    saveNumbers(state, []);
    expect(mode(state).toString(8)).toBe('600');
  });
});
