/**
 * A screened ring in Call Control, event by event (signed events, commands as the official SDK sent them to a
 * stand-in Telnyx): each member's leg is dialled, on its call.answered gets the whisper as a one-key gather,
 * and only the accept key bridges it; another key, silence or a late key hangs that leg up, and its hangup
 * counts as no answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { decodeClientState } from '../../engine/call-control.js';
import { FakeTelnyx, ccEvent, company, makeApp, tempDb } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550340', CALLER = '+13125550147';
const MEMBERS = [{ id: 'alice', to: '+13125550101' }, { id: 'bob', to: '+13125550102' }];
let n = 0;
const id = () => `screen-evt-${++n}`;
const n_ = (nid: string, type: string, data: Record<string, unknown>) => ({ id: nid, type, position: { x: 0, y: 0 }, data });
const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
/*  team(roundRobin simultaneous, screened) ─connected→ thanks(say {{vars.agent}}) → bye / ─noAnswer→ sorry → bye */
const FLOW = {
  format: 'callflow/1', id: 'screened', name: 'Screened', timezone: 'America/Chicago', start: 'team',
  nodes: [
    n_('team', 'roundRobin', { members: MEMBERS.map((m) => ({ ...m, name: m.id })), strategy: 'simultaneous', ringSeconds: 20, screen: { whisper: { text: 'Call for {{company.name}}, press 1' }, timeoutSeconds: 6 } }),
    n_('thanks', 'say', { text: 'You spoke with {{vars.agent}}.' }), n_('sorry', 'say', { text: 'Nobody could take your call.' }), n_('bye', 'hangup', {}),
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
beforeEach(() => { fake.clear(); });
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

async function ringing(ccid: string) {
  const base = { call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: `sess-${ccid}`, connection_id: 'conn-cc', from: CALLER, to: LINE };
  await ccEvent(h.app, id(), 'call.initiated', { ...base, direction: 'incoming', state: 'parked' }).expect(200);
  await ccEvent(h.app, id(), 'call.answered', { ...base, state: 'answered' }).expect(200);
  const dials = fake.seen.filter((s) => s.action === 'dial');
  const legs = dials.map((d, i) => ({ ccid: `v3:leg-${ccid}-${i}`, to: d.body.to as string, cs: d.body.client_state as string }));
  const leg = (i: number, type: string, extra: Record<string, unknown> = {}, cs = legs[i]!.cs) =>
    ccEvent(h.app, id(), type, { call_control_id: legs[i]!.ccid, call_leg_id: `l-${i}`, call_session_id: base.call_session_id, connection_id: 'conn-cc', client_state: cs, from: CALLER, to: legs[i]!.to, ...extra });
  for (let i = 0; i < legs.length; i++) await leg(i, 'call.initiated', { direction: 'outgoing', state: 'bridging' }).expect(200);
  return { dials, legs, leg, caller: (type: string, extra: Record<string, unknown> = {}) => ccEvent(h.app, id(), type, { ...base, ...extra }) };
}

describe('Call Control screened ring', () => {
  it('dials each member marked screened; an answered leg gets the whisper, not a bridge', async () => {
    const { dials, legs, leg } = await ringing('v3:s-1');
    for (const d of dials) expect(decodeClientState(d.body.client_state)).toEqual({ flow: 'screened', node: 'team', seq: 1, ring: 2, screen: true });
    fake.clear();
    await leg(0, 'call.answered', { state: 'answered' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['gather_using_speak', legs[0]!.ccid]]);
    expect(fake.seen[0]!.body).toMatchObject({ payload: 'Call for Acme, press 1', maximum_digits: 1, maximum_tries: 1, timeout_millis: 6000, client_state: legs[0]!.cs });
  });

  it('another key hangs that leg up; the key on the other bridges it, and the call goes on with vars.agent', async () => {
    const { legs, leg, caller } = await ringing('v3:s-2');
    await leg(0, 'call.answered', { state: 'answered' }).expect(200);
    await leg(1, 'call.answered', { state: 'answered' }).expect(200);
    fake.clear();
    await leg(0, 'call.gather.ended', { digits: '9', status: 'valid' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['hangup', legs[0]!.ccid]]);
    await leg(0, 'call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'caller' }).expect(200);
    // One leg declined, one still screening: no step yet.
    expect(fake.actions('v3:s-2')).toEqual([]);
    await leg(1, 'call.gather.ended', { digits: '1', status: 'valid' }).expect(200);
    const bridge = fake.seen.find((s) => s.action === 'bridge')!;
    expect([bridge.ccid, bridge.body.call_control_id, bridge.body.park_after_unbridge]).toEqual(['v3:s-2', legs[1]!.ccid, 'self']);
    await caller('call.bridged').expect(200);
    fake.clear();
    await leg(1, 'call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'callee' }).expect(200);
    expect(fake.seen.find((s) => s.action === 'speak')?.body.payload).toBe('You spoke with bob.');
  });

  it('silence and a voicemail everywhere: both legs go, and the ring ends at noAnswer', async () => {
    const { legs, leg } = await ringing('v3:s-3');
    for (const i of [0, 1]) {
      await leg(i, 'call.answered', { state: 'answered' }).expect(200);
      await leg(i, 'call.gather.ended', { digits: '', status: 'timeout' }).expect(200);
    }
    expect(fake.seen.filter((s) => s.action === 'hangup').map((s) => s.ccid)).toEqual(legs.map((l) => l.ccid));
    fake.clear();
    await leg(0, 'call.hangup', { hangup_cause: 'normal_clearing' }).expect(200);
    await leg(1, 'call.hangup', { hangup_cause: 'normal_clearing' }).expect(200);
    expect(fake.seen.find((s) => s.action === 'speak')?.body.payload).toBe('Nobody could take your call.');
  });

  it('a key after another member took the call is declined (hung up), not a second bridge', async () => {
    const { legs, leg } = await ringing('v3:s-4');
    await leg(0, 'call.answered', { state: 'answered' }).expect(200);
    await leg(1, 'call.answered', { state: 'answered' }).expect(200);
    await leg(1, 'call.gather.ended', { digits: '1', status: 'valid' }).expect(200);
    fake.clear();
    await leg(0, 'call.gather.ended', { digits: '1', status: 'valid' }).expect(200);
    expect(fake.seen.map((s) => [s.action, s.ccid])).toEqual([['hangup', legs[0]!.ccid]]);
  });
});
