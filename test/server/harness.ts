/**
 * Test harness for the server: a real app on a temp SQLite file, our own
 * Ed25519 key pair to sign webhooks as Telnyx does, and a tiny HTTP listener
 * standing in for api.telnyx.com that records what the official SDK sends.
 */
import express from 'express';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import request from 'supertest';
import { createApp, type CallflowApp } from '../../server/app.js';
import { listsEveryNumber } from '../../server/stack.js';

export const PUBLIC_URL = 'https://cf.example.test';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
/** Base64 of the raw 32-byte public key, as Telnyx shows it in the portal. */
export const PUBLIC_KEY_B64 = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

/** Telnyx's two signature headers over `timestamp|body`; `ageSeconds` makes it older. */
export function signed(body: string, ageSeconds = 0): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000) - ageSeconds);
  return { 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64'), 'telnyx-timestamp': ts };
}

/** One request the SDK made. */
export interface Seen { method: string; path: string; action?: string; ccid?: string; body: any }

/** A stand-in Telnyx API: records requests; `fail` scripts failures per action; its account holds every number. */
export class FakeTelnyx {
  seen: Seen[] = [];
  /** action → statuses to answer before succeeding (e.g. [500] = fail once). */
  fail: Record<string, number[]> = {};
  private server?: Server;
  private dialled = 0;
  url = '';

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.post('/v2/calls/:id/actions/:action', (req, res) => {
      const action = req.params.action;
      this.seen.push({ method: 'POST', path: req.path, action, ccid: req.params.id, body: req.body });
      const status = this.fail[action]?.shift();
      if (status) return void res.status(status).json({ errors: [{ code: String(status), title: 'scripted failure' }] });
      res.json({ data: { result: 'ok' } });
    });
    // Dial (a new leg): recorded as action `dial`; each gets its own id, v3:dial-1, v3:dial-2, …
    app.post('/v2/calls', (req, res) => {
      this.seen.push({ method: 'POST', path: req.path, action: 'dial', body: req.body });
      const status = this.fail.dial?.shift();
      if (status) return void res.status(status).json({ errors: [{ code: String(status), title: 'scripted failure' }] });
      const ccid = `v3:dial-${++this.dialled}`;
      res.json({ data: { call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: req.body.link_to ? `sess-${req.body.link_to}` : `sess-${ccid}`, is_alive: true, record_type: 'call' } });
    });
    app.post('/v2/messages', (req, res) => {
      this.seen.push({ method: 'POST', path: req.path, body: req.body });
      res.json({ data: { id: 'msg-1', record_type: 'message' } });
    });
    // The account holds every number these tests route with PUT /api/numbers/:e164.
    app.get('/v2/phone_numbers', listsEveryNumber);
    this.server = app.listen(0, '127.0.0.1');
    await new Promise((r) => this.server!.once('listening', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2`;
  }
  actions(ccid?: string): string[] {
    return this.seen.filter((s) => s.action && (!ccid || s.ccid === ccid)).map((s) => s.action!);
  }
  clear(): void { this.seen = []; }
  async stop(): Promise<void> { await new Promise((r) => this.server?.close(r)); }
}

/** A temp folder with a database file path, removed by `cleanup`. */
export function tempDb(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cf-server-'));
  return { file: join(dir, 'callflow.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fixed Monday 10:00 in Chicago: the main line is open. */
export const OPEN_NOW = new Date('2026-11-23T16:00:00Z');

/** Builds the real app on `file`; closing the store is the caller's job (`close`). */
export function makeApp(file: string, fake: FakeTelnyx, now: () => Date = () => OPEN_NOW): { app: CallflowApp; close: () => Promise<void> } {
  const telnyx = new Telnyx({ apiKey: 'KEY_TEST', baseURL: fake.url, maxRetries: 0, timeout: 5000 });
  const app = createApp({
    db: file, log: pino({ level: 'silent' }), telnyx, publicUrl: () => PUBLIC_URL,
    webhookPublicKeys: [PUBLIC_KEY_B64], now, retryDelayMs: 0, commandAttempts: 3,
  });
  return { app, close: () => app.locals.ctx.store.close() };
}

/** Creates a company straight in the store; returns its id and API key. */
export async function company(app: CallflowApp, name: string): Promise<{ id: string; key: string; auth: Record<string, string> }> {
  const { company: c, apiKey } = await app.locals.ctx.store.createCompany(name);
  return { id: c.id, key: apiKey, auth: { authorization: `Bearer ${apiKey}` } };
}

/** POSTs a TeXML form webhook, signed. */
export function texml(app: CallflowApp, path: string, fields: Record<string, string>, opts: { age?: number; tamper?: boolean } = {}) {
  const body = new URLSearchParams(fields).toString();
  const headers = signed(body, opts.age ?? 0);
  return request(app).post(path).set(headers).set('content-type', 'application/x-www-form-urlencoded').send(opts.tamper ? `${body}&x=1` : body);
}

/** POSTs a Call Control event envelope, signed, shaped like Telnyx's. */
export function ccEvent(app: CallflowApp, id: string, type: string, payload: Record<string, unknown>, opts: { age?: number } = {}) {
  const body = JSON.stringify({ data: { event_type: type, id, occurred_at: new Date().toISOString(), payload, record_type: 'event' }, meta: { attempt: 1, delivered_to: `${PUBLIC_URL}/webhooks/call-control` } });
  return request(app).post('/webhooks/call-control').set(signed(body, opts.age ?? 0)).set('content-type', 'application/json').send(body);
}

/**
 * The main line (DESIGN's example shape):
 *
 *   welcome(say) → hours(businessHours) ─open→ menu ─1→ sales(transfer) ─connected→ bye(hangup)
 *                                      └closed→ closed(say) → bye     ├2→ support(say) → bye
 *                                                                    └timeout/invalid → bye
 *   sales ─noAnswer/busy/failed→ sorry(say) → bye
 */
/** A flow node at the origin (tests build flows from these). */
export const n = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
/** An edge from `source`'s port `sourceHandle` to `target`, with the id the builder would give it. */
export const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });

export function mainLine(welcome = 'Thanks for calling {{company.name}}.') {
  return {
    format: 'callflow/1', id: 'main-line', name: 'Main line', timezone: 'America/Chicago', start: 'welcome',
    nodes: [
      n('welcome', 'say', { text: welcome }),
      n('hours', 'businessHours', { weekly: { mon: [{ open: '08:00', close: '17:00' }], tue: [{ open: '08:00', close: '17:00' }] } }),
      n('menu', 'menu', { prompt: { text: 'Press 1 for sales, 2 for support.' }, options: { '1': 'Sales', '2': 'Support' }, timeoutSeconds: 5, maxRetries: 1 }),
      n('sales', 'transfer', { to: '+13125550111', ringSeconds: 20 }),
      n('support', 'say', { text: 'Support is closed today.' }),
      n('closed', 'say', { text: 'We are closed.' }),
      n('sorry', 'say', { text: 'Nobody could take your call.' }),
      n('bye', 'hangup', {}),
    ],
    edges: [
      e('welcome', 'next', 'hours'), e('hours', 'open', 'menu'), e('hours', 'closed', 'closed'),
      e('menu', '1', 'sales'), e('menu', '2', 'support'), e('menu', 'timeout', 'bye'), e('menu', 'invalid', 'bye'),
      e('sales', 'connected', 'bye'), e('sales', 'noAnswer', 'sorry'), e('sales', 'busy', 'sorry'), e('sales', 'failed', 'sorry'),
      e('support', 'next', 'bye'), e('closed', 'next', 'bye'), e('sorry', 'next', 'bye'),
    ],
  };
}

/** Creates, publishes and routes the main line to `e164` for a company. */
export async function publishMainLine(app: CallflowApp, auth: Record<string, string>, e164: string, mode: 'texml' | 'call-control', flow = mainLine()) {
  await request(app).post('/api/flows').set(auth).send(flow).expect(201);
  const pub = await request(app).post(`/api/flows/${flow.id}/publish`).set(auth).expect(201);
  await request(app).put(`/api/numbers/${encodeURIComponent(e164)}`).set(auth).send({ flowId: flow.id, mode }).expect(200);
  return pub.body.version as number;
}
