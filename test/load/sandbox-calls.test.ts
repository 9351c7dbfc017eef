/**
 * Load: 1,000 sandbox calls through the main line (flows/main-line.json),
 * half TeXML, half Call Control, all live at the same time: they start
 * within RAMP_MS (2 s) and each caller thinks 8-12 s (real time, seeded per
 * call) before answering each prompt, as callers on a real line do, so every
 * call is still up when the last one starts. A sampler counts the calls the
 * SERVER has open (call log rows not ended) every 100 ms; its peak must be
 * all 1,000. The sandbox and its callers run in a worker thread with their
 * own HTTP server (sandbox-worker.ts), as Telnyx is not on the server's event
 * loop either. Each call has five or more webhooks. Checked per call: the
 * caller's transcript ends as the script says, every webhook the sandbox sent
 * is in the webhook log exactly once with a 2xx (none lost, none doubled: the
 * sandbox retries anything that failed or timed out, which would show as a
 * second row), and the call log has the call with the right ending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';
import { holdInSandbox } from '../../server/seed.js';
import { fdLimit, openFds, startSampler } from './live-sampler.js';
import { startRemoteSandbox, type RemoteSandbox } from './remote-sandbox.js';

const CALLS = Number(process.env.LOAD_CALLS ?? 1000);
/** All calls start within this many ms (evenly spread). */
const RAMP_MS = Number(process.env.LOAD_RAMP_MS ?? 2000);
/** Each caller's think time before each answer: long enough that the first call outlives the ramp. */
const THINK: [number, number] = [Number(process.env.LOAD_THINK_MIN_MS ?? 8000), Number(process.env.LOAD_THINK_MAX_MS ?? 12000)];
/** File descriptors needed per live call at the worst moment (measured: about 3; see bench/README.md "Load"). */
const FDS_PER_CALL = 4;
// Fictional 555-01xx numbers the sandbox sells: the account must hold them before PUT routes them.
const TEXML_NUMBER = '+13125550181', CC_NUMBER = '+13125550182';
// Monday 10:00 in Los Angeles: the main line is open.
const OPEN = new Date('2026-11-23T18:00:00Z');

