/**
 * Shared parts of the fault suites: a Telnyx API stand-in that can fail or
 * stall on purpose and counts every attempt per `command_id`, the main line
 * made always-open (so outcomes do not depend on the day the suite runs),
 * and recorded fixture calls re-issued under fresh call ids.
 */
import express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { listsEveryNumber } from '../../server/stack.js';

export interface Attempt { ccid: string; action: string; commandId: string; answered: number | 'stalled'; body: Record<string, unknown> }

/** What the stand-in does with an attempt: answer 200, answer a status, or never answer. */
export type Behaviour = (a: { action: string; commandId: string; attempt: number }) => 'ok' | 'stall' | number;

export class TelnyxStandIn {
  attempts: Attempt[] = [];
  behaviour: Behaviour = () => 'ok';
  /** How long each answered command takes (a slow Telnyx): the webhook that sent it is in flight that long. */
  delayMs = 0;
  /** Commands received per call control id, counted on arrival (before `delayMs`): the webhook is in flight from then. */
  received = new Map<string, number>();
  url = '';
  private server?: Server;
  private byId = new Map<string, number>();

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.post('/v2/calls/:id/actions/:action', async (req, res) => {
      this.received.set(req.params.id, (this.received.get(req.params.id) ?? 0) + 1);
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const commandId = String(req.body?.command_id ?? '');
      const n = (this.byId.get(commandId) ?? 0) + 1;
      this.byId.set(commandId, n);
      const b = this.behaviour({ action: req.params.action, commandId, attempt: n });
      this.attempts.push({ ccid: req.params.id, action: req.params.action, commandId, answered: b === 'stall' ? 'stalled' : b === 'ok' ? 200 : b, body: req.body ?? {} });
      if (b === 'stall') return; // never answers: the SDK's timeout fires
      if (b === 'ok') return void res.json({ data: { result: 'ok' } });
      res.status(b).json({ errors: [{ code: String(b), title: 'scripted failure' }] });
    });
    app.post('/v2/messages', (_req, res) => void res.json({ data: { id: 'msg-1', record_type: 'message' } }));
    app.get('/v2/phone_numbers', listsEveryNumber); // PUT /api/numbers/:e164 checks the account holds the number
    this.server = app.listen(0, '127.0.0.1');
    await new Promise((r) => this.server!.once('listening', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2`;
  }
  /** Attempts per command_id. */
  counts(): Map<string, number> { return new Map(this.byId); }
  /** Actions that were answered 200, in order, for one call. */
  done(ccid: string): string[] { return this.attempts.filter((a) => a.ccid === ccid && a.answered === 200).map((a) => a.action); }
  clear(): void { this.attempts = []; this.byId.clear(); }
  async stop(): Promise<void> { this.server?.closeAllConnections(); await new Promise((r) => this.server?.close(r)); }
}

/** flows/main-line.json without its business-hours branch: welcome → menu, whatever the date. */
export function alwaysOpenMainLine(id = 'main-line'): Record<string, any> {
  const f = JSON.parse(readFileSync('flows/main-line.json', 'utf8')) as { nodes: { id: string }[]; edges: { source: string; target: string; sourceHandle?: string }[] } & Record<string, unknown>;
  const drop = new Set(['hours', 'closed-msg', 'holiday-msg']);
  return {
    ...f, id,
    nodes: f.nodes.filter((n) => !drop.has(n.id)),
    edges: [...f.edges.filter((e) => !drop.has(e.source) && !drop.has(e.target)), { id: 'welcome-next-menu', source: 'welcome', sourceHandle: 'next', target: 'menu' }],
  };
}

export interface RecordedEvent { path: string; method?: string; headers?: Record<string, string>; body: string }

/** A fixture's recorded webhooks. */
export function fixtureEvents(name: string): RecordedEvent[] {
  return readFileSync(`fixtures/${name}/events.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RecordedEvent);
}

/** Every id in a recorded call that must be fresh for a new call (call ids, legs, sessions, event ids). */
function idsOf(events: RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.path.includes('call-control')) {
      const d = (JSON.parse(e.body) as { data: { id: string; payload: Record<string, unknown> } }).data;
      ids.add(d.id);
      for (const k of ['call_control_id', 'call_leg_id', 'call_session_id']) if (typeof d.payload[k] === 'string') ids.add(d.payload[k] as string);
    } else {
      const f = new URLSearchParams(e.body);
      for (const k of ['CallSid', 'CallSidLegacy', 'DialCallSid', 'CallSessionId']) { const v = f.get(k); if (v) ids.add(v); }
    }
  }
  return [...ids].filter((x) => x.length >= 8);
}

