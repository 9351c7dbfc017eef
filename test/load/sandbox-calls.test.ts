/**
 * Load: 1,000 sandbox calls through the main line (flows/main-line.json),
 * half TeXML, half Call Control, with up to IN_FLIGHT calls live at once
 * (see bench/README.md for why not 1,000 at once on a 2-core CI box).
 * Each call has five or more webhooks. Checked per call: the caller's
 * transcript ends as the script says, every webhook the sandbox sent is in
 * the webhook log exactly once with a 2xx (none lost, none doubled: the
 * sandbox retries anything that failed, which would show as a second row),
 * and the call log has the call with the right ending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';
import { createSandbox, type Sandbox } from '../../server/sandbox/index.js';

const CALLS = Number(process.env.LOAD_CALLS ?? 1000);
const IN_FLIGHT = Number(process.env.LOAD_IN_FLIGHT ?? 100);
const TEXML_NUMBER = '+13125550301', CC_NUMBER = '+13125550302';
// Monday 10:00 in Los Angeles: the main line is open.
const OPEN = new Date('2026-11-23T18:00:00Z');

let url = '', dir = '', companyId = '';
let server: Server, sandbox: Sandbox, app: CallflowApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-load-'));
  // Generous sandbox timings: under load a webhook may wait its turn for a while.
  sandbox = createSandbox({ publicUrl: () => url, retryDelaysMs: [50, 200, 1000], idleMs: 30_000, orderDelayMs: 5, callTimeoutMs: 120_000 });
  app = createApp({
    db: join(dir, 'load.db'), log: pino({ level: 'silent' }), telnyx: new Telnyx({ apiKey: 'sandbox', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }),
    publicUrl: () => url, webhookPublicKeys: [sandbox.publicKeyBase64], now: () => OPEN, sandbox: sandbox.router, retryDelayMs: 20,
    rateLimits: { webhooksPerMinute: 0, apiPerMinute: 0 },
  });
  server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.locals.ctx.telnyx = new Telnyx({ apiKey: 'sandbox', baseURL: `${url}/sandbox/v2`, maxRetries: 0, timeout: 30_000 });
  const { company, apiKey } = await app.locals.ctx.store.createCompany('Load');
  companyId = company.id;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  await api('POST', '/api/flows', JSON.parse(readFileSync('flows/main-line.json', 'utf8')));
  await api('POST', '/api/flows/main-line/publish');
  await api('PUT', `/api/numbers/${encodeURIComponent(TEXML_NUMBER)}`, { flowId: 'main-line', mode: 'texml' });
  await api('PUT', `/api/numbers/${encodeURIComponent(CC_NUMBER)}`, { flowId: 'main-line', mode: 'call-control' });
});

afterAll(async () => {
  sandbox?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await app?.locals.ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Summary { callId: string; mode: string; transcript: { kind: string; text: string }[]; ended: { by: string; reason: string } | null; webhooks: number }

/** Two scripts per mode, so calls take different paths: a wrong key then sales, or support. */
function script(i: number): { mode: 'texml' | 'call-control'; to: string; digits: string[]; expectTo: string } {
  const mode = i % 2 ? 'call-control' : 'texml';
  const support = i % 4 >= 2;
  return { mode, to: mode === 'texml' ? TEXML_NUMBER : CC_NUMBER, digits: support ? ['9', '2'] : ['9', '1'], expectTo: support ? '+13125550110' : 'sales' };
}

describe(`load: ${CALLS} sandbox calls, up to ${IN_FLIGHT} in flight`, () => {
  it('every call ends as scripted, every webhook logged once with a 2xx, every call in the log', async () => {
    const results: { i: number; s: Summary }[] = [];
    let next = 0;
    let maxLive = 0, live = 0;
    const worker = async () => {
      while (next < CALLS) {
        const i = next++;
        const sc = script(i);
        live++; maxLive = Math.max(maxLive, live);
        const res = await fetch(`${url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: sc.to, from: '+13125550147', mode: sc.mode, digits: sc.digits }) });
        live--;
        expect(res.status).toBe(200);
        results.push({ i, s: (await res.json()) as Summary });
      }
    };
    // Callers ramp up over ~2.5 s (as a real line fills) rather than all in the same millisecond.
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => new Promise((r) => setTimeout(r, (w * 2500) / IN_FLIGHT)).then(worker)));
    expect(results).toHaveLength(CALLS);
    console.log(`load: ${CALLS} calls, at most ${maxLive} in flight at once`);
    expect(maxLive).toBeGreaterThanOrEqual(IN_FLIGHT * 0.9);

    const store = app.locals.ctx.store;
    const problems: string[] = [];
    let webhookTotal = 0;
    for (const { i, s } of results) {
      const sc = script(i);
      const lines = s.transcript.map((e) => `${e.kind}: ${e.text}`);
      const fail = (why: string) => problems.push(`call ${i} (${sc.mode}, ${s.callId}): ${why}\n  ${lines.join('\n  ')}`);
      if (s.ended?.by !== 'transfer') { fail(`ended by ${s.ended?.by}: ${s.ended?.reason}`); continue; }
      if (lines.some((l) => l.startsWith('error'))) fail('error in transcript');
      if (!lines.includes('pressed: 9') || !lines.includes(`pressed: ${sc.digits[1]}`)) fail('keys missing');
      const rang = lines.find((l) => l.startsWith('connected: +') || l.startsWith('connected: sip:'));
      if (!rang) fail('no transfer connected');
      else if (sc.expectTo !== 'sales' && rang !== `connected: ${sc.expectTo}`) fail(`connected to the wrong place: ${rang}`);
      if (s.webhooks < 5) fail(`only ${s.webhooks} webhooks`);
      webhookTotal += s.webhooks;
      // The server's view: the same webhooks, once each, all answered 2xx.
      const ccid = s.callId;
      const rows = await store.webhooksForCall(ccid);
      const bad = rows.filter((r) => (r.status ?? 0) >= 300);
      if (bad.length) fail(`webhooks answered ${bad.map((r) => `${r.status} ${r.path}`).join(', ')}`);
      const keys = rows.map((r) => r.eventId ?? `${r.path}|${r.rawBody}`);
      if (new Set(keys).size !== keys.length) fail('a webhook was delivered twice (a retry after a failure)');
      if (rows.length !== s.webhooks) fail(`sandbox sent ${s.webhooks} webhooks, the log has ${rows.length}`);
      const log = await store.getCall(companyId, ccid);
      if (!log) fail('not in the call log');
      else if (!log.endedAt || !log.hangupCause) fail(`call log not ended: ${JSON.stringify(log)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(webhookTotal).toBeGreaterThanOrEqual(CALLS * 5);
  }, 240_000);
});
