/**
 * The accounts tests' set-up: the real app on a temp SQLite file with an injectable clock, the links it would
 * print caught in `links`, everything it logs kept in `logs`, and helpers that sign people in as a browser does
 * (the session cookie from Set-Cookie, the CSRF token from the answer).
 */
import { pino } from 'pino';
import Telnyx from 'telnyx';
import request from 'supertest';
import { createApp, type CallflowApp } from '../../server/app.js';
import type { OneTimeLink } from '../../server/accounts/links.js';
import { hashPassword } from '../../server/accounts/passwords.js';
import type { Role } from '../../server/store/account-types.js';
import { FakeTelnyx, PUBLIC_KEY_B64, PUBLIC_URL, tempDb } from '../server/harness.js';

export interface Kit {
  app: CallflowApp; fake: FakeTelnyx; links: OneTimeLink[]; logs: string[]; file: string;
  /** The clock the app reads; move it with `clock.at = …`. */
  clock: { at: Date };
  close: () => Promise<void>;
}

export async function startKit(o: { authFailuresPerMinute?: number } = {}): Promise<Kit> {
  const db = tempDb(), fake = new FakeTelnyx();
  await fake.start();
  const links: OneTimeLink[] = [], logs: string[] = [], clock = { at: new Date('2026-11-23T16:00:00Z') };
  const app = createApp({
    db: db.file, log: pino({ level: 'info' }, { write: (s: string) => { logs.push(s); } }),
    telnyx: new Telnyx({ apiKey: 'KEY_TEST', baseURL: fake.url, maxRetries: 0, timeout: 5000 }), publicUrl: () => PUBLIC_URL,
    webhookPublicKeys: [PUBLIC_KEY_B64], now: () => clock.at, retryDelayMs: 0, links: (l) => links.push(l),
    rateLimits: { apiPerMinute: 0, authFailuresPerMinute: o.authFailuresPerMinute ?? 0 },
  });
  return { app, fake, links, logs, clock, file: db.file, close: async () => { await app.locals.ctx.store.close(); await fake.stop(); db.cleanup(); } };
}

/** A company with an owner's API key (the kind the first start prints: a key of no one, acting as owner). */
export async function makeCompany(app: CallflowApp, name = 'Acme') {
  const { company, apiKey } = await app.locals.ctx.store.createCompany(name);
  return { id: company.id, key: apiKey, auth: { authorization: `Bearer ${apiKey}` } };
}

/** A person with a password, straight in the store. */
export async function makePerson(app: CallflowApp, companyId: string, email: string, role: Role, password = 'correct horse battery') {
  const p = await app.locals.ctx.store.createPerson({ companyId, email, name: email.split('@')[0]!, role, passwordHash: await hashPassword(password) });
  return { ...p!, password };
}

/** What a signed-in browser sends: the cookie on every request, the CSRF token on writes. */
export interface Browser { cookie: string; csrf: string; headers: Record<string, string>; setCookie: string }

/** Signs in through POST /api/session; throws unless it answers 200. */
export async function signIn(app: CallflowApp, email: string, password: string): Promise<Browser> {
  const res = await request(app).post('/api/session').send({ email, password });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${JSON.stringify(res.body)}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('callflow_session=')) ?? '';
  const cookie = setCookie.split(';')[0]!;
  return { cookie, csrf: res.body.csrfToken, setCookie, headers: { cookie, 'x-csrf-token': res.body.csrfToken } };
}

/** A tiny valid flow with one node. */
export const tinyFlow = (id = 'tiny') => ({
  format: 'callflow/1', id, name: `Tiny ${id}`, timezone: 'America/Chicago', start: 'bye',
  nodes: [{ id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} }], edges: [],
});
