import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import request from 'supertest';
import { createApp, type CallflowApp } from '../app.js';
import { FakeTelnyx, OPEN_NOW, PUBLIC_KEY_B64, PUBLIC_URL, company, makeApp, publishMainLine, signed, tempDb, texml } from '../../test/server/harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let app: CallflowApp;
const LINE = '+13125550100', CALLER = '+13125550147';

beforeAll(async () => {
  await fake.start();
  app = createApp({
    db: db.file, log: pino({ level: 'silent' }), telnyx: new Telnyx({ apiKey: 'KEY_TEST', baseURL: fake.url, maxRetries: 0 }),
    publicUrl: () => PUBLIC_URL, webhookPublicKeys: [PUBLIC_KEY_B64], now: () => OPEN_NOW, rateLimits: { webhooksPerMinute: 3, apiPerMinute: 100 },
  });
  await publishMainLine(app, (await company(app, 'Acme')).auth, LINE, 'texml');
});
afterAll(async () => { await app.locals.ctx.store.close(); await fake.stop(); db.cleanup(); });

describe('the TeXML routes, mounted on the app first', () => {
  it('is still signature-checked and still counts against the webhook rate limit (429 with the apology)', async () => {
    await texml(app, '/webhooks/texml', { CallSid: 'd-1', From: CALLER, To: LINE, CallStatus: 'in-progress' }).expect(200); // 1
    const body = new URLSearchParams({ CallSid: 'd-1', Digits: '9' }).toString();
    await request(app).post('/webhooks/texml/gather-menu-1').set({ ...signed(body), 'content-type': 'application/x-www-form-urlencoded' }).send(`${body}&x=1`).expect(401); // 2
    const step = await texml(app, '/webhooks/texml/gather-menu-1', { CallSid: 'd-1', Digits: '9' }).expect(200); // 3
    expect(step.text).toContain('<Gather');
    const refused = await texml(app, '/webhooks/texml/gather-menu-2', { CallSid: 'd-1', Digits: '9' }).expect(429);
    expect(refused.text).toContain('<Hangup');
    expect(refused.headers['retry-after']).toBeDefined();
  });
});

describe('the TeXML routes, each path to its own handler', () => {
  const db2 = tempDb();
  let h: ReturnType<typeof makeApp>;
  beforeAll(async () => {
    h = makeApp(db2.file, fake);
    await publishMainLine(h.app, (await company(h.app, 'Acme')).auth, LINE, 'texml');
  });
  afterAll(async () => { await h.close(); db2.cleanup(); });

  it('voice URL, action, status and transcription callbacks: the fixed paths are never taken for a step', async () => {
    const call = { CallSid: 'r-1', From: CALLER, To: LINE };
    expect((await texml(h.app, '/webhooks/texml', { ...call, CallStatus: 'in-progress' }).expect(200)).text).toContain('gather-menu-1');
    expect((await texml(h.app, '/webhooks/texml/gather-menu-1', { ...call, Digits: '9' }).expect(200)).text).toContain('<Gather');
    const empty = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
    expect((await texml(h.app, '/webhooks/texml/status', { ...call, CallStatus: 'in-progress' }).expect(200)).text).toBe(empty);
    expect((await texml(h.app, '/webhooks/texml/transcription', { ...call, TranscriptionSid: 't-1', TranscriptionText: 'hi' }).expect(200)).text).toBe(empty);
    const logged = await h.app.locals.ctx.store.webhooksForCall('r-1');
    expect(logged.map((w) => w.path)).toEqual(['/webhooks/texml', '/webhooks/texml/gather-menu-1', '/webhooks/texml/status', '/webhooks/texml/transcription']);
    // No step was taken for the status or transcription callbacks: the session is still at the menu's re-prompt.
    expect((await h.app.locals.ctx.store.getSession('r-1'))?.seq).toBe(2);
  });

  it('a GET on any of them gets the apology (not a 404), a path below a step is not a webhook', async () => {
    for (const path of ['/webhooks/texml', '/webhooks/texml/gather-menu-1', '/webhooks/texml/status']) {
      const res = await request(h.app).get(path).set(signed('')).expect(200);
      expect(res.text).toContain('<Hangup');
    }
    await request(h.app).post('/webhooks/texml/gather-menu-1/x').expect(404);
  });
});

describe('texmlRoute (the one table TeXML paths are routed by)', () => {
  const fixed = new Set(['status', 'transcription']);
  it('voice URL, fixed callbacks, steps; one trailing slash; nothing deeper', async () => {
    const { texmlRoute } = await import('./texml-routes.js');
    expect(texmlRoute('/webhooks/texml', fixed)).toEqual({ kind: 'voice' });
    expect(texmlRoute('/webhooks/texml/', fixed)).toEqual({ kind: 'voice' });
    expect(texmlRoute('/webhooks/texml/status', fixed)).toEqual({ kind: 'fixed', name: 'status' });
    expect(texmlRoute('/webhooks/texml/transcription/', fixed)).toEqual({ kind: 'fixed', name: 'transcription' });
    expect(texmlRoute('/webhooks/texml/gather-menu-3', fixed)).toEqual({ kind: 'step', step: 'gather-menu-3' });
    expect(texmlRoute('/webhooks/texml/gather-menu-3/', fixed)).toEqual({ kind: 'step', step: 'gather-menu-3' });
    expect(texmlRoute('/webhooks/texml/gather-menu-3/x', fixed)).toBeUndefined();
  });
  it('only below /webhooks/texml, as express matches a mount path: on a segment boundary, any case', async () => {
    const { texmlRoute } = await import('./texml-routes.js');
    expect(texmlRoute('/webhooks/texmlx', fixed)).toBeUndefined();
    expect(texmlRoute('/webhooks/texmlx/status', fixed)).toBeUndefined();
    expect(texmlRoute('/webhooks', fixed)).toBeUndefined();
    expect(texmlRoute('/webhooks/call-control', fixed)).toBeUndefined();
    expect(texmlRoute('/x/webhooks/texml/status', fixed)).toBeUndefined();
    expect(texmlRoute('/Webhooks/TeXML/status', fixed)).toEqual({ kind: 'fixed', name: 'status' });
  });
});
