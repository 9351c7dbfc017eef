/**
 * Simultaneous ring in Call Control, event by event: the server dials every
 * member linked to the caller, bridges the first to answer (parked after
 * unbridge), hangs up the rest and late answers, and carries on from
 * `connected` (with `vars.agent`) when the member hangs up, or from `noAnswer`
 * once the last leg ended unanswered. Webhooks are signed; commands are what
 * the official SDK sent to the stand-in Telnyx.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { decodeClientState } from '../../engine/call-control.js';
import { FakeTelnyx, ccEvent, company, makeApp, tempDb } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550300';
const CALLER = '+13125550147';
const MEMBERS = [{ id: 'alice', to: '+13125550101' }, { id: 'bob', to: '+13125550102' }, { id: 'carol', to: 'sip:carol@pbx.example.com' }];
let n = 0;
const id = () => `ring-evt-${++n}`;

const n_ = (nid: string, type: string, data: Record<string, unknown>) => ({ id: nid, type, position: { x: 0, y: 0 }, data });
const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
const FLOW = {
  format: 'callflow/1', id: 'team-line', name: 'Team line', timezone: 'America/Chicago', start: 'team',
  nodes: [
    n_('team', 'roundRobin', { members: MEMBERS.map((m) => ({ ...m, name: m.id })), strategy: 'simultaneous', ringSeconds: 20 }),
    n_('thanks', 'say', { text: 'You spoke with {{vars.agent}}. Goodbye.' }),
    n_('sorry', 'say', { text: 'Nobody could take your call.' }),
    n_('bye', 'hangup', {}),
  ],
  edges: [e('team', 'connected', 'thanks'), e('team', 'noAnswer', 'sorry'), e('thanks', 'next', 'bye'), e('sorry', 'next', 'bye')],
};

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await request(h.app).post('/api/flows').set(acme.auth).send(FLOW).expect(201);
  await request(h.app).post(`/api/flows/${FLOW.id}/publish`).set(acme.auth).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(LINE)}`).set(acme.auth).send({ flowId: FLOW.id, mode: 'call-control' }).expect(200);
});
beforeEach(() => { fake.clear(); fake.fail = {}; });
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

/** An inbound call answered and ringing the team; returns its id and the ring legs' ids with their client_state. */
async function ringing(ccid: string) {
  const base = { call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: `sess-${ccid}`, connection_id: 'conn-cc', from: CALLER, to: LINE };
  await ccEvent(h.app, id(), 'call.initiated', { ...base, direction: 'incoming', state: 'parked' }).expect(200);
  await ccEvent(h.app, id(), 'call.answered', { ...base, state: 'answered' }).expect(200);
  const dials = fake.seen.filter((s) => s.action === 'dial');
  const legs = dials.map((d, i) => ({ ccid: `v3:dial-leg-${ccid}-${i}`, to: d.body.to as string, cs: d.body.client_state as string }));
  const leg = (i: number, type: string, extra: Record<string, unknown> = {}, eventId = id()) =>
    ccEvent(h.app, eventId, type, { call_control_id: legs[i]!.ccid, call_leg_id: `l-${i}`, call_session_id: base.call_session_id, connection_id: 'conn-cc', client_state: legs[i]!.cs, from: CALLER, to: legs[i]!.to, ...extra });
  for (let i = 0; i < legs.length; i++) await leg(i, 'call.initiated', { direction: 'outgoing', state: 'bridging' }).expect(200);
  return { base, dials, legs, leg, caller: (type: string, extra: Record<string, unknown> = {}) => ccEvent(h.app, id(), type, { ...base, ...extra }) };
}

