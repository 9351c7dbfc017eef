import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, PUBLIC_URL, company, signed, makeApp, publishMainLine, tempDb, texml, mainLine } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550100';
const CALLER = '+13125550147';
const start = (sid: string) => ({ AccountSid: 'acc', CallSid: sid, From: CALLER, To: LINE, CallerId: CALLER, ConnectionId: 'conn', CallStatus: 'in-progress' });
const gatherPath = (seq: number) => `/webhooks/texml/gather-menu-${seq}`;

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await publishMainLine(h.app, acme.auth, LINE, 'texml');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('TeXML: a whole inbound call through the main line', () => {
  it('welcomes, opens the menu, transfers on 1, hangs up after the transfer and logs the call', async () => {
    const first = await texml(h.app, '/webhooks/texml', start('call-1')).expect(200);
    expect(first.type).toBe('text/xml');
    expect(first.text).toContain('Thanks for calling Acme.');
    expect(first.text).toContain(`action="${PUBLIC_URL}${gatherPath(1)}"`);
    expect(first.text).toContain('Press 1 for sales');

    const menu = await texml(h.app, gatherPath(1), { CallSid: 'call-1', From: CALLER, To: LINE, Digits: '1' }).expect(200);
    expect(menu.text).toMatch(/<Dial[^>]*action="https:\/\/cf\.example\.test\/webhooks\/texml\/dial-sales-2"/);
    expect(menu.text).toContain('+13125550111');

    const dialed = await texml(h.app, '/webhooks/texml/dial-sales-2', { CallSid: 'call-1', DialCallStatus: 'completed', DialCallDuration: '42' }).expect(200);
    expect(dialed.text).toContain('<Hangup');

    await texml(h.app, '/webhooks/texml/status', { CallSid: 'call-1', CallStatus: 'completed', HangupCause: 'normal_clearing', HangupSource: 'caller', CallbackSource: 'call-progress-events' }).expect(200);
    const call = await request(h.app).get('/api/calls/call-1').set(acme.auth).expect(200);
    expect(call.body.call).toMatchObject({ callId: 'call-1', direction: 'inbound', from: CALLER, to: LINE, hangupCause: 'normal_clearing', hangupSource: 'caller', status: 'done' });
    expect(call.body.call.answeredAt).toBeTruthy();
    expect(call.body.call.endedAt).toBeTruthy();
    expect(call.body.webhooks.map((w: { path: string }) => w.path)).toEqual(['/webhooks/texml', gatherPath(1), '/webhooks/texml/dial-sales-2', '/webhooks/texml/status']);
  });

  it('goes to the sorry message when the transfer is not answered, and back to the menu on timeout', async () => {
    await texml(h.app, '/webhooks/texml', start('call-2')).expect(200);
    const retry = await texml(h.app, `${gatherPath(1)}?event=timeout`, { CallSid: 'call-2' }).expect(200);
    expect(retry.text).toContain(gatherPath(2));
    await texml(h.app, gatherPath(2), { CallSid: 'call-2', Digits: '1' }).expect(200);
    const noAnswer = await texml(h.app, '/webhooks/texml/dial-sales-3', { CallSid: 'call-2', DialCallStatus: 'no-answer' }).expect(200);
    expect(noAnswer.text).toContain('Nobody could take your call.');
    expect(noAnswer.text).toContain('<Hangup');
  });

  it('answers a retried callback with the same document and does not step twice', async () => {
    await texml(h.app, '/webhooks/texml', start('call-3')).expect(200);
    const a = await texml(h.app, gatherPath(1), { CallSid: 'call-3', Digits: '2' }).expect(200);
    const b = await texml(h.app, gatherPath(1), { CallSid: 'call-3', Digits: '2' }).expect(200);
    expect(b.text).toBe(a.text);
    expect(a.text).toContain('Support is closed today.');
    const session = await h.app.locals.ctx.store.getSession('call-3');
    expect(session?.seq).toBe(2);
    // The voice URL retried gives the first answer too, not a second call.
    const s1 = await texml(h.app, '/webhooks/texml', start('call-3')).expect(200);
    expect(s1.text).toContain(gatherPath(1));
    expect((await h.app.locals.ctx.store.getSession('call-3'))?.seq).toBe(2);
  });

  it('answers a GET (fields in the unsigned query string) with the apology and starts no call', async () => {
    const res = await request(h.app).get(`/webhooks/texml?${new URLSearchParams(start('call-get'))}`).set(signed('')).expect(200);
    expect(res.text).not.toContain('Thanks for calling Acme.');
    expect(res.text).toContain('We&apos;re sorry');
    expect(res.text).toContain('<Hangup/>');
    expect(await h.app.locals.ctx.store.getSession('call-get')).toBeUndefined();
  });
});


