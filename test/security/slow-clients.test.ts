/**
 * Slow clients: a connection that trickles its headers or its body is answered
 * 408 and closed (headersTimeout / requestTimeout), and past the connection cap a
 * new socket is closed on arrival. Real sockets against `npm start` (server/main.ts,
 * settings from the environment) and against an app with the same limits applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';
import { applyHttpLimits, DEFAULT_HTTP_LIMITS, httpLimitsFromEnv } from '../../server/http-limits.js';
import { tempDb } from '../server/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** What one socket saw: the bytes the server sent, and when (ms after connect) it closed. */
interface Seen { data: string; closedAfter: number }

/** Connects, sends `first`, then `drip` every `everyMs` until the server closes the socket (or `giveUpMs`). */
function trickle(port: number, first: string, drip: string, everyMs: number, giveUpMs: number): Promise<Seen> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let data = '';
    const s = connect(port, '127.0.0.1', () => s.write(first));
    const iv = setInterval(() => { if (!s.destroyed) s.write(drip); }, everyMs);
    const stop = setTimeout(() => s.destroy(), giveUpMs);
    s.on('data', (d) => { data += d.toString('utf8'); });
    s.on('error', () => {});
    s.on('close', () => { clearInterval(iv); clearTimeout(stop); resolve({ data, closedAfter: Date.now() - t0 }); });
  });
}

let child: ChildProcess, port = 0;
const dir = tempDb();

beforeAll(async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CALLFLOW_DB: dir.file, CALLFLOW_HEADERS_TIMEOUT_MS: '700', CALLFLOW_REQUEST_TIMEOUT_MS: '1500' };
  delete env.TELNYX_API_KEY;
  delete env.PUBLIC_URL;
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => { out += String(d); if (out.includes('callflow listening')) resolve(); });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}, 60_000);
afterAll(() => { child?.kill('SIGTERM'); dir.cleanup(); });

describe('npm start cuts off slow clients', () => {
  it('headers trickling in (one header line every 200 ms): 408, closed after the headers timeout', async () => {
    const seen = await trickle(port, 'POST /webhooks/call-control HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n', 200, 10_000);
    expect(seen.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(seen.closedAfter).toBeGreaterThanOrEqual(600);
    expect(seen.closedAfter).toBeLessThan(5_000); // Node's default would wait 60 s
  });

  it('a body trickling in (one byte every 200 ms of a 1,000-byte body): 408, closed after the request timeout', async () => {
    const head = 'POST /webhooks/call-control HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const seen = await trickle(port, head, ' ', 200, 10_000);
    expect(seen.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(seen.closedAfter).toBeGreaterThanOrEqual(1_400);
    expect(seen.closedAfter).toBeLessThan(6_000); // Node's default would wait 300 s
  });

  it('a quick request is answered as before', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/me`);
    expect(res.status).toBe(401);
  });
});

describe('the connection cap', () => {
  let app: CallflowApp, server: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    app = createApp({ db: ':memory:', log: pino({ level: 'silent' }), publicUrl: () => 'https://cf.example.test', webhookPublicKeys: [], telnyx: new Telnyx({ apiKey: 'K', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }) });
    server = applyHttpLimits(app.listen(0, '127.0.0.1'), { maxConnections: 3 });
    await new Promise((r) => server.once('listening', r));
  });
  afterAll(async () => { for (const s of held) s.destroy(); server.closeAllConnections(); await new Promise((r) => server.close(r)); await app.locals.ctx.store.close(); });

  it('past maxConnections a new socket is closed at once; the open ones still get answers', async () => {
    const p = (server.address() as AddressInfo).port;
    for (let i = 0; i < 3; i++) {
      const s = connect(p, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      held.push(s);
    }
    await new Promise((r) => setTimeout(r, 50)); // the server has accepted all three
    const extra = await trickle(p, 'GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n', '', 1_000, 3_000);
    expect(extra.data).toBe('');
    expect(extra.closedAfter).toBeLessThan(1_000);
    const answer = await new Promise<string>((resolve) => { held[0]!.once('data', (d) => resolve(String(d))); held[0]!.write('GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n'); });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('settings: defaults, env, nonsense keeps the default', () => {
    expect(httpLimitsFromEnv({})).toEqual(DEFAULT_HTTP_LIMITS);
    expect(httpLimitsFromEnv({ CALLFLOW_HEADERS_TIMEOUT_MS: '2000', CALLFLOW_MAX_CONNECTIONS: '50', CALLFLOW_REQUEST_TIMEOUT_MS: 'soon' }))
      .toEqual({ ...DEFAULT_HTTP_LIMITS, headersTimeout: 2000, maxConnections: 50 });
  });
});
