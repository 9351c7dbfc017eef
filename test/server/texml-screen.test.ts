/**
 * A screened TeXML dial, callback by callback (signed form bodies shaped like Telnyx's): the `<Number url>`
 * fetch gets the whisper in a one-key Gather, the key callback bridges (empty document) or declines
 * (`<Hangup/>`), and the Dial's action is connected only through a member who accepted. Every request that
 * does not fit gets `<Hangup/>` for the member's leg (never a bridge, never a 500); a badly signed one a 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, PUBLIC_URL, company, makeApp, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
let other: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550330', OTHER_LINE = '+13125550331', CALLER = '+13125550147';
const ALICE = '+13125550101', BOB = '+13125550102';
const n_ = (nid: string, type: string, data: Record<string, unknown>) => ({ id: nid, type, position: { x: 0, y: 0 }, data });
const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
/*  team(roundRobin simultaneous, screened) ─connected→ thanks(say {{vars.agent}}) → bye / ─noAnswer→ sorry → bye */
const flow = {
  format: 'callflow/1', id: 'screened', name: 'Screened', timezone: 'America/Chicago', start: 'team',
  nodes: [
    n_('team', 'roundRobin', { strategy: 'simultaneous', members: [{ id: 'alice', to: ALICE }, { id: 'bob', to: BOB }], screen: { whisper: { text: 'Call for {{company.name}}, press 1' } } }),
    n_('thanks', 'say', { text: 'You spoke with {{vars.agent}}.' }), n_('sorry', 'say', { text: 'Nobody could take your call.' }), n_('bye', 'hangup', {}),
  ],
  edges: [e('team', 'connected', 'thanks'), e('team', 'noAnswer', 'sorry'), e('thanks', 'next', 'bye'), e('sorry', 'next', 'bye')],
};
async function route(c: typeof acme, line: string) {
  await request(h.app).post('/api/flows').set(c.auth).send(flow).expect(201);
  await request(h.app).post('/api/flows/screened/publish').set(c.auth).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(line)}`).set(c.auth).send({ flowId: 'screened', mode: 'texml' }).expect(200);
}
beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  other = await company(h.app, 'Other');
  await route(acme, LINE);
  await route(other, OTHER_LINE);
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

const HANGUP = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';
const BRIDGE = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const leg = (parent: string | undefined, sid: string, to: string, extra: Record<string, string> = {}) => ({
  AccountSid: 'acc', CallSid: sid, CallSidLegacy: sid, From: CALLER, To: to, ConnectionId: 'conn', CallStatus: 'in-progress', ...(parent ? { ParentCallSid: parent } : {}), ...extra,
});
async function ringing(sid: string, to = LINE) {
  const first = await texml(h.app, '/webhooks/texml', { AccountSid: 'acc', CallSid: sid, From: CALLER, To: to, CallStatus: 'in-progress' }).expect(200);
  const url = /<Number url="([^"]+)"/.exec(first.text)![1]!.replace(PUBLIC_URL, '');
  const action = /<Dial[^>]*action="([^"]+)"/.exec(first.text)![1]!.replace(PUBLIC_URL, '');
  return { first: first.text, url, action };
}
const dialEnded = (sid: string, status = 'completed') => ({ AccountSid: 'acc', CallSid: sid, From: CALLER, To: LINE, CallStatus: 'in-progress', DialCallStatus: status, DialCallDuration: '42', DialCallSid: 'v3:child' });

describe('TeXML screening, callback by callback', () => {
  it('whispers, takes the member who presses 1 (not the voicemail that answered first) and names them', async () => {
    const { first, url, action } = await ringing('tx-s-1');
    expect(url).toBe('/webhooks/texml/screen-team-1');
    expect(first).not.toContain('statusCallback');
    const vm = await texml(h.app, url, leg('tx-s-1', 'v3:leg-a', ALICE)).expect(200);
    expect(vm.text).toContain('<Gather action="https://cf.example.test/webhooks/texml/screenkey-team-1" input="dtmf" numDigits="1" timeout="5"><Say voice="AWS.Polly.Joanna-Neural" language="en-US">Call for Acme, press 1</Say></Gather><Hangup/>');
    const bob = await texml(h.app, url, leg('tx-s-1', 'v3:leg-b', BOB)).expect(200);
    expect(bob.text).toBe(vm.text);
    // The key callback carries only the leg's own CallSid (no ParentCallSid): the server linked the leg at the fetch.
    expect((await texml(h.app, '/webhooks/texml/screenkey-team-1', leg(undefined, 'v3:leg-b', BOB, { Digits: '1' })).expect(200)).text).toBe(BRIDGE);
    // Bob took it: Alice's key, late, is declined.
    expect((await texml(h.app, '/webhooks/texml/screenkey-team-1', leg(undefined, 'v3:leg-a', ALICE, { Digits: '1' })).expect(200)).text).toBe(HANGUP);
    const done = await texml(h.app, action, dialEnded('tx-s-1')).expect(200);
    expect(done.text).toContain('You spoke with bob.');
  });

  it('a connected Dial nobody accepted is no answer (a voicemail the callee document could not stop)', async () => {
    const { url, action } = await ringing('tx-s-2');
    await texml(h.app, url, leg('tx-s-2', 'v3:leg-c', ALICE)).expect(200);
    expect((await texml(h.app, '/webhooks/texml/screenkey-team-1', leg(undefined, 'v3:leg-c', ALICE, { Digits: '9' })).expect(200)).text).toBe(HANGUP);
    const done = await texml(h.app, action, dialEnded('tx-s-2', 'completed')).expect(200);
    expect(done.text).toContain('Nobody could take your call.');
  });

  it('what each request that does not fit gets: the leg declined, never a bridge', async () => {
    const { url } = await ringing('tx-s-3');
    // No ParentCallSid, a call that does not exist, a step the call is not at, a node it is not in.
    expect((await texml(h.app, url, leg(undefined, 'v3:x1', ALICE)).expect(200)).text).toBe(HANGUP);
    expect((await texml(h.app, url, leg('tx-nope', 'v3:x2', ALICE)).expect(200)).text).toBe(HANGUP);
    expect((await texml(h.app, '/webhooks/texml/screen-team-7', leg('tx-s-3', 'v3:x3', ALICE)).expect(200)).text).toBe(HANGUP);
    expect((await texml(h.app, '/webhooks/texml/screen-thanks-1', leg('tx-s-3', 'v3:x4', ALICE)).expect(200)).text).toBe(HANGUP);
    // A key from a leg never fetched (no link to a call).
    expect((await texml(h.app, '/webhooks/texml/screenkey-team-1', leg(undefined, 'v3:x5', ALICE, { Digits: '1' })).expect(200)).text).toBe(HANGUP);
    // The member's number is another company's: never bridged to it.
    expect((await texml(h.app, url, leg('tx-s-3', 'v3:x6', OTHER_LINE)).expect(200)).text).toBe(HANGUP);
    // A body its signature does not cover: refused before anything is read, as every webhook (401).
    expect((await texml(h.app, url, leg('tx-s-3', 'v3:x7', ALICE), { tamper: true })).status).toBe(401);
  });

  it('a member answering after the caller hung up is declined', async () => {
    const first = await texml(h.app, '/webhooks/texml', { AccountSid: 'acc', CallSid: 'tx-s-4', From: CALLER, To: LINE, CallStatus: 'in-progress' }).expect(200);
    expect(first.text).toContain('screen-team-1');
    // The caller hung up: a leg answering afterwards is declined.
    await texml(h.app, '/webhooks/texml/status', { AccountSid: 'acc', CallSid: 'tx-s-4', From: CALLER, To: LINE, CallStatus: 'completed', HangupCause: 'normal_clearing' }).expect(200);
    expect((await texml(h.app, '/webhooks/texml/screen-team-1', leg('tx-s-4', 'v3:y1', ALICE)).expect(200)).text).toBe(HANGUP);
  });
});
