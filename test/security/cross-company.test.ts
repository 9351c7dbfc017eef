/**
 * The cross-company matrix: every `/api` route the app has (found by walking
 * the express router, so routes added later are covered too), called with
 * company A's key and company B's ids. Never B's data; a B id is a 404 on
 * reads; B's flow, number and call are untouched afterwards. Also: API keys
 * are stored hashed (the raw key appears nowhere in the SQLite file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUB = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
const B_NUMBER = '+18445550177', B_CALL = 'v3:bee-secret-call', B_FLOW = 'bee-flow', B_NAME = 'Bee secret flow';
let app: CallflowApp, server: Server, url = '', dir = '', keyA = '', keyB = '';

/** Every `[method, path]` under /api, from the router's own table. */
function apiRoutes(a: CallflowApp): [string, string][] {
  const out: [string, string][] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        for (const m of Object.keys(layer.route.methods ?? {})) if (layer.route.methods[m] && layer.route.path.startsWith('/api')) out.push([m.toUpperCase(), layer.route.path]);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((a as any).router.stack);
  return [...new Map(out.map((r) => [r.join(' '), r])).values()];
}

/** Fills route params with company B's ids. */
function withBIds(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    if (/e164|number/i.test(name)) return encodeURIComponent(B_NUMBER);
    if (/version/i.test(name)) return '1';
    if (/call/i.test(name)) return encodeURIComponent(B_CALL);
    return /flow/i.test(name) || name === 'id' ? (path.includes('/calls') ? encodeURIComponent(B_CALL) : path.includes('/numbers') ? encodeURIComponent(B_NUMBER) : B_FLOW) : encodeURIComponent(B_NUMBER);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-xco-'));
  app = createApp({
    db: join(dir, 'cf.db'), log: pino({ level: 'silent' }), publicUrl: () => 'https://cf.example.test', webhookPublicKeys: [PUB],
    telnyx: new Telnyx({ apiKey: 'KEY', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0, timeout: 500 }), retryDelayMs: 0, commandAttempts: 1,
    now: () => new Date('2026-11-23T18:00:00Z'), rateLimits: { apiPerMinute: 0, webhooksPerMinute: 0 },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = app.locals.ctx.store;
  keyA = (await store.createCompany('Company A')).apiKey;
  const b = await store.createCompany('Company B');
  keyB = b.apiKey;
  const flow = { ...JSON.parse(readFileSync('flows/main-line.json', 'utf8')), id: B_FLOW, name: B_NAME };
  await store.createFlow(b.company.id, B_FLOW, B_NAME, flow);
  await store.publish(b.company.id, B_FLOW, flow);
  await store.putNumber(b.company.id, B_NUMBER, B_FLOW, 'texml');
  const body = new URLSearchParams({ CallSid: B_CALL, From: '+13125550147', To: B_NUMBER }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${url}/webhooks/texml`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'telnyx-timestamp': ts, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64') } });
  expect(await res.text()).toContain('<Gather');
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await app.locals.ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, key: string, body?: unknown) => {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(body ?? {}) });
  return { status: res.status, text: await res.text() };
};

describe('cross-company matrix over every /api route', () => {
  it('finds the routes (flows, numbers, calls at least)', () => {
    const paths = apiRoutes(app).map((r) => r[1]);
    for (const p of ['/api/flows/:id', '/api/numbers/:e164', '/api/calls/:id']) expect(paths).toContain(p);
  });

  it("company A never gets company B's data, and B's ids are a 404", async () => {
    const findings: string[] = [];
    for (const [method, path] of apiRoutes(app)) {
      const p = withBIds(path);
      // Reads and deletes as they are; writes with a plausible body (B's own flow) so validation is not what stops them.
      // A creating its own resource must not collide with B's ids, so bodies carry A's own id.
      const body = { ...JSON.parse(readFileSync('flows/main-line.json', 'utf8')), id: 'a-own', name: 'A own', flowId: 'a-own', mode: 'texml', revision: 1, version: 1 };
      const r = await call(method, p, keyA, body);
      const upstream = r.status === 502 && r.text.includes('"code":"telnyx"'); // the Telnyx API is a dead port here
      if (r.status >= 500 && !upstream) findings.push(`${method} ${p}: ${r.status}`);
      // B's data: its flow's name, its company name, its call (unless echoed from our own URL in a 404).
      const leaked = [B_NAME, 'Company B', B_CALL, B_NUMBER].filter((s) => r.text.includes(s) && !(r.status === 404 && p.includes(encodeURIComponent(s))));
      if (leaked.length) findings.push(`${method} ${p}: ${r.status} shows ${leaked.join(', ')}`);
      // Reading B's flow, number or call by id: a 404, exactly as for an id that does not exist.
      if (method === 'GET' && /^\/api\/(flows|numbers|calls)\/:/.test(path) && r.status !== 404) findings.push(`${method} ${p}: ${r.status}, expected 404`);
      if (method !== 'GET' && /^\/api\/(flows|numbers|calls)\/:/.test(path) && r.status < 400) findings.push(`${method} ${p}: ${r.status} on B's id`);
    }
    expect(findings).toEqual([]);
  });

  it("B's flow, number and call are untouched after the matrix", async () => {
    const flow = JSON.parse((await call('GET', `/api/flows/${B_FLOW}`, keyB)).text);
    expect(flow.flow?.name ?? flow.name).toBe(B_NAME);
    expect((await call('GET', '/api/numbers', keyB)).text).toContain(B_NUMBER);
    expect((await call('GET', `/api/calls/${encodeURIComponent(B_CALL)}`, keyB)).status).toBe(200);
    const a = await call('GET', '/api/numbers', keyA);
    expect(a.text).not.toContain(B_NUMBER);
  });

  it('API keys are stored hashed: the raw key is nowhere in the database file', async () => {
    const db = new Database(join(dir, 'cf.db'), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      let hits = 0;
      for (const t of tables) {
        for (const row of db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]) {
          for (const v of Object.values(row)) if (typeof v === 'string' && (v.includes(keyA) || v.includes(keyB))) hits++;
        }
      }
      expect(hits).toBe(0);
      expect(tables).toContain('api_keys');
      expect((db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n).toBeGreaterThanOrEqual(2);
    } finally {
      db.close();
    }
  });
});
