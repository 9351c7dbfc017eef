/**
 * The sandbox as Telnyx for legs the app dials or transfers to: each leg has
 * its own call_control_id and events, unanswered legs end with Telnyx's
 * hangup causes, and `park_after_unbridge: 'self'` keeps the caller's leg.
 * A small fake app drives it through the official SDK.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { placeCall, startBench, type Bench, type Hook } from '../../test/sandbox/harness.js';

let b: Bench;
const voice = 'female';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const lines = (r: any) => r.transcript.map((e: any) => `${e.kind}: ${e.text}`);
const cc = () => b.hooks.filter((h) => h.path === '/webhooks/call-control').map((h) => h.json.data as { event_type: string; payload: any });
const MEMBERS = ['+13125550101', '+13125550102', '+13125550103'];

/**
 * On answer: either transfer (with park) or dial every member linked to the caller; the first member
 * to answer is bridged (parked after unbridge), the others hung up; when the member hangs up, "Goodbye".
 */
function ringApp(how: 'transfer' | 'ring'): void {
  let caller = '';
  const legs: string[] = [];
  let winner = '';
  b.on('/webhooks/call-control', async (hook: Hook, _req, res) => {
    // Answers once its commands are sent, as the server does (so a leg's next event sees them).
    const ev = hook.json.data, p = ev.payload, a = b.client.calls.actions, id = p.call_control_id;
    await (async () => {
      if (ev.event_type === 'call.initiated' && p.direction === 'incoming') { caller = id; await a.answer(id, { command_id: `answer-${id}` }); return; }
      if (ev.event_type === 'call.answered' && id === caller) {
        if (how === 'transfer') { await a.transfer(id, { to: MEMBERS[0]!, park_after_unbridge: 'self', target_leg_client_state: b64('leg') }); return; }
        for (const [i, to] of MEMBERS.entries()) {
          const { data } = await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, to, from: '+13125550100', link_to: id, bridge_intent: true, timeout_secs: 15, client_state: b64('leg'), command_id: `ring-${i}-${id}` });
          legs.push(data!.call_control_id!);
        }
        return;
      }
      if (ev.event_type === 'call.answered' && id !== caller) {
        if (winner) { await a.hangup(id, {}); return; }
        winner = id;
        await a.bridge(caller, { call_control_id_to_bridge_with: id, park_after_unbridge: 'self' });
        for (const l of legs) if (l !== id) await a.hangup(l, {}).catch(() => undefined);
        return;
      }
      const unanswered = how === 'ring' ? legs.length === MEMBERS.length && cc().filter((e) => e.event_type === 'call.hangup' && e.payload.call_control_id !== caller).length === MEMBERS.length && !winner : p.hangup_cause !== 'normal_clearing';
      if (ev.event_type === 'call.hangup' && id !== caller && (id === winner || unanswered || (how === 'transfer' && id !== caller))) {
        await a.speak(caller, { payload: id === winner || p.hangup_cause === 'normal_clearing' ? 'Goodbye.' : 'Nobody answered.', voice, client_state: b64('bye') });
        return;
      }
      if (ev.event_type === 'call.speak.ended') await a.hangup(caller, {});
    })().catch(() => undefined);
    res.send('ok');
  });
}

beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; });

