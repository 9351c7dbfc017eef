import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { decodeClientState } from '../../engine/call-control.js';
import { FakeTelnyx, ccEvent, company, signed, makeApp, publishMainLine, tempDb } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550200';
const CALLER = '+13125550147';
let n = 0;
const id = () => `evt-${++n}`;

/** A Call Control leg; `cs` is the client_state Telnyx echoes (the latest command's). */
function leg(ccid: string) {
  let cs = '';
  const base = () => ({ call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: `sess-${ccid}`, connection_id: 'conn', client_state: cs, from: CALLER, to: LINE });
  return {
    ccid,
    /** Take client_state from the last command sent on this leg, as Telnyx does. */
    follow() {
      const last = [...fake.seen].reverse().find((s) => s.ccid === ccid && s.body.client_state);
      cs = last?.body.client_state ?? cs;
      return this;
    },
    get cs() { return cs; },
    send(type: string, extra: Record<string, unknown> = {}, eventId = id()) {
      return ccEvent(h.app, eventId, type, { ...base(), ...extra });
    },
  };
}

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await publishMainLine(h.app, acme.auth, LINE, 'call-control');
});
beforeEach(() => { fake.clear(); fake.fail = {}; });
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('Call Control: the main line, commands captured from the official SDK', () => {
  it('answers, speaks, gathers, transfers on 1 and hangs up when the transfer ends', async () => {
    const a = leg('v3:cc-1');
    await a.send('call.initiated', { direction: 'incoming', state: 'parked' }).expect(200);
    expect(fake.actions()).toEqual(['answer']);
    expect(fake.seen[0]!.body.command_id).toBe('answer-v3:cc-1');

    await a.follow().send('call.answered', { state: 'answered' }).expect(200);
    expect(fake.actions()).toEqual(['answer', 'speak']);
    expect(fake.seen[1]!.body.payload).toBe('Thanks for calling Acme.');

    await a.follow().send('call.speak.ended', { status: 'completed' }).expect(200);
    expect(fake.actions().at(-1)).toBe('gather_using_speak');
    expect(fake.seen.at(-1)!.body.payload).toContain('Press 1 for sales');

    await a.follow().send('call.gather.ended', { digits: '1', status: 'valid' }).expect(200);
    const transfer = fake.seen.at(-1)!;
    expect(transfer.action).toBe('transfer');
    expect(transfer.body).toMatchObject({ to: '+13125550111', timeout_secs: 20 });
    a.follow();

    // The target leg is bridged, talks, then hangs up: the flow then carries on (connected → bye).
    await a.send('call.bridged').expect(200);
    expect(fake.actions().at(-1)).toBe('transfer');
    await ccEvent(h.app, id(), 'call.hangup', { call_control_id: 'v3:target-1', call_session_id: 'sess-v3:cc-1', client_state: transfer.body.target_leg_client_state, hangup_cause: 'normal_clearing', hangup_source: 'callee' }).expect(200);
    expect(fake.actions().at(-1)).toBe('hangup');

    await a.send('call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'callee' }).expect(200);
    const call = await request(h.app).get('/api/calls/v3:cc-1').set(acme.auth).expect(200);
    expect(call.body.call).toMatchObject({ mode: 'call-control', status: 'done', hangupCause: 'normal_clearing', hangupSource: 'callee' });
    expect(call.body.call.answeredAt).toBeTruthy();
    // Every command went to this call, with a client_state naming flow, node and step.
    for (const s of fake.seen) expect(s.ccid).toBe('v3:cc-1');
    expect(decodeClientState(transfer.body.client_state)).toEqual({ flow: 'main-line', node: 'sales', seq: 3 });
  });

  it('routes a busy transfer target to the sorry message', async () => {
    const a = leg('v3:cc-busy');
    await a.send('call.initiated', { direction: 'incoming' });
    await a.follow().send('call.answered');
    await a.follow().send('call.speak.ended', { status: 'completed' });
    await a.follow().send('call.gather.ended', { digits: '1', status: 'valid' });
    const transfer = fake.seen.at(-1)!;
    await ccEvent(h.app, id(), 'call.hangup', { call_control_id: 'v3:target-busy', call_session_id: 'sess-v3:cc-busy', client_state: transfer.body.target_leg_client_state, hangup_cause: 'user_busy' }).expect(200);
    expect(fake.seen.at(-1)).toMatchObject({ action: 'speak', body: { payload: 'Nobody could take your call.' } });
  });
});

describe('Call Control: duplicates, late and reordered events', () => {
  it('processes a repeated event id once and answers it the same', async () => {
    const a = leg('v3:cc-dup');
    await a.send('call.initiated', { direction: 'incoming' });
    const r1 = await a.follow().send('call.answered', {}, 'dup-answered').expect(200);
    const r2 = await a.send('call.answered', {}, 'dup-answered').expect(200);
    expect(r2.text).toBe(r1.text);
    expect(fake.actions()).toEqual(['answer', 'speak']);
    // The same event content under a new id (not a retry) does not start the call twice either.
    await a.send('call.answered').expect(200);
    expect(fake.actions()).toEqual(['answer', 'speak']);
  });

  it('ignores a late event for a step the call has left, and events after the hangup', async () => {
    const a = leg('v3:cc-late');
    await a.send('call.initiated', { direction: 'incoming' });
    await a.follow().send('call.answered');
    const welcomeCs = a.follow().cs;
    await a.send('call.speak.ended', { status: 'completed' });
    a.follow();
    const before = await h.app.locals.ctx.store.getSession('v3:cc-late');
    // The same speak.ended delivered again under another id, late, with the old client_state.
    await ccEvent(h.app, id(), 'call.speak.ended', { call_control_id: 'v3:cc-late', client_state: welcomeCs, status: 'completed' }).expect(200);
    expect((await h.app.locals.ctx.store.getSession('v3:cc-late'))?.seq).toBe(before?.seq);
    expect(fake.actions().filter((x) => x === 'gather_using_speak')).toHaveLength(1);

    await a.send('call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'caller' }).expect(200);
    const n0 = fake.seen.length;
    await a.send('call.gather.ended', { digits: '1', status: 'valid' }).expect(200);
    expect(fake.seen.length).toBe(n0);
    expect((await h.app.locals.ctx.store.getSession('v3:cc-late'))?.status).toBe('done');
  });

  it('takes a hangup that arrives before the speak ended, then ignores the late speak.ended', async () => {
    const a = leg('v3:cc-order');
    await a.send('call.initiated', { direction: 'incoming' });
    await a.follow().send('call.answered');
    a.follow();
    await a.send('call.hangup', { hangup_cause: 'originator_cancel', hangup_source: 'caller' }).expect(200);
    const n0 = fake.seen.length;
    await a.send('call.speak.ended', { status: 'completed' }).expect(200);
    expect(fake.seen.length).toBe(n0);
  });
});

describe('Call Control: Telnyx failing', () => {
  it('retries a 5xx with the same command_id', async () => {
    fake.fail = { speak: [500, 503] };
    const a = leg('v3:cc-retry');
    await a.send('call.initiated', { direction: 'incoming' });
    await a.follow().send('call.answered').expect(200);
    const speaks = fake.seen.filter((s) => s.action === 'speak');
    expect(speaks).toHaveLength(3);
    expect(new Set(speaks.map((s) => s.body.command_id)).size).toBe(1);
  });

  it('on a hard failure speaks an apology, then hangs up when it ends', async () => {
    fake.fail = { gather_using_speak: [422] };
    const a = leg('v3:cc-hard');
    await a.send('call.initiated', { direction: 'incoming' });
    await a.follow().send('call.answered');
    await a.follow().send('call.speak.ended', { status: 'completed' }).expect(200);
    expect(fake.actions()).toEqual(['answer', 'speak', 'gather_using_speak', 'speak']);
    expect(fake.seen.at(-1)!.body.payload).toMatch(/sorry/i);
    await a.follow().send('call.speak.ended', { status: 'completed' }).expect(200);
    expect(fake.actions().at(-1)).toBe('hangup');
  });

  it('answers a number with no flow, says it is not in service and hangs up', async () => {
    await ccEvent(h.app, id(), 'call.initiated', { call_control_id: 'v3:cc-none', direction: 'incoming', from: CALLER, to: '+13125550999', client_state: '' }).expect(200);
    const answer = fake.seen.at(-1)!;
    await ccEvent(h.app, id(), 'call.answered', { call_control_id: 'v3:cc-none', client_state: answer.body.client_state }).expect(200);
    const speak = fake.seen.at(-1)!;
    expect(speak.body.payload).toContain('not in service');
    await ccEvent(h.app, id(), 'call.speak.ended', { call_control_id: 'v3:cc-none', client_state: speak.body.client_state, status: 'completed' }).expect(200);
    expect(fake.actions('v3:cc-none')).toEqual(['answer', 'speak', 'hangup']);
  });
});

describe('Call Control: restart and signatures', () => {
  it('carries on after a restart from the stored snapshot', async () => {
    const a = leg('v3:cc-restart');
    await a.send('call.initiated', { direction: 'incoming' });
    await a.follow().send('call.answered');
    await h.close();
    h = makeApp(db.file, fake);
    await a.follow().send('call.speak.ended', { status: 'completed' }).expect(200);
    expect(fake.actions().at(-1)).toBe('gather_using_speak');
  });

  it('rejects tampered and expired signatures with 401 and does nothing', async () => {
    const body = JSON.stringify({ data: { event_type: 'call.initiated', id: 'sig-1', payload: { call_control_id: 'v3:sig', direction: 'incoming', to: LINE, from: CALLER } } });
    const headers = signed(body);
    const t = await request(h.app).post('/webhooks/call-control').set(headers).set('content-type', 'application/json').send(body.replace('incoming', 'incomin ')).expect(401);
    expect(t.body.error.code).toBe('bad_signature');
    await request(h.app).post('/webhooks/call-control').set(signed(body, 400)).set('content-type', 'application/json').send(body).expect(401);
    expect(fake.seen).toEqual([]);
    // The same event signed properly is then processed: the rejections did not claim its id.
    await request(h.app).post('/webhooks/call-control').set(signed(body)).set('content-type', 'application/json').send(body).expect(200);
    expect(fake.actions()).toEqual(['answer']);
  });
});
