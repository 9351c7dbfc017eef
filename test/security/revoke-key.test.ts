/**
 * `callflow admin revoke-key`: a leaked key is revoked from the command line and
 * the running server refuses it on its very next request (401), while the
 * company's other keys, and other companies, keep working. Revoking every key of a
 * company has to be said explicitly (`--company NAME|ID --all`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { FakeTelnyx, company, makeApp, tempDb } from '../server/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
let globex: Awaited<ReturnType<typeof company>>;

/** Runs `callflow admin …` in its own process, on the test's database: exit code and output. */
const cli = (...args: string[]) => {
  const r = spawnSync('npx', ['tsx', 'server/cli/main.ts', 'admin', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CALLFLOW_DB: db.file } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const me = (key: string) => request(h.app).get('/api/me').set('authorization', `Bearer ${key}`);

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  globex = await company(h.app, 'Globex');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('callflow admin revoke-key', () => {
  it('revoke-key KEY: that key gets 401 at once on the running server; the company\'s other key keeps working', async () => {
    const second = (await h.app.locals.ctx.store.createApiKey(acme.id))!;
    await me(acme.key).expect(200); // used once, so anything cached about it is warm
    const r = cli('revoke-key', acme.key);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Database: ${db.file}`);
    expect(r.out).toContain(`Revoked one API key of "Acme" (${acme.id})`);
    expect(r.out).toContain("The company's 1 other key keeps working.");
    const refused = await me(acme.key).expect(401);
    expect(refused.body.error.code).toBe('unauthorized');
    await me(second).expect(200);
    await me(globex.key).expect(200);
  });

  it('the same key again, or a key that never was: exit 1 and says so', () => {
    const again = cli('revoke-key', acme.key);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/no such API key/);
    expect(cli('revoke-key', 'cf_nothing').code).toBe(1);
  });

  it('every key of a company only with --company and --all; nothing is revoked by a half-given command', async () => {
    const extra = (await h.app.locals.ctx.store.createApiKey(globex.id))!;
    const half = cli('revoke-key', '--company', 'Globex');
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/add --all/);
    const none = cli('revoke-key');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/name the key to revoke/);
    await me(globex.key).expect(200);
    const all = cli('revoke-key', '--company', 'globex', '--all');
    expect(all.code).toBe(0);
    expect(all.out).toContain(`Revoked 2 API keys of "Globex" (${globex.id})`);
    expect(all.out).toContain(`callflow admin create-key --company ${globex.id}`);
    await me(globex.key).expect(401);
    await me(extra).expect(401);
    expect(cli('revoke-key', '--company', 'Nobody', '--all').err).toMatch(/no company "Nobody"/);
    // A new key for the company works again.
    const fresh = cli('create-key', '--company', globex.id).out.trim().split('\n').at(-1)!;
    await me(fresh).expect(200);
  });
});
