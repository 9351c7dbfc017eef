/**
 * Rate limits: `/api` per API key, `/webhooks` per sender IP, with generous
 * defaults that a config (deps or env) can change; a refused TeXML request
 * still gets valid TeXML so a caller is never left in silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';
import { DEFAULT_RATE_LIMITS, rateLimitsFromEnv, trustProxyFromEnv, type TrustProxy } from '../../server/rate-limit.js';

let app: CallflowApp, server: Server, url = '', dir = '', keyA = '', keyB = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-rl-'));
  app = createApp({
    db: join(dir, 'cf.db'), log: pino({ level: 'silent' }), publicUrl: () => 'https://cf.example.test', webhookPublicKeys: [],
    telnyx: new Telnyx({ apiKey: 'KEY', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }), rateLimits: { apiPerMinute: 5, webhooksPerMinute: 4 },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  keyA = (await app.locals.ctx.store.createCompany('A')).apiKey;
  keyB = (await app.locals.ctx.store.createCompany('B')).apiKey;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await app.locals.ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const me = (key: string) => fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${key}` } });

describe('rate limits', () => {
  it('/api: the 6th request in a minute with one key is a 429; another key is not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await me(keyA)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await me(keyA);
    expect(refused.headers.get('ratelimit-policy') ?? refused.headers.get('ratelimit')).toBeTruthy();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await me(keyB)).status).toBe(200);
  });

  it('/webhooks: per sender; a refused TeXML request still gets valid TeXML (apology, hangup)', async () => {
    const post = (path: string) => fetch(url + path, { method: 'POST', body: 'CallSid=v3:rl', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('/webhooks/texml')).status);
    expect(statuses).toEqual([401, 401, 401, 401]); // no trusted key here: refused, but counted
    const res = await post('/webhooks/texml');
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const text = await res.text();
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain('<Hangup/>');
    const cc = await post('/webhooks/call-control');
    expect(cc.status).toBe(429);
    expect(((await cc.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('settings: defaults 600/min per key and 30,000/min per IP; env changes them; 0 turns a limit off; nonsense keeps the default', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({ apiPerMinute: 600, webhooksPerMinute: 30_000, authFailuresPerMinute: 20 });
    expect(rateLimitsFromEnv({})).toEqual(DEFAULT_RATE_LIMITS);
    expect(rateLimitsFromEnv({ CALLFLOW_API_RATE_LIMIT: '50', CALLFLOW_WEBHOOK_RATE_LIMIT: '0', CALLFLOW_AUTH_FAILURE_LIMIT: '5' })).toEqual({ apiPerMinute: 50, webhooksPerMinute: 0, authFailuresPerMinute: 5 });
    expect(rateLimitsFromEnv({ CALLFLOW_API_RATE_LIMIT: 'lots', CALLFLOW_WEBHOOK_RATE_LIMIT: '-3' })).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('a forged X-Forwarded-For does not dodge the webhook limit (trust proxy is off by default)', async () => {
    const { u, close } = await limited(undefined);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await fetch(`${u}/webhooks/call-control`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    await close();
  });

  it('TRUST_PROXY=1 (one proxy in front): the client address it appends is the bucket', async () => {
    const { u, close } = await limited(trustProxyFromEnv({ TRUST_PROXY: '1' }));
    const from = (ip: string) => fetch(`${u}/webhooks/call-control`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await from('198.51.100.7')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await from('198.51.100.8')).status).toBe(401); // another client behind the proxy has its own bucket
    await close();
  });

  it('TRUST_PROXY settings: off unless set; true, a hop count, or proxy addresses', () => {
    expect(trustProxyFromEnv({})).toBe(false);
    for (const v of ['', 'false', '0', ' ']) expect(trustProxyFromEnv({ TRUST_PROXY: v })).toBe(false);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'true' })).toBe(true);
    expect(trustProxyFromEnv({ TRUST_PROXY: '2' })).toBe(2);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toBe('loopback, 10.0.0.0/8');
  });

  it('wrong API keys are limited per client IP, not per key: the 21st guess in a minute is a 429; a right key still passes', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cf-rlauth-'));
    // Defaults (20 wrong keys a minute), behind one proxy so the test can speak from two client addresses.
    const a = createApp({ db: join(d, 'cf.db'), log: pino({ level: 'silent' }), publicUrl: () => 'x', webhookPublicKeys: [], telnyx: new Telnyx({ apiKey: 'K', baseURL: 'http://127.0.0.1:9/v2' }), trustProxy: 1 });
    const s = a.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    const { apiKey } = await a.locals.ctx.store.createCompany('Z');
    const u = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const guess = (key: string, ip = '198.51.100.20') => fetch(`${u}/api/me`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': ip } });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await guess(`cf_guess${i}`)).status); // a new key every time
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
    const refused = await guess('cf_another');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/wrong API keys/);
    expect((await guess(apiKey)).status).toBe(200); // the right key from the same address is not locked out
    expect((await guess('cf_other', '198.51.100.21')).status).toBe(401); // another client has its own count
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
    await a.locals.ctx.store.close();
    rmSync(d, { recursive: true, force: true });
  });

  it('a limit of 0 is off', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cf-rl0-'));
    const open = createApp({ db: join(d, 'cf.db'), log: pino({ level: 'silent' }), publicUrl: () => 'x', webhookPublicKeys: [], telnyx: new Telnyx({ apiKey: 'K', baseURL: 'http://127.0.0.1:9/v2' }), rateLimits: { apiPerMinute: 0 } });
    const s = open.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    const { apiKey } = await open.locals.ctx.store.createCompany('Z');
    const u = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add((await fetch(`${u}/api/me`, { headers: { authorization: `Bearer ${apiKey}` } })).status);
    expect([...statuses]).toEqual([200]);
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
    await open.locals.ctx.store.close();
    rmSync(d, { recursive: true, force: true });
  });
});

/** An app with a webhook limit of 3 per minute and the given trust proxy setting, listening on loopback. */
async function limited(trustProxy: TrustProxy | undefined): Promise<{ u: string; close: () => Promise<void> }> {
  const d = mkdtempSync(join(tmpdir(), 'cf-rlxff-'));
  const a = createApp({
    db: join(d, 'cf.db'), log: pino({ level: 'silent' }), publicUrl: () => 'x', webhookPublicKeys: [],
    telnyx: new Telnyx({ apiKey: 'K', baseURL: 'http://127.0.0.1:9/v2' }), rateLimits: { webhooksPerMinute: 3 }, ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  const s = a.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  return {
    u: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: async () => { s.closeAllConnections(); await new Promise((r) => s.close(r)); await a.locals.ctx.store.close(); rmSync(d, { recursive: true, force: true }); },
  };
}
