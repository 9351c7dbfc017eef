/**
 * `callflow admin reset-link EMAIL`: an operator with a shell but no server console gets a one-time
 * set-password link that the running server honours once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { makeCompany, makePerson, signIn, startKit, type Kit } from './kit.js';

const ROOT = join(import.meta.dirname, '..', '..');
let kit: Kit;
beforeAll(async () => { kit = await startKit(); });
afterAll(async () => { await kit.close(); });

const cli = (...args: string[]) => {
  const r = spawnSync('npx', ['tsx', 'server/cli/main.ts', 'admin', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CALLFLOW_DB: kit.file, PUBLIC_URL: 'https://cf.example.test' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('callflow admin reset-link', () => {
  it('prints a link the server accepts once; an unknown email is an error', async () => {
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'owner');
    const r = cli('reset-link', 'ana@example.com');
    expect(r.code).toBe(0);
    const token = /^https:\/\/cf\.example\.test\/#\/reset\/([A-Za-z0-9_-]{43})$/m.exec(r.out)?.[1];
    expect(token).toBeTruthy();
    kit.clock.at = new Date(); // the CLI stamps with the wall clock
    await request(kit.app).post('/api/password-reset/complete').send({ token, password: 'set from the cli' }).expect(200);
    await signIn(kit.app, 'ana@example.com', 'set from the cli');
    expect((await request(kit.app).post('/api/password-reset/complete').send({ token, password: 'set from the cli' })).status).toBe(400);
    const none = cli('reset-link', 'nobody@example.com');
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/nobody signs in as nobody@example.com/);
  }, 60_000);
});
