/**
 * The whole server in-process, on loopback, for the CLI's offline work
 * (fixture replay and recording) and for end-to-end tests: a real app on a
 * temp SQLite file, real Ed25519 signatures, the official SDK pointed either
 * at the offline sandbox or at an accept-everything Telnyx stand-in.
 */
import express from 'express';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type AppDeps, type CallflowApp } from './app.js';
import { createSandbox, type Sandbox } from './sandbox/index.js';
import { createTelnyxClient } from './telnyx/client.js';
import type { OutboundOptions } from './net/outbound-settings.js';

export interface StackOptions {
  /** Serve the Telnyx API from the offline sandbox (default) or from a stand-in that accepts every command. */
  telnyx?: 'sandbox' | 'accept-all';
  /** The server's clock (default: the real one). */
  now?: () => Date;
  /** SQLite file (default: a fresh temp file, removed on close). */
  dbFile?: string;
  builderDir?: string;
  log?: boolean;
  /** The app's outbound settings (createApp's `outbound`): e.g. `{ allowPrivate: ['127.0.0.1/32'] }` for a test's own webhook receiver. */
  outbound?: OutboundOptions;
  /** createApp's `notify` (outbox worker clock and backoff, transcription wait). */
  notify?: AppDeps['notify'];
  /** createApp's `httpStandIn`: answers httpRequest nodes' requests in place of the network (fixture recording). */
  httpStandIn?: AppDeps['httpStandIn'];
}

export interface Stack {
  url: string;
  app: CallflowApp;
  apiKey: string;
  sandbox?: Sandbox;
  /** Signs a webhook body as Telnyx does, with a key this server trusts. */
  sign(body: string): Record<string, string>;
  /** Calls `/api` with the company's key; throws with the error body on a non-2xx. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

/**
 * `GET /v2/phone_numbers` of a stand-in account that holds every number it is
 * asked about (the number's id: `pn-` and its digits), for stand-ins whose
 * tests are about calls, not about which numbers an account holds.
 */
export function listsEveryNumber(req: express.Request, res: express.Response): void {
  const q = req.query as Record<string, unknown>;
  const digits = String(q['filter[phone_number]'] ?? (q.filter as { phone_number?: string } | undefined)?.phone_number ?? '');
  const data = /^\d{8,15}$/.test(digits) ? [{ id: `pn-${digits}`, record_type: 'phone_number', phone_number: `+${digits}`, status: 'active' }] : [];
  res.json({ data, meta: { total_results: data.length, total_pages: 1, page_number: 1, page_size: 20 } });
}

/** A Telnyx API stand-in that says yes to everything (for replays, where the call is not live anywhere). */
function acceptAll(): express.Express {
  const app = express();
  app.use(express.json());
  app.post('/v2/calls/:id/actions/:action', (_req, res) => void res.json({ data: { result: 'ok' } }));
  app.post('/v2/calls', (req, res) => void res.json({ data: { call_control_id: `v3:replay-${String(req.body?.command_id ?? 'call')}`, call_leg_id: 'replay-leg', call_session_id: 'replay-session', is_alive: true, record_type: 'call' } }));
  app.get('/v2/phone_numbers', listsEveryNumber);
  app.post('/v2/messages', (req, res) => void res.json({ data: { id: 'replay-message', record_type: 'message', to: [{ phone_number: req.body?.to, status: 'queued' }], text: req.body?.text } }));
  app.use((_req, res) => void res.json({ data: {} }));
  return app;
}

/** Starts the stack; `close()` stops every listener and removes the temp database. */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const dir = o.dbFile ? undefined : mkdtempSync(join(tmpdir(), 'callflow-stack-'));
  const dbFile = o.dbFile ?? join(dir!, 'callflow.db');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const ownKey = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const log = pino({ level: o.log ? 'info' : 'silent' });
  let url = '';
  let sandbox: Sandbox | undefined;
  let standIn: Server | undefined;
  let baseURL: string;
  if ((o.telnyx ?? 'sandbox') === 'sandbox') {
    sandbox = createSandbox({ publicUrl: () => url, log, retryDelaysMs: [50, 200], orderDelayMs: 20 });
    baseURL = '';
  } else {
    const s = await listen(acceptAll());
    standIn = s.server;
    baseURL = `${s.url}/v2`;
  }
  // The SDK client is made once the URL is known: build the app lazily behind a holder.
  const holder: { app?: CallflowApp } = {};
  const outer = express();
  outer.use((req, res, next) => holder.app!(req, res, next));
  const { server, url: u } = await listen(outer);
  url = u;
  const telnyx = createTelnyxClient({ apiKey: 'sandbox', baseURL: baseURL || `${url}/sandbox/v2` });
  const app = createApp({
    db: dbFile, log, telnyx, publicUrl: () => url, webhookPublicKeys: [ownKey, ...(sandbox ? [sandbox.publicKeyBase64] : [])],
    now: o.now, sandbox: sandbox?.router, builderDir: o.builderDir, retryDelayMs: 20, outbound: o.outbound, notify: o.notify,
    ...(o.httpStandIn ? { httpStandIn: o.httpStandIn } : {}),
  });
  holder.app = app;
  const { apiKey } = await app.locals.ctx.store.createCompany('Stack company');
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return parsed;
  };
  return {
    url, app, apiKey, sandbox, api,
    sign(body: string) {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64'), 'telnyx-timestamp': ts };
    },
    async close() {
      sandbox?.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      if (standIn) { standIn.closeAllConnections(); await new Promise((r) => standIn!.close(r)); }
      await app.locals.ctx.outbox?.stop();
      await app.locals.ctx.store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