/** The recorded call with every id replaced by a fresh one derived from `tag` (form bodies are re-encoded). */
export function freshCall(events: RecordedEvent[], tag: string): { callId: string; events: RecordedEvent[] } {
  const ids = idsOf(events);
  const map = new Map(ids.map((id, i) => [id, `${id.startsWith('v3:') ? 'v3:' : ''}${tag}-${i}`]));
  const swap = (s: string) => {
    let out = s;
    for (const [from, to] of map) out = out.split(from).join(to).split(encodeURIComponent(from)).join(encodeURIComponent(to));
    return out;
  };
  const first = events[0]!;
  const callId = first.path.includes('call-control')
    ? map.get((JSON.parse(first.body) as { data: { payload: { call_control_id: string } } }).data.payload.call_control_id)!
    : map.get(new URLSearchParams(first.body).get('CallSid')!)!;
  return { callId, events: events.map((e) => ({ ...e, body: swap(e.body), path: swap(e.path) })) };
}

/** TeXML with round-robin targets and host names normalised, for comparing answers across calls. */
export const normTexml = (x: string) => x.replace(/<Number>[^<]*<\/Number>/g, '<Number>N</Number>').replace(/<Sip>[^<]*<\/Sip>/g, '<Number>N</Number>').replace(/https?:\/\/[^/"<]+/g, 'URL');

/** Telnyx-style delivery: retried until a 2xx (fresh signature each time), like Telnyx does. */
export async function deliver(url: string, ev: RecordedEvent, signBody: (b: string) => Record<string, string>, o: { tries?: number; timeoutMs?: number; pauseMs?: number } = {}): Promise<{ status: number; text: string; tries: number }> {
  const tries = o.tries ?? 200;
  let last = '';
  for (let t = 1; t <= tries; t++) {
    try {
      const type = ev.headers?.['content-type'] ?? (ev.path.includes('call-control') ? 'application/json' : 'application/x-www-form-urlencoded');
      const res = await fetch(url + ev.path, { method: 'POST', body: ev.body, headers: { 'content-type': type, ...signBody(ev.body) }, signal: AbortSignal.timeout(o.timeoutMs ?? 5000) });
      const text = await res.text();
      if (res.status < 300) return { status: res.status, text, tries: t };
      last = `${res.status} ${text}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, o.pauseMs ?? 100));
  }
  throw new Error(`${ev.path} never delivered: ${last}`);
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

/**
 * Starts the real server (`node --import tsx server/main.ts`) as a child process against the Telnyx stand-in at
 * `telnyxUrl`, trusting webhooks signed by `publicKey`, and waits until it answers. `key` is the API key its banner
 * showed (first start on a database only).
 */
export async function spawnServer(o: { port: number; db: string; telnyxUrl: string; publicKey: string; env?: Record<string, string> }): Promise<{ child: ChildProcess; key?: string }> {
  let key: string | undefined;
  const c = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env, PORT: String(o.port), CALLFLOW_DB: o.db, PUBLIC_URL: 'https://callflow.example',
      TELNYX_PUBLIC_KEY: o.publicKey, TELNYX_API_KEY: 'KEY_FAULTS', TELNYX_BASE_URL: o.telnyxUrl, CALLFLOW_WEBHOOK_RATE_LIMIT: '0', CALLFLOW_API_RATE_LIMIT: '0',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The first start's key is on the stderr banner only (never in the JSON log on stdout).
  if (process.env.FAULTS_SERVER_LOG) c.stdout!.on('data', (d: Buffer) => process.stderr.write(d)); else c.stdout!.resume();
  c.stderr!.on('data', (d: Buffer) => { const m = /API key: +(cf_\S+)/.exec(d.toString()); if (m) key = m[1]; });
  for (let i = 0; i < 300; i++) {
    if (c.exitCode !== null) throw new Error(`server exited with ${c.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${o.port}/api/flows/schema`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return { child: c, ...(key ? { key } : {}) };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not start');
}

/** A webhook signer of its own, as Telnyx's: the base64 public key the server is to trust, and the headers for a body. */
export function webhookSigner(): { publicKey: string; signBody: (body: string) => Record<string, string> } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
    signBody: (body) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64'), 'telnyx-timestamp': ts };
    },
  };
}
