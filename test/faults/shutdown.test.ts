/**
 * Graceful shutdown of the real server process (server/ops/shutdown.ts): a SIGTERM while a Call Control webhook is in
 * flight (Telnyx slow to take its command) lets that webhook finish, its command sent and answered, and the process
 * exits 0 with the step on disk; a webhook still running after CALLFLOW_SHUTDOWN_TIMEOUT_S is cut off (exit 1) and
 * its redelivery after a restart is handled once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alwaysOpenMainLine, deliver, fixtureEvents, freePort, freshCall, spawnServer, TelnyxStandIn, webhookSigner } from './kit.js';

const CC_FIXTURE = 'main-line-support-call-control';
const CC_NUMBER = '+18445550198';
const { publicKey: PUB, signBody } = webhookSigner();

let dir = '', port = 0, url = '', apiKey = '';
let child: ChildProcess | undefined;
const telnyx = new TelnyxStandIn();
const db = () => join(dir, 'callflow.db');
const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-shutdown-'));
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  await telnyx.start();
  const s = await spawnServer({ port, db: db(), telnyxUrl: telnyx.url, publicKey: PUB });
  child = s.child;
  apiKey = s.key ?? '';
  expect(apiKey).toMatch(/\S{16,}/);
  await api('POST', '/api/flows', alwaysOpenMainLine('holds-line'));
  await api('POST', '/api/flows/holds-line/publish');
  await api('PUT', `/api/numbers/${encodeURIComponent(CC_NUMBER)}`, { flowId: 'holds-line', mode: 'call-control' });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) { child.kill('SIGKILL'); await exited(child); }
  await telnyx.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('SIGTERM during a webhook: the webhook finishes (its command sent), then the process exits 0', async () => {
    const call = freshCall(fixtureEvents(CC_FIXTURE), 'term');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    telnyx.delayMs = 1500;
    const inFlight = deliver(url, call.events[0]!, signBody, { tries: 1, timeoutMs: 20_000 });
    // The command reached Telnyx (the step is mid-way) before the signal.
    await expect.poll(() => telnyx.received.get(call.callId) ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(telnyx.done(call.callId)).toEqual([]);
    child!.kill('SIGTERM');
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(await exited(child!)).toBe(0);
    expect(telnyx.done(call.callId)).toEqual(['answer']);
    // On disk: after a restart the call is there with its step, and the same webhook again sends nothing new.
    telnyx.delayMs = 0;
    child = (await spawnServer({ port, db: db(), telnyxUrl: telnyx.url, publicKey: PUB })).child;
    expect((await api("GET", `/api/calls/${encodeURIComponent(call.callId)}`)).call.callId).toBe(call.callId);
    const again = await deliver(url, call.events[0]!, signBody, { tries: 1 });
    expect(again.status).toBe(200);
    expect(telnyx.attempts.filter((a) => a.ccid === call.callId && a.action === 'answer').length).toBe(1);
  }, 60_000);

  it('a webhook still running after CALLFLOW_SHUTDOWN_TIMEOUT_S is cut off: exit 1, and its redelivery is handled once', async () => {
    if (child && child.exitCode === null) { child.kill('SIGTERM'); await exited(child); }
    child = (await spawnServer({ port, db: db(), telnyxUrl: telnyx.url, publicKey: PUB, env: { CALLFLOW_SHUTDOWN_TIMEOUT_S: '1' } })).child;
    const call = freshCall(fixtureEvents(CC_FIXTURE), 'cut');
    telnyx.delayMs = 8000;
    const inFlight = deliver(url, call.events[0]!, signBody, { tries: 1, timeoutMs: 20_000 });
    await expect.poll(() => telnyx.received.get(call.callId) ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(telnyx.done(call.callId)).toEqual([]);
    child!.kill('SIGTERM');
    expect(await exited(child!)).toBe(1);
    // Its connection was cut: no answer reached "Telnyx".
    expect(await inFlight.then((r) => r.status, () => 'cut')).toBe('cut');
    // Telnyx redelivers to the restarted server: the call goes on.
    telnyx.delayMs = 0;
    child = (await spawnServer({ port, db: db(), telnyxUrl: telnyx.url, publicKey: PUB })).child;
    const again = await deliver(url, call.events[0]!, signBody, { tries: 3 });
    expect(again.status).toBe(200);
    expect(telnyx.done(call.callId)).toContain('answer');
  }, 60_000);
});
