import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp } from '../../server/app.js';
import { FakeTelnyx, PUBLIC_KEY_B64, company, makeApp, signed, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;

/*
 *  thanks(say) → text(sms to caller) → bye(hangup)
 */
const smsFlow = {
  format: 'callflow/1', id: 'sms-line', name: 'SMS line', start: 'thanks',
  nodes: [
    { id: 'thanks', type: 'say', position: { x: 0, y: 0 }, data: { text: 'We will text you.' } },
    { id: 'text', type: 'sms', position: { x: 0, y: 0 }, data: { text: 'Hi from {{company.name}}' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'thanks', sourceHandle: 'next', target: 'text' },
    { id: 'e2', source: 'text', sourceHandle: 'next', target: 'bye' },
  ],
};

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await request(h.app).post('/api/flows').set(acme.auth).send(smsFlow).expect(201);
  await request(h.app).post('/api/flows/sms-line/publish').set(acme.auth).expect(201);
  await request(h.app).put('/api/numbers/+13125550700').set(acme.auth).send({ flowId: 'sms-line', mode: 'texml' }).expect(200);
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('server odds and ends', () => {
  it('sends a flow SMS through the messaging API in TeXML mode (TeXML has no SMS verb)', async () => {
    const res = await texml(h.app, '/webhooks/texml', { CallSid: 'sms-1', From: '+13125550147', To: '+13125550700' }).expect(200);
    expect(res.text).toContain('We will text you.');
    expect(res.text).not.toContain('Hi from');
    expect(fake.seen.filter((s) => s.path === '/v2/messages').map((s) => s.body)).toEqual([{ from: '+13125550700', to: '+13125550147', text: 'Hi from Acme' }]);
  });

  it('refuses a JSON voice URL body (Telnyx sends TeXML fields as a form) with the apology: no call, no SMS', async () => {
    fake.clear();
    const body = JSON.stringify({ CallSid: 'json-1', From: '+13125550147', To: '+13125550700' });
    const res = await request(h.app).post('/webhooks/texml').set(signed(body)).set('content-type', 'application/json').send(body).expect(200);
    expect(res.text).not.toContain('We will text you.');
    expect(res.text).toContain('<Hangup/>');
    expect(await h.app.locals.ctx.store.getSession('json-1')).toBeUndefined();
    expect(fake.seen.filter((s) => s.path === '/v2/messages')).toEqual([]);
  });

  it('refuses an oversized webhook with 413', async () => {
    const body = `CallSid=big&x=${'a'.repeat(300_000)}`;
    const res = await request(h.app).post('/webhooks/texml').set(signed(body)).type('form').send(body).expect(413);
    expect(res.body.error.code).toBe('too_large');
  });

  it('answers unknown /api routes with 404 JSON', async () => {
    const res = await request(h.app).get('/api/nope').set(acme.auth).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('serves the builder with an SPA fallback that leaves /api and webhooks alone', async () => {
    const dir = join(db.file, '..', 'dist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    const app = createApp({
      db: h.app.locals.ctx.store, log: pino({ level: 'silent' }), telnyx: new Telnyx({ apiKey: 'x', baseURL: fake.url, maxRetries: 0 }),
      publicUrl: () => 'http://x', webhookPublicKeys: [PUBLIC_KEY_B64], builderDir: dir,
    });
    expect((await request(app).get('/').expect(200)).text).toContain('id="root"');
    expect((await request(app).get('/flows/main-line').expect(200)).text).toContain('id="root"');
    await request(app).get('/api/flows').expect(401);
    await request(app).post('/webhooks/call-control').send('{}').expect(401);
  });

  it('rotates a round robin across calls with the cursor kept in the store', async () => {
    /*  team(roundRobin: ann, bob) ─connected/noAnswer→ bye(hangup)  */
    const rr = {
      format: 'callflow/1', id: 'rr-line', name: 'RR', start: 'team',
      nodes: [
        { id: 'team', type: 'roundRobin', position: { x: 0, y: 0 }, data: { members: [{ id: 'ann', name: 'Ann', to: '+13125550001' }, { id: 'bob', name: 'Bob', to: '+13125550002' }], strategy: 'round_robin' } },
        { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
      ],
      edges: [
        { id: 'e1', source: 'team', sourceHandle: 'connected', target: 'bye' },
        { id: 'e2', source: 'team', sourceHandle: 'noAnswer', target: 'bye' },
      ],
    };
    await request(h.app).post('/api/flows').set(acme.auth).send(rr).expect(201);
    await request(h.app).post('/api/flows/rr-line/publish').set(acme.auth).expect(201);
    await request(h.app).put('/api/numbers/+13125550777').set(acme.auth).send({ flowId: 'rr-line', mode: 'texml' }).expect(200);
    const dialed: string[] = [];
    for (const sid of ['rr-1', 'rr-2', 'rr-3']) {
      const res = await texml(h.app, '/webhooks/texml', { CallSid: sid, From: '+13125550147', To: '+13125550777' }).expect(200);
      dialed.push(/\+1312555000[12]/.exec(res.text)?.[0] ?? 'none');
    }
    expect(dialed).toEqual(['+13125550001', '+13125550002', '+13125550001']);
  });

  it('`callflow admin create-company NAME` prints a working API key on its last line', async () => {
    const out = execFileSync('npx', ['tsx', 'server/cli/main.ts', 'admin', 'create-company', 'Initech', 'Ltd'], {
      cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8', env: { ...process.env, CALLFLOW_DB: db.file },
    });
    const key = out.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^cf_[A-Za-z0-9_-]{43}$/);
    const me = await request(h.app).get('/api/me').set('authorization', `Bearer ${key}`).expect(200);
    expect(me.body.company.name).toBe('Initech Ltd');
  });
});
