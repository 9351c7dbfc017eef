/**
 * The first company's API key (and its owner's set-password link) is shown once, on the console banner (stderr), and
 * never written to the JSON log (stdout), which is shipped and kept elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDb } from '../server/harness.js';
import { openSqliteStore } from '../../server/store/sqlite.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm start: the first API key', () => {
  it('is on the stderr banner and nowhere in the JSON log', async () => {
    // A busy port ends the server right after the first-start set-up: every log line of it, quickly.
    const busy = createServer().listen(0);
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as AddressInfo).port;
    const dir = tempDb();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CALLFLOW_DB: dir.file };
    delete env.TELNYX_API_KEY;
    delete env.PUBLIC_URL;
    try {
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done) => {
        execFile('npx', ['tsx', 'server/main.ts'], { cwd: ROOT, timeout: 60_000, env }, (_err, stdout, stderr) => done({ stdout, stderr }));
      });
      const key = /API key: +(cf_[A-Za-z0-9_-]{43})/.exec(stderr)?.[1];
      expect(key).toBeTruthy();
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
      expect(lines.some((l) => l.msg.startsWith('created "My company"'))).toBe(true);
      expect(stdout).not.toContain(key);
      expect(stdout).not.toContain(key!.slice(3, 20)); // nor a piece of it
      // The owner's one-time set-password link: on the banner beside the key, never in the JSON log either.
      expect(stderr).toMatch(/Sign in as: +owner@localhost/);
      const link = /Password: +set it once at (http:\/\/localhost:\d+\/#\/reset\/([A-Za-z0-9_-]{43}))/.exec(stderr);
      expect(link).toBeTruthy();
      expect(stdout).not.toContain(link![2]);
      expect(stdout).not.toContain(link![2]!.slice(0, 16));
      expect(lines.some((l) => l.msg.startsWith('created the owner owner@localhost'))).toBe(true);
    } finally {
      busy.close();
      dir.cleanup();
    }
  }, 70_000);

  it('a database from before accounts (one company, no people) gets its owner and link at the next start', async () => {
    const busy = createServer().listen(0);
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as AddressInfo).port;
    const dir = tempDb();
    const store = openSqliteStore(dir.file);
    await store.createCompany('Old Co');
    await store.close();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CALLFLOW_DB: dir.file, CALLFLOW_OWNER_EMAIL: 'Boss@Old.example' };
    delete env.TELNYX_API_KEY;
    delete env.PUBLIC_URL;
    try {
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done) => {
        execFile('npx', ['tsx', 'server/main.ts'], { cwd: ROOT, timeout: 60_000, env }, (_err, stdout, stderr) => done({ stdout, stderr }));
      });
      expect(stderr).toMatch(/Sign in as: +boss@old\.example/);
      const token = /#\/reset\/([A-Za-z0-9_-]{43})/.exec(stderr)?.[1];
      expect(token).toBeTruthy();
      expect(stderr).not.toMatch(/API key: +cf_/); // no new key: the old ones keep working
      expect(stdout).not.toContain(token);
    } finally {
      busy.close();
      dir.cleanup();
    }
  }, 70_000);
});
