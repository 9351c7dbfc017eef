/**
 * Simultaneous ring in TeXML, callback by callback: the Dial's action callback does not say which `<Number>`
 * answered, so each leg reports `answered` to the status URL (its own CallSid, `To`, `ParentCallSid`); the
 * server records it for the parent's step and the Dial action then sets `vars.agent` as in Call Control.
 * Webhooks are signed form bodies, shaped like Telnyx's (fixtures/texml/status_callback.answered.json).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { replayFixture } from '../../server/fixtures/replay.js';
import { FakeTelnyx, PUBLIC_URL, company, makeApp, signed, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
let other: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550320';
const OTHER_LINE = '+13125550321';
const CALLER = '+13125550147';
const MEMBERS = [{ id: 'alice', to: '+13125550101' }, { id: 'bob', to: '+13125550102' }, { id: 'carol', to: 'sip:carol@pbx.example.com' }];

const n_ = (nid: string, type: string, data: Record<string, unknown>) => ({ id: nid, type, position: { x: 0, y: 0 }, data });
const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
const flow = (members = MEMBERS) => ({
  format: 'callflow/1', id: 'team-line', name: 'Team line', timezone: 'America/Chicago', start: 'team',
  nodes: [
    n_('team', 'roundRobin', { members: members.map((m) => ({ ...m, name: m.id })), strategy: 'simultaneous', ringSeconds: 20 }),
    n_('thanks', 'say', { text: 'You spoke with {{vars.agent}}. Goodbye.' }),
    n_('sorry', 'say', { text: 'Nobody could take your call.' }),
    n_('bye', 'hangup', {}),
  ],
  edges: [e('team', 'connected', 'thanks'), e('team', 'noAnswer', 'sorry'), e('thanks', 'next', 'bye'), e('sorry', 'next', 'bye')],
});

async function route(c: typeof acme, line: string, members = MEMBERS) {
  await request(h.app).post('/api/flows').set(c.auth).send(flow(members)).expect(201);
  await request(h.app).post('/api/flows/team-line/publish').set(c.auth).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(line)}`).set(c.auth).send({ flowId: 'team-line', mode: 'texml' }).expect(200);
}

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  other = await company(h.app, 'Other');
  await route(acme, LINE);
  // Another company's line: a leg reporting it answered is never Acme's agent.
  await route(other, OTHER_LINE);
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

const STATUS = '/webhooks/texml/status';
/** A child leg's answered status callback, Telnyx's fields. */
const answered = (parent: string, leg: string, to: string) => ({
  AccountSid: 'acc', CallSid: leg, CallSidLegacy: leg, CallbackSource: 'call-progress-events', CallStatus: 'in-progress', ConnectionId: 'conn',
  From: CALLER, To: to, ParentCallSid: parent, ParentCallSidLegacy: parent, SequenceNumber: '2', Timestamp: '2026-11-23T16:00:05Z',
});
const dialEnded = (sid: string, status = 'completed') => ({ AccountSid: 'acc', CallSid: sid, From: CALLER, To: LINE, CallStatus: 'in-progress', DialCallStatus: status, DialCallDuration: '42', DialCallSid: 'v3:child' });

/** An inbound call ringing the team; returns the first document and the Dial's action path. */
async function ringing(sid: string, to = LINE) {
  const first = await texml(h.app, '/webhooks/texml', { AccountSid: 'acc', CallSid: sid, From: CALLER, To: to, CallerId: CALLER, ConnectionId: 'conn', CallStatus: 'in-progress' }).expect(200);
  const action = /<Dial[^>]*action="([^"]+)"/.exec(first.text)![1]!.replace(PUBLIC_URL, '');
  return { first: first.text, action };
}

