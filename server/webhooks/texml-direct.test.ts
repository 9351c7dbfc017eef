import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import request from 'supertest';
import { createApp, type CallflowApp } from '../app.js';
import { FakeTelnyx, OPEN_NOW, PUBLIC_KEY_B64, PUBLIC_URL, company, publishMainLine, signed, tempDb, texml } from '../../test/server/harness.js';
import { directTexmlStep } from './texml.js';

describe('directTexmlStep: which requests skip the routers', () => {
  it('takes GET/POST action callbacks only, with or without a query', () => {
    expect(directTexmlStep('POST', '/webhooks/texml/gather-menu-3')).toBe('gather-menu-3');
    expect(directTexmlStep('GET', '/webhooks/texml/gather-menu-3?event=timeout')).toBe('gather-menu-3');
    for (const [m, u] of [['POST', '/webhooks/texml/status'], ['POST', '/webhooks/texml/transcription'], ['POST', '/webhooks/texml'],
      ['HEAD', '/webhooks/texml/gather-menu-3'], ['PUT', '/webhooks/texml/gather-menu-3'], ['POST', '/webhooks/texml/a/b'],
      ['POST', '/webhooks/texml/gather%2Dmenu-3'], ['POST', '/webhooks/texml/gather-menu-3/'], ['POST', '/Webhooks/texml/gather-menu-3']] as const) {
      expect(directTexmlStep(m, u)).toBeUndefined(); // the routers handle these exactly as before
    }
  });
});

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

describe('a TeXML step taken directly', () => {
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