describe('TeXML: signatures and bad input', () => {
  it('rejects a tampered body and an expired timestamp with 401 bad_signature, and stores them', async () => {
    const t = await texml(h.app, '/webhooks/texml', start('call-bad'), { tamper: true }).expect(401);
    expect(t.body.error.code).toBe('bad_signature');
    const old = await texml(h.app, '/webhooks/texml', start('call-bad'), { age: 301 }).expect(401);
    expect(old.body.error.code).toBe('bad_signature');
    await request(h.app).post('/webhooks/texml').type('form').send(new URLSearchParams(start('call-bad')).toString()).expect(401);
    expect(await h.app.locals.ctx.store.getSession('call-bad')).toBeUndefined();
  });

  it('answers a number with no flow with polite TeXML that ends the call', async () => {
    const res = await texml(h.app, '/webhooks/texml', { ...start('call-none'), To: '+13125550999' }).expect(200);
    expect(res.text).toContain('not in service');
    expect(res.text).toContain('<Hangup');
  });

  it('answers apology TeXML to a callback for an unknown call', async () => {
    const res = await texml(h.app, gatherPath(1), { CallSid: 'nobody', Digits: '1' }).expect(200);
    expect(res.text).toMatch(/<Response>.*<Say[^>]*>.*<\/Say>.*<Hangup/s);
  });
});

describe('TeXML: publish during a live call, restart mid-call, fixture export', () => {
  it('keeps the version a call started on after a new version is published', async () => {
    await texml(h.app, '/webhooks/texml', start('call-v1')).expect(200);
    const changed = { ...mainLine(), nodes: mainLine().nodes.map((n) => (n.id === 'support' ? { ...n, data: { text: 'Version two support.' } } : n)) };
    const cur = await request(h.app).get('/api/flows/main-line').set(acme.auth).expect(200);
    await request(h.app).put('/api/flows/main-line').set(acme.auth).send({ revision: cur.body.revision, flow: changed }).expect(200);
    const pub = await request(h.app).post('/api/flows/main-line/publish').set(acme.auth).expect(201);
    expect(pub.body.version).toBe(2);
    const old = await texml(h.app, gatherPath(1), { CallSid: 'call-v1', Digits: '2' }).expect(200);
    expect(old.text).toContain('Support is closed today.');
    await texml(h.app, '/webhooks/texml', start('call-v2')).expect(200);
    const fresh = await texml(h.app, gatherPath(1), { CallSid: 'call-v2', Digits: '2' }).expect(200);
    expect(fresh.text).toContain('Version two support.');
  });

  it('carries on a call after the server is killed and started again on the same database', async () => {
    await texml(h.app, '/webhooks/texml', start('call-restart')).expect(200);
    await h.close();
    h = makeApp(db.file, fake);
    const res = await texml(h.app, gatherPath(1), { CallSid: 'call-restart', Digits: '1' }).expect(200);
    expect(res.text).toContain('dial-sales-2');
  });

  it('exports a handled call as a fixture folder', async () => {
    const res = await request(h.app).get('/api/calls/call-1/fixture').set(acme.auth).expect(200);
    const files = res.body.files;
    expect(files['flow.json']).toMatchObject({ id: 'main-line', format: 'callflow/1' });
    const events = files['events.jsonl'].trim().split('\n').map((l: string) => JSON.parse(l));
    const expected = files['expected.jsonl'].trim().split('\n').map((l: string) => JSON.parse(l));
    expect(events).toHaveLength(4);
    expect(events[1]).toMatchObject({ method: 'POST', path: gatherPath(1) });
    expect(new URLSearchParams(events[1].body).get('Digits')).toBe('1');
    expect(events[1].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(events[1].headers).not.toHaveProperty('telnyx-signature-ed25519'); // the replay signs afresh; a stored signature would let a reader replay it
    expect(expected).toHaveLength(4);
    expect(expected[1].texml).toContain('dial-sales-2');
  });
});
