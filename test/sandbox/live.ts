/**
 * The real server (createApp on a temp SQLite file, the official SDK) with
 * the sandbox mounted and pointed at it: what the whole-path suites
 * (e2e-flows, test/parity) place sandbox calls through. `clock` is the
 * server's time; `api` calls the server's API as one company.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp } from '../../server/app.js';
import { createSandbox, type Sandbox } from '../../server/sandbox/index.js';
import { holdInSandbox } from '../../server/seed.js';
import { scriptedResult } from '../../engine/nodes/http-result.js';

export interface Live {
  url: string;
  /** The server's clock (set it before each call). */
  clock: Date;
  /**
   * How httpRequest nodes' requests are answered, by node id (the simulator's script: `{status, body}`, `'timeout'`,
   * `{error}`); set it before each call. A node not listed gets 200 with `{}`: these suites never reach the network.
   */
  http?: Record<string, unknown>;
  api(method: string, path: string, body?: unknown): Promise<any>;
  /** The sandbox the server talks to (its connection ids). */
  sandbox: Sandbox;
  /** Has the sandbox account hold `e164` (a 555-01xx number), so the API may route it. */
  hold(e164: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLive(company: string): Promise<Live> {
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  let url = '';
  const live = { url: '', clock: new Date() } as Live;
  const sandbox = createSandbox({ publicUrl: () => url, retryDelaysMs: [5, 10], idleMs: 1000, callTimeoutMs: 20_000 });
  live.sandbox = sandbox;
  const app = createApp({
    db: join(dir, 'cf.db'), log: pino({ level: 'silent' }), telnyx: new Telnyx({ apiKey: 'sandbox', baseURL: 'http://x/sandbox/v2', maxRetries: 0 }),
    publicUrl: () => url, webhookPublicKeys: [sandbox.publicKeyBase64], now: () => live.clock, sandbox: sandbox.router, retryDelayMs: 0,
    // The suites place hundreds of calls a minute through one key (parity: ~200 scenarios × 2 modes); the API limit is not theirs to test.
    rateLimits: { apiPerMinute: 0 },
    httpStandIn: (r) => (live.http?.[r.node] === undefined ? { status: 200, body: '{}' } : scriptedResult(live.http[r.node])),
  });
  const server: Server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  url = live.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.locals.ctx.telnyx = new Telnyx({ apiKey: 'sandbox', baseURL: `${url}/sandbox/v2`, maxRetries: 0 });
  const key = (await app.locals.ctx.store.createCompany(company)).apiKey;
  live.api = async (method, path, body) => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  live.hold = async (e164) => { await holdInSandbox(app.locals.ctx.telnyx, e164); };
  live.close = async () => { sandbox.close(); server.closeAllConnections(); await new Promise((r) => server.close(r)); rmSync(dir, { recursive: true, force: true }); };
  return live;
}