describe('TeXML simultaneous ring: vars.agent from the leg that answered', () => {
  it('asks every leg for its answered callback at the status URL', async () => {
    const { first } = await ringing('tx-ring-0');
    const nouns = first.match(/<(Number|Sip)[^>]*>/g)!;
    expect(nouns).toHaveLength(3);
    for (const n of nouns) expect(n).toContain(`statusCallback="${PUBLIC_URL}${STATUS}" statusCallbackEvent="answered" statusCallbackMethod="POST"`);
  });

  it('a leg answered, then the dial ended connected: the flow says who it was', async () => {
    const { action } = await ringing('tx-ring-1');
    await texml(h.app, STATUS, answered('tx-ring-1', 'v3:leg-bob', '+13125550102')).expect(200);
    // A second leg reporting late (Telnyx hangs it up) does not move the answer: first answered wins.
    await texml(h.app, STATUS, answered('tx-ring-1', 'v3:leg-alice', '+13125550101')).expect(200);
    const doc = await texml(h.app, action, dialEnded('tx-ring-1')).expect(200);
    expect(doc.text).toContain('You spoke with bob.');
  });

  it('a SIP member is found by its URI', async () => {
    const { action } = await ringing('tx-ring-2');
    await texml(h.app, STATUS, answered('tx-ring-2', 'v3:leg-carol', 'sip:carol@pbx.example.com')).expect(200);
    expect((await texml(h.app, action, dialEnded('tx-ring-2')).expect(200)).text).toContain('You spoke with carol.');
  });

  it('no leg callback: connected, vars.agent unset (as before); a dial that did not connect ignores one', async () => {
    const { action } = await ringing('tx-ring-3');
    expect((await texml(h.app, action, dialEnded('tx-ring-3')).expect(200)).text).toContain('You spoke with . Goodbye.');
    const b = await ringing('tx-ring-4');
    await texml(h.app, STATUS, answered('tx-ring-4', 'v3:leg-x', '+13125550101')).expect(200);
    expect((await texml(h.app, b.action, dialEnded('tx-ring-4', 'no-answer')).expect(200)).text).toContain('Nobody could take your call.');
  });

  it('the answer counts only for the step it came in at, and a leg is logged against its parent call', async () => {
    const { action } = await ringing('tx-ring-5');
    await texml(h.app, STATUS, answered('tx-ring-5', 'v3:leg-alice-5', '+13125550101')).expect(200);
    await texml(h.app, action, dialEnded('tx-ring-5')).expect(200);
    const hooks = await h.app.locals.ctx.store.webhooksForCall('tx-ring-5');
    expect(hooks.map((w) => w.path)).toContain(STATUS);
    expect(await h.app.locals.ctx.store.dialAnswer('tx-ring-5', Number(action.split('-').pop()))).toBe('+13125550101');
    expect(await h.app.locals.ctx.store.dialAnswer('tx-ring-5', Number(action.split('-').pop()) + 1)).toBeUndefined();
  });

  it('a leg whose number is another company\'s is not recorded (company check)', async () => {
    const { action } = await ringing('tx-ring-6');
    await texml(h.app, STATUS, answered('tx-ring-6', 'v3:leg-forged', OTHER_LINE)).expect(200);
    expect(await h.app.locals.ctx.store.dialAnswer('tx-ring-6', Number(action.split('-').pop()))).toBeUndefined();
  });

  it('a leg callback that is not signed, or not a form body, records nothing', async () => {
    const { action } = await ringing('tx-ring-7');
    await texml(h.app, STATUS, answered('tx-ring-7', 'v3:leg-t', '+13125550101'), { tamper: true }).expect(401);
    const body = JSON.stringify(answered('tx-ring-7', 'v3:leg-j', '+13125550101'));
    await request(h.app).post(STATUS).set(signed(body)).set('content-type', 'application/json').send(body);
    expect(await h.app.locals.ctx.store.dialAnswer('tx-ring-7', Number(action.split('-').pop()))).toBeUndefined();
  });

  it('an exported call replays the leg callback too: the replay says the same name', async () => {
    const { action } = await ringing('tx-ring-8');
    await texml(h.app, STATUS, answered('tx-ring-8', 'v3:leg-bob-8', '+13125550102')).expect(200);
    expect((await texml(h.app, action, dialEnded('tx-ring-8')).expect(200)).text).toContain('You spoke with bob.');
    const res = await request(h.app).get('/api/calls/tx-ring-8/fixture').set(acme.auth).expect(200);
    const parse = (t: string) => t.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const files = { flow: res.body.files['flow.json'], events: parse(res.body.files['events.jsonl']), expected: parse(res.body.files['expected.jsonl']), call: res.body.files['call.json'] };
    expect(files.events.map((ev: { path: string }) => ev.path)).toEqual(['/webhooks/texml', STATUS, action]);
    const lines = await replayFixture(files);
    expect(lines.map((l) => l.diff)).toEqual([[], [], []]);
    expect(JSON.stringify(lines[2]!.got)).toContain('You spoke with bob.');
  });
});
