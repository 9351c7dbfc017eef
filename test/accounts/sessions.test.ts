/**
 * Signing in with email and password: the session cookie's attributes, wrong passwords counted per IP (and a
 * right one refused too while limited), idle and absolute expiry, CSRF on cookie writes (not on Bearer),
 * signing out, and the password reset link: delivered to the link sink (stderr by default), never logged or
 * answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import Database from 'better-sqlite3';
import { makeCompany, makePerson, signIn, startKit, tinyFlow, type Kit } from './kit.js';
import { SESSION_IDLE_MS, SESSION_TTL_MS } from '../../server/api/auth.js';

let kit: Kit;
afterEach(async () => { await kit?.close(); });

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict, Secure (https PUBLIC_URL) cookie and GET /api/me says who you are', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'Ana@Example.com', 'editor');
    const b = await signIn(kit.app, 'ana@example.com', 'correct horse battery'); // emails compare lower-cased
    expect(b.setCookie).toMatch(/^callflow_session=[A-Za-z0-9_-]{43};/);
    expect(b.setCookie).toMatch(/HttpOnly/);
    expect(b.setCookie).toMatch(/SameSite=Strict/);
    expect(b.setCookie).toMatch(/Secure/);
    expect(b.setCookie).toMatch(/Path=\//);
    const me = await request(kit.app).get('/api/me').set({ cookie: b.cookie }).expect(200);
    expect(me.body).toMatchObject({ company: { id: c.id, name: 'Acme' }, person: { email: 'ana@example.com', role: 'editor' }, role: 'editor', via: 'session', csrfToken: b.csrf });
    // The session token is stored hashed: the cookie's value is not in the database.
    const db = new Database(kit.file, { readonly: true });
    const rows = db.prepare('SELECT * FROM sessions').all() as { token_hash: string }[];
    db.close();
    const token = b.cookie.split('=')[1]!;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a wrong password or unknown email is 401 with the same message; past the limit even the right password is 429', async () => {
    kit = await startKit({ authFailuresPerMinute: 3 });
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'owner');
    const wrong = await request(kit.app).post('/api/session').send({ email: 'ana@example.com', password: 'nope nope' });
    const unknown = await request(kit.app).post('/api/session').send({ email: 'bob@example.com', password: 'nope nope' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect((await request(kit.app).post('/api/session').send({ email: 'ana@example.com', password: 'x' })).status).toBe(401);
    const limited = await request(kit.app).post('/api/session').send({ email: 'ana@example.com', password: 'y' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Guessing cannot go on: the right password is refused the same way until the minute is over.
    const right = await request(kit.app).post('/api/session').send({ email: 'ana@example.com', password: 'correct horse battery' });
    expect(right.status).toBe(429);
    // The same bucket as wrong API keys.
    expect((await request(kit.app).get('/api/me').set({ authorization: 'Bearer cf_wrong' })).status).toBe(429);
  });

  it('a session ends after a day without requests, and after 7 days whatever happens', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'viewer');
    const start = kit.clock.at.getTime();
    const idle = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    kit.clock.at = new Date(start + SESSION_IDLE_MS - 60_000);
    await request(kit.app).get('/api/flows').set({ cookie: idle.cookie }).expect(200);
    kit.clock.at = new Date(start + 2 * SESSION_IDLE_MS - 120_000);
    await request(kit.app).get('/api/flows').set({ cookie: idle.cookie }).expect(200); // the last request moved the idle limit on
    kit.clock.at = new Date(start + 3 * SESSION_IDLE_MS);
    const gone = await request(kit.app).get('/api/flows').set({ cookie: idle.cookie });
    expect(gone.status).toBe(401);
    expect(gone.body.error.reason).toBe('session_ended');

    kit.clock.at = new Date(start);
    const busy = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    for (let t = start; t < start + SESSION_TTL_MS - 3600_000; t += 12 * 3600_000) {
      kit.clock.at = new Date(t);
      await request(kit.app).get('/api/me').set({ cookie: busy.cookie }).expect(200);
    }
    kit.clock.at = new Date(start + SESSION_TTL_MS + 1000);
    expect((await request(kit.app).get('/api/me').set({ cookie: busy.cookie })).status).toBe(401);
  });

  it('a cookie write without the CSRF token is refused; with it, it passes; Bearer needs none', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'editor');
    const b = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    const none = await request(kit.app).post('/api/flows').set({ cookie: b.cookie }).send(tinyFlow('a'));
    expect(none.status).toBe(403);
    expect(none.body.error.reason).toBe('csrf');
    const wrong = await request(kit.app).post('/api/flows').set({ cookie: b.cookie, 'x-csrf-token': `${b.csrf.slice(0, -1)}x` }).send(tinyFlow('a'));
    expect(wrong.status).toBe(403);
    expect((await request(kit.app).get('/api/flows').set({ cookie: b.cookie })).status).toBe(200); // reads need no token
    await request(kit.app).post('/api/flows').set(b.headers).send(tinyFlow('a')).expect(201);
    await request(kit.app).post('/api/flows').set(c.auth).send(tinyFlow('b')).expect(201);
  });

  it('signing out ends the session on the server, not just in the browser', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'viewer');
    const b = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    expect((await request(kit.app).delete('/api/session').set({ cookie: b.cookie })).status).toBe(403); // CSRF applies
    const out = await request(kit.app).delete('/api/session').set(b.headers).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/callflow_session=;/);
    expect((await request(kit.app).get('/api/me').set({ cookie: b.cookie })).status).toBe(401);
  });
});

describe('password reset', () => {
  it('the link goes to the link sink only: not in the answer, not in the log; it works once and ends other sessions', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'editor');
    const before = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    const asked = await request(kit.app).post('/api/password-reset').send({ email: 'ana@example.com' }).expect(202);
    const nobody = await request(kit.app).post('/api/password-reset').send({ email: 'nobody@example.com' }).expect(202);
    expect(asked.body).toEqual(nobody.body); // says nothing about which emails have accounts
    expect(kit.links).toHaveLength(1);
    const link = kit.links[0]!;
    expect(link).toMatchObject({ purpose: 'reset', email: 'ana@example.com' });
    const token = /#\/reset\/([A-Za-z0-9_-]{43})$/.exec(link.url)?.[1];
    expect(token).toBeTruthy();
    expect(JSON.stringify(asked.body)).not.toContain(token);
    await request(kit.app).post('/api/password-reset/complete').send({ token, password: 'a brand new one' }).expect(200);
    expect(kit.logs.join('')).not.toContain(token!);
    expect(kit.logs.join('')).not.toContain(token!.slice(0, 16));
    expect((await request(kit.app).post('/api/password-reset/complete').send({ token, password: 'again again' })).status).toBe(400);
    expect((await request(kit.app).get('/api/me').set({ cookie: before.cookie })).status).toBe(401);
    await expect(signIn(kit.app, 'ana@example.com', 'correct horse battery')).rejects.toThrow(/401/);
    await signIn(kit.app, 'ana@example.com', 'a brand new one');
  });

  it('an expired link is refused; a short password is refused with its field', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'editor');
    await request(kit.app).post('/api/password-reset').send({ email: 'ana@example.com' }).expect(202);
    const token = kit.links[0]!.url.split('/').at(-1);
    const short = await request(kit.app).post('/api/password-reset/complete').send({ token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.path).toEqual(['password']);
    kit.clock.at = new Date(kit.clock.at.getTime() + 2 * 3600_000);
    expect((await request(kit.app).post('/api/password-reset/complete').send({ token, password: 'long enough now' })).status).toBe(400);
  });

  it('changing your password needs the current one and ends your other sessions', async () => {
    kit = await startKit();
    const c = await makeCompany(kit.app);
    await makePerson(kit.app, c.id, 'ana@example.com', 'viewer');
    const here = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    const there = await signIn(kit.app, 'ana@example.com', 'correct horse battery');
    const bad = await request(kit.app).put('/api/me/password').set(here.headers).send({ current: 'wrong one', password: 'the new password' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual(['current']);
    await request(kit.app).put('/api/me/password').set(here.headers).send({ current: 'correct horse battery', password: 'the new password' }).expect(204);
    await request(kit.app).get('/api/me').set({ cookie: here.cookie }).expect(200);
    expect((await request(kit.app).get('/api/me').set({ cookie: there.cookie })).status).toBe(401);
  });
});
