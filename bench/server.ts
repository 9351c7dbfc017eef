/**
 * Webhook throughput and latency through the whole server path, beside a bare
 * express route that only verifies the same signature, in the same run.
 *
 * The server runs in a child process (`--serve`, below) so the load generator
 * (autocannon, plus an Ed25519 signature per request) does not share its
 * event loop; the Telnyx API stand-in for Call Control commands lives here in
 * the parent, as the real one lives across the network.
 *
 * Every whole-path request is a fresh signed webhook for a live call waiting
 * in a menu: a wrong key (TeXML Gather action `gather-menu-<seq>` with
 * `Digits=9`, or Call Control `call.gather.ended` with the step's
 * client_state) re-prompts, so each request loads the session, steps the
 * engine, persists the snapshot, logs the webhook and renders — never a
 * deduplicated answer (the dedupe key, CallSid + step, is new every time).
 */
import autocannon from 'autocannon';
import express from 'express';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeClientState, encodeClientState } from '../engine/call-control.js';
import { median } from './stats.js';
import { installFlow } from '../server/seed.js';

export const TEXML_NUMBER = '+18445550100';
export const CC_NUMBER = '+18445550101';
const FIXED_TEXML = '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="http://bench.invalid/webhooks/texml/gather-menu-2" input="dtmf" numDigits="1" validDigits="1" timeout="5"><Say voice="AWS.Polly.Joanna-Neural" language="en-US">Press 1.</Say></Gather><Redirect>http://bench.invalid/webhooks/texml/gather-menu-2?event=timeout</Redirect></Response>';

/** The bench flow: a menu that re-prompts on a wrong key, forever (each pass waits for the caller). */
export function benchFlow() {
  const n = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
  const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
  return {
    format: 'callflow/1', id: 'bench-menu', name: 'Bench menu', timezone: 'UTC', start: 'welcome',
    nodes: [n('welcome', 'say', { text: 'Welcome.' }), n('menu', 'menu', { prompt: { text: 'Press 1.' }, options: { '1': 'One' }, timeoutSeconds: 5, maxRetries: 0 }), n('bye', 'hangup', {})],
    edges: [e('welcome', 'next', 'menu'), e('menu', '1', 'bye'), e('menu', 'invalid', 'menu'), e('menu', 'timeout', 'menu')],
  };
}