let url = '', dir = '', companyId = '';
let server: Server, sandbox: RemoteSandbox, app: CallflowApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-load-'));
  // Telnyx's timings, except a patient idle timer and call limit; the webhook timeout stays the sandbox's 10 s.
  sandbox = await startRemoteSandbox({ retryDelaysMs: [50, 200, 1000], idleMs: 30_000, callTimeoutMs: 120_000 });
  app = createApp({
    db: join(dir, 'load.db'), log: pino({ level: 'silent' }),
    telnyx: new Telnyx({ apiKey: 'sandbox', baseURL: `${sandbox.url}/sandbox/v2`, maxRetries: 0, timeout: 30_000 }),
    publicUrl: () => url, webhookPublicKeys: [sandbox.publicKeyBase64], now: () => OPEN, retryDelayMs: 20,
    // The server's default webhook limit (30,000/min per IP): 1,000 live calls send ~20,000 a minute from one IP, and the
    // default must let them all through (the old 6,000 did not: see bench/README.md). LOAD_WEBHOOKS_PER_MINUTE overrides it.
    rateLimits: { ...(process.env.LOAD_WEBHOOKS_PER_MINUTE ? { webhooksPerMinute: Number(process.env.LOAD_WEBHOOKS_PER_MINUTE) } : {}), apiPerMinute: 0 },
  });
  // A deep accept queue: many callers connect at once (Node's default is 511; an overflow drops the
  // handshake and costs a 1-3 s SYN-ACK retransmission, seen here; see bench/README.md).
  server = await new Promise((r) => { const s = createServer(app).listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => r(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.setServerUrl(url);
  const { company, apiKey } = await app.locals.ctx.store.createCompany('Load');
  companyId = company.id;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  await api('POST', '/api/flows', JSON.parse(readFileSync('flows/main-line.json', 'utf8')));
  await api('POST', '/api/flows/main-line/publish');
  for (const n of [TEXML_NUMBER, CC_NUMBER]) await holdInSandbox(app.locals.ctx.telnyx, n);
  await api('PUT', `/api/numbers/${encodeURIComponent(TEXML_NUMBER)}`, { flowId: 'main-line', mode: 'texml' });
  await api('PUT', `/api/numbers/${encodeURIComponent(CC_NUMBER)}`, { flowId: 'main-line', mode: 'call-control' });
});

afterAll(async () => {
  await sandbox?.close();
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

describe(`load: ${CALLS} sandbox calls live at the same time`, () => {
  it('every call overlaps every other; each ends as scripted, every webhook logged once with a 2xx, every call in the log', async () => {
    const limit = fdLimit();
    // Each live call holds sockets at both ends (its POST /sandbox/calls, webhooks, commands): fail clearly, not with EMFILE.
    expect(limit, `ulimit -n is ${limit}; ${CALLS} live calls need about ${CALLS * FDS_PER_CALL} file descriptors`).toBeGreaterThanOrEqual(CALLS * FDS_PER_CALL);
    const store = app.locals.ctx.store;
    // The fd gauge lists /proc/self/fd (thousands of entries): once a second is enough.
    let fds = 0, fdsAt = 0;
    const sampler = startSampler({
      server: async () => (await store.listCallsFiltered(companyId, { status: 'active', limit: CALLS + 1 })).length,
      fds: () => { if (performance.now() - fdsAt > 1000) { fds = openFds(); fdsAt = performance.now(); } return fds; },
    });
    const t0 = performance.now();
    const bodies = Array.from({ length: CALLS }, (_, i) => {
      const sc = script(i);
      return { to: sc.to, from: '+13125550147', mode: sc.mode, digits: sc.digits, thinkMs: THINK, thinkSeed: i };
    });
    const placed = await sandbox.place(bodies, RAMP_MS);
    const seconds = (performance.now() - t0) / 1000;
    const peaks = await sampler.stop();
    const ws = (await sandbox.stats()).webhooks;
    console.log(`load: ${CALLS} calls started over ${placed.spanMs} ms, think ${THINK.join('-')} ms; live at once: server ${peaks.server}, sandbox ${placed.livePeak}; `
      + `peak fds ${peaks.fds} (limit ${limit}); server event-loop lag max ${peaks.maxLagMs} ms; all ended after ${seconds.toFixed(1)} s`);
    const refused = placed.results.flatMap((r, i) => (r.ok ? [] : [`call ${i}: ${r.error}`]));
    expect(refused.slice(0, 5)).toEqual([]);
    const results = placed.results.map((r, i) => ({ i, s: (r as { summary: Summary }).summary }));
    expect(placed.spanMs).toBeLessThan(RAMP_MS + 3000);

    const problems: string[] = [];
    let webhookTotal = 0;
    for (const { i, s } of results) {
      const sc = script(i);
      const lines = s.transcript.map((e) => `${e.kind}: ${e.text}`);
      const fail = (why: string) => problems.push(`call ${i} (${sc.mode}, ${s.callId}): ${why}\n  ${lines.join('\n  ')}`);
      // Connected, talked, the member hung up; the caller stayed and the flow's hangup (connected → end) ended the call.
      if (s.ended?.by !== 'app') { fail(`ended by ${s.ended?.by}: ${s.ended?.reason}`); continue; }
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
    console.log(`load: ${webhookTotal} webhooks in ${seconds.toFixed(1)} s (${Math.round(webhookTotal / seconds)}/s from one sender IP); `
      + `answered in p50 ${ws.p50Ms} ms, p99 ${ws.p99Ms} ms, max ${ws.maxMs} ms; retried ${ws.retried}, failed ${ws.failed}`);
    expect(problems.slice(0, 5)).toEqual([]);
    // The point of this test: the server had every call open at one moment.
    expect(peaks.server).toBeGreaterThanOrEqual(CALLS);
    expect(placed.livePeak).toBeGreaterThanOrEqual(CALLS);
    expect(webhookTotal).toBeGreaterThanOrEqual(CALLS * 5);
    // Nothing timed out or was refused: every webhook answered 2xx on its first attempt.
    expect({ retried: ws.retried, failed: ws.failed }).toEqual({ retried: 0, failed: 0 });
  }, 240_000);
});