describe('transfer legs', () => {
  it('keeps the caller parked after the far end hangs up when the transfer asked park_after_unbridge', async () => {
    ringApp('transfer');
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control' });
    expect(lines(r).slice(-5)).toEqual(['ringing: +13125550101', 'connected: +13125550101', 'hangup: +13125550101 hung up', 'heard: Goodbye.', 'hangup: the app hung up']);
    expect(r.ended.by).toBe('app');
    const target = cc().filter((e) => e.payload.call_control_id !== r.callId);
    expect(target.map((e) => e.event_type)).toEqual(['call.initiated', 'call.answered', 'call.bridged', 'call.hangup']);
    expect(target[0]!.payload).toMatchObject({ direction: 'outgoing', client_state: b64('leg'), call_session_id: cc()[0]!.payload.call_session_id });
  });

  it.each([['busy', 'user_busy', '486'], ['failed', 'call_rejected', '603'], ['no-answer', 'timeout', '408']])('reports a %s target as Telnyx does: its own leg, initiated then hung up (%s)', async (outcome, cause, sip) => {
    ringApp('transfer');
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', callee: [outcome] });
    const target = cc().filter((e) => e.payload.call_control_id !== r.callId);
    expect(target.map((e) => e.event_type)).toEqual(['call.initiated', 'call.hangup']);
    expect(target[1]!.payload).toMatchObject({ hangup_cause: cause, hangup_source: 'callee', sip_hangup_cause: sip, client_state: b64('leg') });
    expect(lines(r).slice(-2)).toEqual(['heard: Nobody answered.', 'hangup: the app hung up']);
  });
});

describe('legs dialled with link_to (simultaneous ring)', () => {
  it('gives every leg its own id and the caller\'s session, plays one scripted outcome per leg, and cancels a ringing leg the app hangs up', async () => {
    ringApp('ring');
    const r = await placeCall(b, { to: '+13125550100', from: '+13125550147', mode: 'call-control', callee: ['busy', 'answer', 'answer'] });
    const byLeg = new Map<string, { event_type: string; payload: any }[]>();
    for (const e of cc()) if (e.payload.call_control_id !== r.callId) byLeg.set(e.payload.call_control_id, [...(byLeg.get(e.payload.call_control_id) ?? []), e]);
    const legs = [...byLeg.values()];
    expect(legs.map((l) => [l[0]!.payload.to, l.map((e) => e.event_type)])).toEqual([
      [MEMBERS[0], ['call.initiated', 'call.hangup']],
      [MEMBERS[1], ['call.initiated', 'call.answered', 'call.bridged', 'call.hangup']],
      [MEMBERS[2], ['call.initiated', 'call.hangup']],
    ]);
    const session = cc()[0]!.payload.call_session_id;
    for (const l of legs) expect(l[0]!.payload).toMatchObject({ call_session_id: session, from: '+13125550147', direction: 'outgoing', client_state: b64('leg') });
    expect(legs[0]!.at(-1)!.payload).toMatchObject({ hangup_cause: 'user_busy', sip_hangup_cause: '486' });
    // The third was still ringing when the second answered: the app's hangup cancels it.
    expect(legs[2]!.at(-1)!.payload).toMatchObject({ hangup_cause: 'originator_cancel' });
    expect(lines(r).slice(-4)).toEqual([`connected: bridged with ${MEMBERS[1]}`, `hangup: ${MEMBERS[1]} hung up`, 'heard: Goodbye.', 'hangup: the app hung up']);
    expect(cc().filter((e) => e.payload.call_control_id === r.callId).map((e) => e.event_type)).toContain('call.bridged');
  });

  it('rings every leg out with timeout when nobody answers; the caller stays for the app', async () => {
    ringApp('ring');
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', callee: ['no-answer', 'no-answer', 'no-answer'] });
    const ends = cc().filter((e) => e.event_type === 'call.hangup' && e.payload.call_control_id !== r.callId);
    expect(ends.map((e) => e.payload.hangup_cause)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(lines(r).slice(-2)).toEqual(['heard: Nobody answered.', 'hangup: the app hung up']);
  });

  it('refuses a dial linked to no live call, and bridge options without link_to', async () => {
    const dial = (extra: object) => b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, to: MEMBERS[0]!, from: '+13125550100', ...extra });
    await expect(dial({ link_to: 'v3:nope' })).rejects.toMatchObject({ status: 422 });
    await expect(dial({ bridge_intent: true })).rejects.toMatchObject({ status: 422 });
    // Telnyx ignores a repeated dial command_id: the same leg, not a second call.
    const first = await dial({ command_id: 'dial-once' }), again = await dial({ command_id: 'dial-once' });
    expect(again.data!.call_control_id).toBe(first.data!.call_control_id);
  });
});