/** Child side: the real app on a temp SQLite file plus the two bare signed routes. */
async function serve(): Promise<void> {
  const [{ pino }, { default: Telnyx }, { createApp }, { signatureChecker }, { rawBody }] = await Promise.all([
    import('pino'), import('telnyx'), import('../server/app.js'), import('../server/webhooks/verify.js'), import('../server/webhooks/capture.js'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cf-bench-'));
  const key = process.env.BENCH_PUBLIC_KEY!;
  const app = createApp({
    db: join(dir, 'bench.db'), log: pino({ level: 'silent' }), publicUrl: () => 'http://bench.invalid', webhookPublicKeys: [key],
    telnyx: new Telnyx({ apiKey: 'bench', baseURL: process.env.BENCH_TELNYX_URL!, maxRetries: 0, timeout: 5000 }),
    now: () => new Date('2026-11-23T16:00:00Z'), retryDelayMs: 0,
    // The limiter stays in the path (its cost is measured) but never refuses the load generator.
    rateLimits: { apiPerMinute: 1e9, webhooksPerMinute: 1e9 },
  });
  const store = app.locals.ctx.store;
  const { company } = await store.createCompany('Bench');
  const flow = benchFlow();
  await installFlow(store, company.id, flow, [{ e164: TEXML_NUMBER, mode: 'texml' }, { e164: CC_NUMBER, mode: 'call-control' }]);
  const check = signatureChecker([key]);
  const outer = express();
  outer.post('/bare/texml', rawBody, async (req, res) => {
    const bad = await check(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '', req.headers as Record<string, string>);
    if (bad) res.status(401).json({ error: bad }); else res.type('text/xml').send(FIXED_TEXML);
  });
  outer.post('/bare/call-control', rawBody, async (req, res) => {
    const bad = await check(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '', req.headers as Record<string, string>);
    if (bad) res.status(401).json({ error: bad }); else res.json({ commands: [] });
  });
  // The fair Call Control baseline: verify, parse, and send the same one command the whole path sends for a wrong key
  // (gather_using_speak, the re-prompt) through the same SDK client settings to the same stand-in, then answer.
  const sdk = new Telnyx({ apiKey: 'bench', baseURL: process.env.BENCH_TELNYX_URL!, maxRetries: 0, timeout: 5000 });
  outer.post('/bare/call-control-command', rawBody, async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const bad = await check(raw, req.headers as Record<string, string>);
    if (bad) return void res.status(401).json({ error: bad });
    const p = (JSON.parse(raw) as { data: { id: string; payload: { call_control_id: string; client_state?: string } } }).data;
    const body = { payload: 'Press 1.', voice: 'AWS.Polly.Joanna-Neural', language: 'en-US' as const, minimum_digits: 1, maximum_digits: 1, valid_digits: '1', timeout_millis: 5000, client_state: p.payload.client_state ?? '', command_id: `bare-${p.id}` };
    await sdk.calls.actions.gatherUsingSpeak(p.payload.call_control_id, body as never);
    res.json({ commands: [{ action: 'gather_using_speak', body }] });
  });
  // One HTTP server, two express apps side by side: /bare/* goes to the bare routes, everything else to the app
  // itself, as server/main.ts serves it (mounted inside another express app it would pay a sub-app's routing too).
  const server = createServer((req, res) => (req.url!.startsWith('/bare/') ? outer : app)(req, res));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
  process.on('SIGTERM', () => { server.close(); void store.close().then(() => { rmSync(dir, { recursive: true, force: true }); process.exit(0); }); });
}

/**
 * CPU time (user + system) per answered request, when measurable (Linux): `serverCpuUs` of the server child (all
 * its threads: the event loop, the signature checks on the thread pool, GC, the checkpointer), `loopCpuUs` of its
 * event-loop thread alone (the one that cannot be spread over cores), `benchCpuUs` of this process (load generator, signer).
 */
export interface LoadFigures { rps: number; p50: number; p99: number; errors: number; sample?: string; serverCpuUs?: number; loopCpuUs?: number; benchCpuUs?: number }

/** CPU milliseconds used so far by process `pid` (or only its main thread), from /proc; undefined elsewhere. */
function cpuMsOf(pid: number | undefined, mainThread = false): number | undefined {
  try {
    // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
    const f = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** A signer for our own key pair; the child trusts its public half. */
function keys(): { pub: string; signBody: (body: string) => Record<string, string> } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pk: KeyObject = privateKey;
  return {
    pub: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
    signBody(body) {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), pk).toString('base64'), 'telnyx-timestamp': ts };
    },
  };
}

