/**
 * GET /metrics on the real app: off unless configured, Bearer token checked, and the figures move with real
 * webhooks (signed), real steps and a Telnyx command that fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, ccEvent, company, makeApp, publishMainLine, tempDb } from '../../test/server/harness.js';
import { webhookKind } from './metrics.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
const LINE = '+13125550200';
const TOKEN = 'scrape-me-0123456789';

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, line: string): number {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  return hit ? Number(hit.slice(line.length + 1)) : 0;
}
const scrape = async () => (await request(h.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200)).text;

beforeAll(async () => {
  await fake.start();
  process.env.CALLFLOW_METRICS_TOKEN = TOKEN;
  try { h = makeApp(db.file, fake); } finally { delete process.env.CALLFLOW_METRICS_TOKEN; }
  const acme = await company(h.app, 'Acme');
  await publishMainLine(h.app, acme.auth, LINE, 'call-control');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

const started = (ccid: string) => ({ call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: `sess-${ccid}`, connection_id: 'conn', from: '+13125550147', to: LINE, direction: 'incoming', state: 'parked' });

describe('/metrics', () => {
  it('needs the token: 401 without or with a wrong one', async () => {
    const none = await request(h.app).get('/metrics').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    await request(h.app).get('/metrics').set('authorization', `Bearer ${TOKEN}x`).expect(401);
    const ok = await request(h.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('counts webhooks by kind and status, times the step, and shows the call in progress', async () => {
    const before = await scrape();
    await ccEvent(h.app, 'evt-m1', 'call.initiated', started('v3:m1')).expect(200);
    // Answered: the flow's first step runs.
    await ccEvent(h.app, 'evt-m1b', 'call.answered', { ...started('v3:m1'), state: 'answered' }).expect(200);
    // A webhook with a bad signature is counted too, by its status.
    await request(h.app).post('/webhooks/call-control').set('content-type', 'application/json').send('{}').expect(401);
    const after = await scrape();
    expect(sample(after, 'callflow_webhooks_total{kind="call-control",status="200"}') - sample(before, 'callflow_webhooks_total{kind="call-control",status="200"}')).toBe(2);
    expect(sample(after, 'callflow_webhooks_total{kind="call-control",status="401"}') - sample(before, 'callflow_webhooks_total{kind="call-control",status="401"}')).toBe(1);
    expect(sample(after, 'callflow_webhook_duration_seconds_count{kind="call-control"}')).toBeGreaterThanOrEqual(3);
    expect(sample(after, 'callflow_step_duration_seconds_count') - sample(before, 'callflow_step_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'callflow_live_calls')).toBe(1);
    expect(sample(after, 'callflow_outbox_pending')).toBe(0);
    // The call ends: no longer live.
    await ccEvent(h.app, 'evt-m2', 'call.hangup', { ...started('v3:m1'), hangup_cause: 'normal_clearing', hangup_source: 'caller' }).expect(200);
    expect(sample(await scrape(), 'callflow_live_calls')).toBe(0);
  });

  it('counts Telnyx command errors, retried and final', async () => {
    fake.fail = { answer: [500, 500, 500] };
    const before = await scrape();
    await ccEvent(h.app, 'evt-m3', 'call.initiated', started('v3:m3')).expect(200);
    const after = await scrape();
    const d = (l: string) => sample(after, l) - sample(before, l);
    expect(d('callflow_telnyx_command_errors_total{action="answer",final="false"}')).toBe(2);
    expect(d('callflow_telnyx_command_errors_total{action="answer",final="true"}')).toBe(1);
    fake.fail = {};
  });

  it('is off (404) unless configured', async () => {
    const off = makeApp(db.file, fake);
    try {
      const r = await request(off.app).get('/metrics').expect(404);
      expect(r.text).toMatch(/CALLFLOW_METRICS_TOKEN/);
    } finally { await off.close(); }
  });

  it('names the webhook kinds by path', () => {
    expect(webhookKind('/webhooks/texml')).toBe('texml');
    expect(webhookKind('/webhooks/TeXML/gather')).toBe('texml');
    expect(webhookKind('/webhooks/call-control')).toBe('call-control');
    expect(webhookKind('/webhooks/messaging')).toBe('messaging');
    expect(webhookKind('/webhooks/numbers')).toBe('numbers');
    expect(webhookKind('/webhooks/texmlx')).toBe('other');
    expect(webhookKind('/api/flows')).toBeUndefined();
  });
});
