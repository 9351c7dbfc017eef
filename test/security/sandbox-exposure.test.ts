/**
 * Sandbox exposure (issue #11 item 6). The sandbox's reads (transcripts, texts)
 * are shown only to the company that owns the numbers, with its API key; and
 * `npm start` without TELNYX_API_KEY listens on 127.0.0.1 unless HOST says
 * otherwise, while the README's first test call keeps working as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from '../../server/stack.js';
import { listenDescription, listenHost } from '../../server/startup.js';
import { businessStack, buyNumber, call } from '../business/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
let s: Stack;
let keyB = '', lineA = '', lineB = '';
const placeCall = async (to: string, from = '+13125550147') => (await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to, from, digits: ['1'] }) })).json()) as { callId: string };
const read = async (path: string, key?: string) => {
  const res = await fetch(`${s.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  s = await businessStack();
  keyB = (await s.app.locals.ctx.store.createCompany('Company B')).apiKey;
  lineA = await buyNumber(s, '312');
  lineB = await buyNumber(s, '617', {}, keyB);
});
afterAll(async () => { await s.close(); });

describe('/sandbox reads are scoped to the caller\'s company key', () => {
  it('calls: 401 without a key, each company sees only the calls of its numbers, another\'s call is not found', async () => {
    const a = await placeCall(lineA), b = await placeCall(lineB);
    const posing = await placeCall(lineB, lineA); // a caller giving A's number as `from` still calls B's line
    for (const key of [undefined, 'cf_not_a_key']) {
      for (const path of ['/sandbox/calls', `/sandbox/calls/${encodeURIComponent(b.callId)}`, '/sandbox/messages']) {
        const r = await read(path, key);
        expect(r.status, `${path} ${key}`).toBe(401);
        expect(r.body.error).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
      }
    }
    const ofA = (await read('/sandbox/calls', s.apiKey)).body.data.map((c: any) => c.callId);
    const ofB = (await read('/sandbox/calls', keyB)).body.data.map((c: any) => c.callId);
    expect(ofA).toContain(a.callId);
    expect(ofA).not.toContain(b.callId);
    expect(ofA).not.toContain(posing.callId);
    expect(ofB).toEqual([b.callId, posing.callId]);
    const foreign = await read(`/sandbox/calls/${encodeURIComponent(b.callId)}`, s.apiKey);
    expect(foreign).toMatchObject({ status: 404, body: { error: { code: 'not_found', path: ['id'] } } });
    expect(JSON.stringify(foreign.body)).not.toContain('transcript');
    const own = await read(`/sandbox/calls/${encodeURIComponent(b.callId)}`, keyB);
    expect(own.status).toBe(200);
    expect(own.body.transcript.length).toBeGreaterThan(0);
  });

  it('messages: each company sees only the texts its numbers sent', async () => {
    expect((await call(s, 'POST', '/api/messages', { from: lineA, to: '+13125550111', text: 'from A' })).status).toBe(201);
    expect((await call(s, 'POST', '/api/messages', { from: lineB, to: '+13125550111', text: 'from B' }, keyB)).status).toBe(201);
    const texts = async (key: string) => (await read('/sandbox/messages', key)).body.data.map((m: any) => m.text);
    expect(await texts(s.apiKey)).toEqual(['from A']);
    expect(await texts(keyB)).toEqual(['from B']);
  });
});

describe('guessing keys at the sandbox\'s reads', () => {
  it('counts against the same per-IP wrong-key limit as /api: the 21st wrong key is a 429 there and at /api', async () => {
    // The tests above already spent a few wrong keys from this address: past the 20th in all, 429.
    const statuses: number[] = [];
    for (let i = 0; i < 21 && !statuses.includes(429); i++) statuses.push((await read('/sandbox/calls', `cf_guess${i}`)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((st) => st === 401)).toBe(true);
    const api = await fetch(`${s.url}/api/me`, { headers: { authorization: 'Bearer cf_another_guess' } });
    expect(api.status).toBe(429);
    expect((await read('/sandbox/calls', s.apiKey)).status).toBe(200); // the right key is never refused by it
  });
});

describe('npm start with the sandbox: where it listens', () => {
  it('HOST decides; else 127.0.0.1 with the sandbox and every interface with a Telnyx key', () => {
    expect(listenHost({}, true)).toBe('127.0.0.1');
    expect(listenHost({}, false)).toBeUndefined();
    expect(listenHost({ HOST: '0.0.0.0' }, true)).toBe('0.0.0.0');
    expect(listenHost({ HOST: '10.0.0.4' }, false)).toBe('10.0.0.4');
    expect(listenDescription('127.0.0.1', 3000)).toBe('127.0.0.1:3000 (this machine only; HOST=0.0.0.0 opens it to your network)');
    expect(listenDescription(undefined, 3000)).toBe('every interface, port 3000');
  });

  it('a fresh start listens on loopback only, says so, and the README test call works as written', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cf-exposure-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CALLFLOW_DB: join(dir, 'callflow.db') };
    delete env.TELNYX_API_KEY; delete env.PUBLIC_URL; delete env.HOST;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    try {
      await waitFor(() => /demo numbers .* are live/.test(out), () => out, child);
      expect(out).toContain(`Listening:  127.0.0.1:${port} (this machine only; HOST=0.0.0.0 opens it to your network)`);
      const key = /API key: +(cf_\S+)/.exec(out)![1]!;
      expect((await fetch(`http://127.0.0.1:${port}/sandbox/public-key`)).status).toBe(200);
      // Another interface of this machine does not answer (when it has one).
      const lan = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;
      if (lan) await expect(fetch(`http://${lan}:${port}/sandbox/public-key`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
      // The README's command, as a new user types it (the server is on 3000 there; here on a free port, so --url).
      const cli = await run(['--import', 'tsx', 'server/cli/main.ts', 'call', '+18445550199', '--digits', '1', '--url', `http://localhost:${port}`], env);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(/^call \S+ \(texml\) \+\d+ → \+18445550199\n/);
      expect(cli.stdout).toMatch(/ended by /);
      // The builder's key reads the call back; no key, no transcript.
      expect((await fetch(`http://127.0.0.1:${port}/sandbox/calls`)).status).toBe(401);
      const mine = (await (await fetch(`http://127.0.0.1:${port}/sandbox/calls`, { headers: { authorization: `Bearer ${key}` } })).json()) as any;
      expect(mine.data.map((c: any) => c.to)).toContain('+18445550199');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(null); else child.once('exit', r); });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitFor(ok: () => boolean, log: () => string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (ok()) return;
    if (child.exitCode !== null) throw new Error(`server exited:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not get ready:\n${log()}`);
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => execFile(process.execPath, args, { cwd: ROOT, env, timeout: 30_000 }, (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));
}