/** One autocannon run of `amount` requests (cut at `maxSeconds`), each made by `next()`. */
type Next = () => { path: string; body: string; headers: Record<string, string>; done?: () => void };
async function load(url: string, connections: number, amount: number, maxSeconds: number, next: Next, ok: (status: number, body: string) => boolean, serverPid?: number): Promise<LoadFigures> {
  let errors = 0, answered = 0, first = 0, last = 0;
  const server0 = cpuMsOf(serverPid), loop0 = cpuMsOf(serverPid, true), bench0 = process.cpuUsage();
  let sample: string | undefined;
  const inst = autocannon({
    url, connections, amount, timeout: 10,
    requests: [{
      method: 'POST',
      // The context is per connection: it remembers which call its request is for, freed on the answer.
      setupRequest: (req, context: { done?: () => void }) => { first ||= performance.now(); const r = next(); context.done = r.done; return { ...req, path: r.path, body: r.body, headers: r.headers }; },
      onResponse: (status, body, context: { done?: () => void }) => {
        context.done?.();
        answered++;
        last = performance.now();
        if (!ok(status, String(body))) { errors++; sample ??= `${status} ${String(body).slice(0, 300)}`; }
      },
    }],
  });
  const stop = setTimeout(() => (inst as unknown as { stop: () => void }).stop(), maxSeconds * 1000);
  const res = await inst;
  clearTimeout(stop);
  const server1 = cpuMsOf(serverPid), loop1 = cpuMsOf(serverPid, true), bench1 = process.cpuUsage(bench0);
  const cpu = {
    ...(server0 !== undefined && server1 !== undefined && answered ? { serverCpuUs: ((server1 - server0) * 1000) / answered } : {}),
    ...(loop0 !== undefined && loop1 !== undefined && answered ? { loopCpuUs: ((loop1 - loop0) * 1000) / answered } : {}),
    ...(answered ? { benchCpuUs: (bench1.user + bench1.system) / answered } : {}),
  };
  // Throughput from our own clock (first request built → last answer): autocannon's `duration` is rounded to its
  // 1 s ticks, which on a 2–5 s round moved the figures by up to 30 %.
  return { rps: last > first ? answered / ((last - first) / 1000) : res.requests.total / res.duration, p50: res.latency.p50, p99: res.latency.p99, errors: errors + res.errors + res.timeouts, sample, ...cpu };
}