describe('Call Control simultaneous ring', () => {
  it('hangs up a leg reported only after another member answered', async () => {
    const { legs, leg, base } = await ringing('v3:ring-late');
    await leg(0, 'call.answered', { state: 'answered' }).expect(200);
    fake.clear();
    await ccEvent(h.app, id(), 'call.initiated', { call_control_id: 'v3:straggler', call_session_id: base.call_session_id, client_state: legs[1]!.cs, direction: 'outgoing', to: legs[1]!.to }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['hangup', 'v3:straggler']]);
  });

  it('dials every member at once, linked to the caller, each for the ring time', async () => {
    const { dials } = await ringing('v3:ring-dials');
    expect(dials.map((d) => d.body)).toEqual(MEMBERS.map((m, i) => expect.objectContaining({
      to: m.to, link_to: 'v3:ring-dials', connection_id: 'conn-cc', from: LINE, bridge_intent: true, timeout_secs: 20, command_id: expect.stringContaining(`-${i}`),
    })));
    for (const d of dials) expect(decodeClientState(d.body.client_state)).toEqual({ flow: 'team-line', node: 'team', seq: 1, ring: 3 });
  });

  it('bridges the first to answer (parked after unbridge), hangs up the rest and a late answer, then goes on from connected with vars.agent', async () => {
    const { legs, leg, caller } = await ringing('v3:ring-win');
    fake.clear();
    await leg(1, 'call.answered', { state: 'answered' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['bridge', 'v3:ring-win'], ['hangup', legs[0]!.ccid], ['hangup', legs[2]!.ccid]]);
    const bridge = fake.seen[0]!.body;
    expect(bridge).toMatchObject({ call_control_id: legs[1]!.ccid, park_after_unbridge: 'self' });
    // Another member answering late: hung up, never bridged.
    fake.clear();
    await leg(2, 'call.answered', { state: 'answered' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['hangup', legs[2]!.ccid]]);
    fake.clear();
    await caller('call.bridged', { client_state: bridge.client_state }).expect(200);
    await leg(1, 'call.bridged').expect(200);
    await leg(0, 'call.hangup', { hangup_cause: 'originator_cancel', hangup_source: 'caller' }).expect(200);
    await leg(2, 'call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'caller' }).expect(200);
    expect(fake.seen).toEqual([]); // the losers' hangups change nothing
    await leg(1, 'call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'callee' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid, s.body.payload])).toEqual([['speak', 'v3:ring-win', 'You spoke with bob. Goodbye.']]);
  });

  it('ends on noAnswer only once the last leg ended unanswered, whatever the mix of causes', async () => {
    const { leg } = await ringing('v3:ring-none');
    fake.clear();
    await leg(0, 'call.hangup', { hangup_cause: 'user_busy' }).expect(200);
    await leg(2, 'call.hangup', { hangup_cause: 'call_rejected' }).expect(200);
    expect(fake.seen).toEqual([]);
    await leg(2, 'call.hangup', { hangup_cause: 'call_rejected' }).expect(200); // another delivery of the same leg's end counts once
    expect(fake.seen).toEqual([]);
    await leg(1, 'call.hangup', { hangup_cause: 'timeout' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.body.payload])).toEqual([['speak', 'Nobody could take your call.']]);
  });

  it('still ends the dial when the last leg\'s hangup comes again after a crash that counted it but never stepped', async () => {
    const { leg, legs } = await ringing('v3:ring-crash');
    await leg(0, 'call.hangup', { hangup_cause: 'user_busy' }).expect(200);
    await leg(1, 'call.hangup', { hangup_cause: 'timeout' }).expect(200);
    // What an attempt that died right after counting the third leg left behind (the ring step is seq 1).
    await h.app.locals.ctx.store.storeEventAnswer('ring:v3:ring-crash:1:ended:2', `${legs[2]!.ccid} no-answer`, true);
    fake.clear();
    await leg(2, 'call.hangup', { hangup_cause: 'timeout' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.body.payload])).toEqual([['speak', 'Nobody could take your call.']]);
  });

  it('when the bridge fails for good, hangs up every leg and goes on from noAnswer rather than leave the caller ringing', async () => {
    const { leg, legs } = await ringing('v3:ring-nobridge');
    fake.clear();
    fake.fail.bridge = [422];
    await leg(0, 'call.answered', { state: 'answered' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid ?? '', s.body.payload ?? ''])).toEqual([
      ['bridge', 'v3:ring-nobridge', ''], ['hangup', legs[1]!.ccid, ''], ['hangup', legs[2]!.ccid, ''], ['hangup', legs[0]!.ccid, ''],
      ['speak', 'v3:ring-nobridge', 'Nobody could take your call.']]);
  });

  it('stops the ringing when the caller hangs up, and hangs up a leg that answers after that', async () => {
    const { leg, caller, legs } = await ringing('v3:ring-gone');
    fake.clear();
    await caller('call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'caller' }).expect(200);
    // Nobody is waiting any more: the phones still ringing stop.
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual(legs.map((l) => ['hangup', l.ccid]));
    fake.clear();
    await leg(0, 'call.answered', { state: 'answered' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['hangup', legs[0]!.ccid]]);
  });
});
