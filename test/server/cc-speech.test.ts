/**
 * A speech menu in Call Control, command by command (the official SDK
 * against a recording stand-in): the transcription starts with the menu,
 * keeps running over its own re-prompt, and is stopped (with the gather,
 * when speech won) before the flow moves on; late transcripts move nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeClientState } from '../../engine/call-control.js';
import { FakeTelnyx, ccEvent, company, mainLine, makeApp, publishMainLine, tempDb } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
const LINE = '+13125550260';
let n = 0;

/** The main line whose menu also listens for "sales" and "support". */
function speechLine() {
  const flow = mainLine();
  const menu = flow.nodes.find((x) => x.id === 'menu')!;
  menu.data = { ...menu.data, speech: { sales: '1', support: '2' } };
  return flow;
}

/** A leg whose events echo the client_state of the latest command, as Telnyx's do. */
function leg(ccid: string) {
  const cs = () => [...fake.seen].reverse().find((s) => s.ccid === ccid && s.body.client_state)?.body.client_state ?? '';
  let seen = 0;
  return {
    send: (type: string, extra: Record<string, unknown> = {}) =>
      ccEvent(h.app, `evt-sp-${++n}`, type, { call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: `sess-${ccid}`, client_state: cs(), from: '+13125550147', to: LINE, ...extra }).expect(200),
    /** The actions sent since the last call of `sent`. */
    sent() { const all = fake.actions(ccid); const out = all.slice(seen); seen = all.length; return out; },
  };
}

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  const acme = await company(h.app, 'Acme');
  await publishMainLine(h.app, acme.auth, LINE, 'call-control', speechLine());
});
beforeEach(() => { fake.clear(); });
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

async function toMenu(ccid: string) {
  const a = leg(ccid);
  await a.send('call.initiated', { direction: 'incoming', state: 'parked' });
  await a.send('call.answered', { state: 'answered' });
  await a.send('call.speak.ended', { status: 'completed' });
  return a;
}

describe('a speech menu in Call Control', () => {
  it('starts a transcription with the menu, keeps it over a re-prompt, and on speech stops the gather and the transcription first', async () => {
    const a = await toMenu('v3:sp-1');
    expect(a.sent()).toEqual(['answer', 'speak', 'transcription_start', 'gather_using_speak']);
    const start = fake.seen.find((s) => s.action === 'transcription_start')!;
    expect(start.body).toMatchObject({ transcription_engine: 'Google', transcription_tracks: 'inbound', transcription_engine_config: { hints: ['sales', 'support'] } });
    expect(decodeClientState(start.body.client_state)).toMatchObject({ node: 'menu', speech: true });

    await a.send('call.gather.ended', { digits: '9', status: 'valid' });
    expect(a.sent()).toEqual(['gather_using_speak']); // the same menu asks again: its transcription runs on

    await a.send('call.transcription', { transcription_data: { transcript: 'support', confidence: 0.5, is_final: false } });
    expect(a.sent()).toEqual([]); // interim
    await a.send('call.transcription', { transcription_data: { transcript: 'Support, please', confidence: 0.9, is_final: true } });
    expect(a.sent()).toEqual(['gather_stop', 'transcription_stop', 'speak']);
    expect(fake.seen.at(-1)!.body.payload).toBe('Support is closed today.');

    // The stopped gather reports cancelled, and a transcript that was on its way arrives late: neither moves the call.
    await a.send('call.gather.ended', { digits: '', status: 'cancelled' });
    await a.send('call.transcription', { transcription_data: { transcript: 'sales', is_final: true } });
    expect(a.sent()).toEqual([]);
    await a.send('call.speak.ended', { status: 'completed' });
    expect(a.sent()).toEqual(['hangup']);
  });

  it('answered by keys: stops the transcription, then transfers', async () => {
    const a = await toMenu('v3:sp-2');
    a.sent();
    await a.send('call.gather.ended', { digits: '1', status: 'valid' });
    expect(a.sent()).toEqual(['transcription_stop', 'transfer']);
  });
});