/** A Telnyx API stand-in (here, across a process boundary, like the real one) that accepts every command. */
async function standIn(): Promise<{ url: string; server: Server; commands: () => number }> {
  let n = 0;
  const app = express();
  app.post('/v2/calls/:id/actions/:action', (_req, res) => { n++; res.json({ data: { result: 'ok' } }); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`, server, commands: () => n };
}

async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_NODE_ARGS: extra node flags for the server child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', new URL(import.meta.url).pathname, '--serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

export interface ServerBench { texml: { whole: LoadFigures; bare: LoadFigures; whole10: LoadFigures; bare10: LoadFigures }; cc: { whole: LoadFigures; bare: LoadFigures; fair: LoadFigures }; calls: number; connections: number; rounds: number; amount: number; openLoop: OpenLoopRow[] }

/**
 * Runs both webhook benches: `rounds` alternating rounds of `amount` requests per side, medians reported.
 * `texmlOnly` skips Call Control (its figures are then empty), so a `--cpu-prof` of the child shows the TeXML path alone;
 * `skip` leaves out TeXML phases (their figures are then NaN), to profile one phase alone.
 */
export async function benchServer(o: { calls?: number; connections?: number; rounds?: number; amount?: number; texmlOnly?: boolean; skip?: ('bare' | 'whole' | 'bare10' | 'whole10')[]; openRates?: number[]; openSeconds?: number } = {}): Promise<ServerBench> {
  const calls = o.calls ?? 1000, connections = o.connections ?? 100, rounds = o.rounds ?? 3, amount = o.amount ?? 5000;
  const k = keys();
  const telnyx = await standIn();
  const { child, url } = await startChild({ BENCH_PUBLIC_KEY: k.pub, BENCH_TELNYX_URL: telnyx.url });
  try {
    const post = async (path: string, body: string, type: string) => {
      const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': type, ...k.signBody(body) } });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path} → ${res.status} ${text}`);
      return text;
    };
    // Live calls waiting in the menu, both modes.
    const texmlSeq: number[] = [], ccSeq: number[] = [];
    const sid = (i: number) => `v3:bench-texml-${i}`, ccid = (i: number) => `v3:bench-cc-${i}`;
    for (let i = 0; i < calls; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, calls - i) }, async (_, j) => {
        const c = i + j;
        const xml = await post('/webhooks/texml', new URLSearchParams({ CallSid: sid(c), From: '+13125550147', To: TEXML_NUMBER, CallStatus: 'in-progress' }).toString(), 'application/x-www-form-urlencoded');
        if (!xml.includes('gather-menu-1')) throw new Error(`call ${c} is not in the menu: ${xml}`);
        texmlSeq[c] = 1;
        const env = (type: string, payload: Record<string, unknown>) => JSON.stringify({ data: { record_type: 'event', event_type: type, id: `${type}-${c}`, occurred_at: new Date().toISOString(), payload: { call_control_id: ccid(c), call_session_id: `s-${c}`, from: '+13125550147', to: CC_NUMBER, ...payload } } });
        if (o.texmlOnly) return;
        await post('/webhooks/call-control', env('call.initiated', { direction: 'incoming', state: 'parked' }), 'application/json');
        await post('/webhooks/call-control', env('call.answered', {}), 'application/json');
        // The welcome is a speak; its end brings the menu's gather, whose client_state says the step.
        const ans = JSON.parse(await post('/webhooks/call-control', env('call.speak.ended', { status: 'completed', client_state: encodeClientState({ flow: 'bench-menu', node: 'welcome', seq: 1 }) }), 'application/json')) as { commands?: { action: string; body: { client_state?: string } }[] };
        const gather = ans.commands?.find((x) => x.action === 'gather_using_speak');
        if (!gather) throw new Error(`call ${c} is not in the menu: ${JSON.stringify(ans)}`);
        ccSeq[c] = decodeClientState(gather.body.client_state)!.seq;
      }));
    }
    let ti = 0, ci = 0, bi = 0, ei = 0;
    // One request in flight per call, as on a real line (the caller presses a key, then waits).
    const busy = new Set<string>();
    const pick = (mode: string, from: () => number) => {
      for (;;) { const c = from(); if (!busy.has(`${mode}${c}`)) { busy.add(`${mode}${c}`); return c; } }
    };
    const texmlNext = () => {
      const c = pick('t', () => ti++ % calls);
      const body = new URLSearchParams({ CallSid: sid(c), From: '+13125550147', To: TEXML_NUMBER, Digits: '9' }).toString();
      return { path: `/webhooks/texml/gather-menu-${texmlSeq[c]!++}`, body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...k.signBody(body) }, done: () => busy.delete(`t${c}`) };
    };
    const ccNext = () => {
      const c = pick('c', () => ci++ % calls);
      const seq = ccSeq[c]!++;
      const body = JSON.stringify({ data: { record_type: 'event', event_type: 'call.gather.ended', id: `g-${c}-${seq}`, occurred_at: new Date().toISOString(), payload: { call_control_id: ccid(c), call_session_id: `s-${c}`, digits: '9', status: 'valid', client_state: encodeClientState({ flow: 'bench-menu', node: 'menu', seq }) } } });
      return { path: '/webhooks/call-control', body, headers: { 'content-type': 'application/json', ...k.signBody(body) }, done: () => busy.delete(`c${c}`) };
    };
    const bareTexml = () => { const body = new URLSearchParams({ CallSid: `v3:bare-${bi++}`, Digits: '9' }).toString(); return { path: '/bare/texml', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...k.signBody(body) } }; };
    const bareCcCommand = () => { const body = JSON.stringify({ data: { event_type: 'call.gather.ended', id: `fair-${ei++}`, payload: { call_control_id: `v3:fair-${ei}`, digits: '9', client_state: 'e30=' } } }); return { path: '/bare/call-control-command', body, headers: { 'content-type': 'application/json', ...k.signBody(body) } }; };
    const bareCc = () => { const body = JSON.stringify({ data: { event_type: 'call.gather.ended', id: `bare-${ei++}`, payload: { digits: '9' } } }); return { path: '/bare/call-control', body, headers: { 'content-type': 'application/json', ...k.signBody(body) } }; };
    // A whole-path answer must be the re-prompt (a Gather), never the apology; a CC answer must carry commands.
    const texmlOk = (s: number, b: string) => s === 200 && b.includes('<Gather');
    const ccOk = (s: number, b: string) => s === 200 && b.includes('gather_using_speak');
    const anyOk = (s: number) => s === 200;
    const runs = { tw: [] as LoadFigures[], tb: [] as LoadFigures[], cw: [] as LoadFigures[], cb: [] as LoadFigures[], cf: [] as LoadFigures[], tw10: [] as LoadFigures[], tb10: [] as LoadFigures[] };
    // Warm-up (JIT, SQLite page cache), not counted.
    await load(url, connections, Math.min(1000, amount), 20, texmlNext, texmlOk);
    if (!o.texmlOnly) await load(url, connections, Math.min(1000, amount), 20, ccNext, ccOk);
    await load(url, connections, 1000, 20, bareTexml, anyOk);
    for (let r = 0; r < rounds; r++) {
      const skip = new Set(o.skip ?? []);
      if (!skip.has('bare')) runs.tb.push(await load(url, connections, amount, 30, bareTexml, anyOk, child.pid));
      if (!skip.has('whole')) runs.tw.push(await load(url, connections, amount, 30, texmlNext, texmlOk, child.pid));
      if (!o.texmlOnly) {
        runs.cb.push(await load(url, connections, amount, 30, bareCc, anyOk, child.pid));
        runs.cf.push(await load(url, connections, amount, 30, bareCcCommand, ccOk, child.pid));
        runs.cw.push(await load(url, connections, amount, 30, ccNext, ccOk, child.pid));
      }
      // Latency without queueing: 10 connections (p99 at 100 is mostly time spent waiting in line).
      if (!skip.has('bare10')) runs.tb10.push(await load(url, 10, amount / 2, 30, bareTexml, anyOk, child.pid));
      if (!skip.has('whole10')) runs.tw10.push(await load(url, 10, amount / 2, 30, texmlNext, texmlOk, child.pid));
    }
    const medOf = (xs: (number | undefined)[]) => (xs.length && xs.every((x) => x !== undefined) ? median(xs as number[]) : undefined);
    const med = (xs: LoadFigures[]): LoadFigures => ({
      rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), errors: xs.reduce((a, x) => a + x.errors, 0), sample: xs.find((x) => x.sample)?.sample,
      serverCpuUs: medOf(xs.map((x) => x.serverCpuUs)), loopCpuUs: medOf(xs.map((x) => x.loopCpuUs)), benchCpuUs: medOf(xs.map((x) => x.benchCpuUs)),
    });
    // Open loop: requests sent at a fixed offered rate whatever the answers do (latency from the moment each was due).
    const openLoop: OpenLoopRow[] = [];
    for (const rate of o.openRates ?? [500, 1000]) {
      openLoop.push({ what: 'TeXML: bare route', rate, ...(await openLoopRun(url, rate, o.openSeconds ?? 10, bareTexml, anyOk)) });
      openLoop.push({ what: 'TeXML: whole path', rate, ...(await openLoopRun(url, rate, o.openSeconds ?? 10, texmlNext, texmlOk)) });
    }
    return { texml: { whole: med(runs.tw), bare: med(runs.tb), whole10: med(runs.tw10), bare10: med(runs.tb10) }, cc: { whole: med(runs.cw), bare: med(runs.cb), fair: med(runs.cf) }, calls, connections, rounds, amount, openLoop };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    telnyx.server.close();
  }
}

/** Table rows for `bench/run.ts`. */
export function serverRows(b: ServerBench): (string | number)[][] {
  // CPU per request rides in the last column (bench/run.ts owns the headers): it moves far less than req/s on a shared box.
  const cpu = (f: LoadFigures) => (f.serverCpuUs !== undefined && f.loopCpuUs !== undefined ? `CPU/request: server ${Math.round(f.serverCpuUs)} µs, event loop ${Math.round(f.loopCpuUs)} µs` : '');
  const row = (what: string, f: LoadFigures, base?: LoadFigures, target?: string) => [
    what, Math.round(f.rps), `${f.p50} ms`, `${f.p99} ms`, base ? (f.rps / base.rps).toFixed(2) : '1.00 (baseline)', f.errors, [target, cpu(f)].filter(Boolean).join('; '),
  ];
  return [
    row(`TeXML: bare route (verify signature, fixed TeXML)`, b.texml.bare),
    row('TeXML: whole path (verify, load, step, persist, log, render)', b.texml.whole, b.texml.bare, `ratio ≥ 0.70: ${b.texml.whole.rps / b.texml.bare.rps >= 0.7 ? 'yes' : 'NO'}; p99 < 20 ms: ${b.texml.whole.p99 < 20 ? 'yes' : 'NO'}`),
    row('TeXML: bare route, 10 connections', b.texml.bare10),
    row('TeXML: whole path, 10 connections', b.texml.whole10, b.texml.bare10),
    row('Call Control: bare route (verify signature, fixed JSON)', b.cc.bare),
    row('Call Control: fair baseline (verify, parse, the same one command through the SDK to the same stand-in)', b.cc.fair),
    row('Call Control: whole path (+ command to the Telnyx stand-in), vs the fair baseline', b.cc.whole, b.cc.fair, `ratio ≥ 0.70: ${b.cc.whole.rps / b.cc.fair.rps >= 0.7 ? 'yes' : 'NO'}`),
  ];
}

/** One open-loop phase: offered rate, what was answered, latency from each request's due time. */
export interface OpenLoopRow { what: string; rate: number; sent: number; answered: number; achieved: number; p50: number; p99: number; max: number; errors: number }

/**
 * Sends `rate` requests per second for `seconds`, on schedule whether or not earlier ones were answered (an open
 * loop, as many independent callers are), over a keep-alive pool of up to 1,024 sockets. Each latency counts from
 * the moment its request was due, so a stall shows as latency rather than as fewer requests (no coordinated omission).
 */
export async function openLoopRun(base: string, rate: number, seconds: number, next: Next, ok: (status: number, body: string) => boolean): Promise<Omit<OpenLoopRow, 'what' | 'rate'>> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1024 });
  const { hostname, port } = new URL(base);
  const lat: number[] = [];
  let sent = 0, answered = 0, errors = 0;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  const pending: Promise<void>[] = [];
  const fire = (due: number) => {
    const r = next();
    sent++;
    pending.push(new Promise<void>((resolve) => {
      const req = httpRequest({ agent, hostname, port, method: 'POST', path: r.path, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) }, timeout: 10_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; });
        res.on('end', () => { r.done?.(); answered++; lat.push(performance.now() - due); if (!ok(res.statusCode ?? 0, text)) errors++; resolve(); });
      });
      req.on('error', () => { r.done?.(); errors++; resolve(); });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(r.body);
    }));
  };
  // A tick every 5 ms sends every request that has come due by then.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const dueCount = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < dueCount) fire(t0 + (sent / rate) * 1000);
      if (sent >= total) { clearInterval(tick); resolve(); }
    }, 5);
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  const s = [...lat].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10 : NaN);
  return { sent, answered, achieved: Math.round(answered / elapsed), p50: q(0.5), p99: q(0.99), max: q(1), errors };
}

/** Table rows of the open-loop phases for `bench/run.ts`. */
export function openLoopRows(b: ServerBench): (string | number)[][] {
  return b.openLoop.map((r) => [r.what, `${r.rate}/s`, `${r.achieved}/s`, `${r.p50} ms`, `${r.p99} ms`, `${r.max} ms`, r.errors,
    r.what.includes('whole') && r.rate === 500 ? `p99 < 20 ms: ${r.p99 < 20 ? 'yes' : 'NO'}` : '']);
}

if (process.argv.includes('--serve')) void serve();
