/**
 * Issue #12's "Done when": a new kind is one file plus one registry line. test/kinds/probe.ts is a throwaway kind
 * that waits with its own instruction (`probe`) and its own event (`probe.ended`); this file registers it with
 * `registerKind(probe)` and touches nothing else. Then it is in the palette's list, the schema and parseFlow,
 * lint, a TeXML call and a Call Control call through the real server (signed webhooks, the official SDK against a
 * stand-in Telnyx): the call waits in it, its event arrives and the flow goes on by its port; and each call,
 * exported as a fixture, replays with no difference. Before the line, none of it holds (first test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { registerKind, kindOf, NODE_KINDS, NODE_TYPES } from '../../engine/nodes/index.js';
import { flowJsonSchema, parseFlow } from '../../engine/schema.js';
import { lintFlow } from '../../engine/lint.js';
import { simulate } from '../../engine/simulate.js';
import { decodeClientState } from '../../engine/call-control.js';
import { summarize } from '../../builder/src/summary.js';
import { replayFixture, type FixtureFiles } from '../../server/fixtures/replay.js';
import type { OwnVerbSpec } from '../../engine/own-verbs.js';
import { probe } from '../kinds/probe.js';
import { FakeTelnyx, ccEvent, company, makeApp, tempDb, texml } from './harness.js';

const flow = (id: string, wireNone = true) => ({
  format: 'callflow/1', id, name: 'Consent line', timezone: 'America/Chicago', start: 'ask',
  nodes: [
    { id: 'ask', type: 'probe', position: { x: 0, y: 0 }, data: { question: 'Press 1 to agree.', seconds: 4 } },
    { id: 'agreed', type: 'say', position: { x: 0, y: 100 }, data: { text: 'Thanks for agreeing.' } },
    { id: 'declined', type: 'say', position: { x: 200, y: 100 }, data: { text: 'Maybe next time.' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'ask', sourceHandle: 'yes', target: 'agreed' },
    { id: 'e2', source: 'ask', sourceHandle: 'no', target: 'declined' },
    ...(wireNone ? [{ id: 'e3', source: 'ask', sourceHandle: 'none', target: 'bye' }] : []),
    { id: 'e4', source: 'agreed', sourceHandle: 'next', target: 'bye' },
    { id: 'e5', source: 'declined', sourceHandle: 'next', target: 'bye' },
  ],
});

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;

it('before its registry line the kind is nowhere (so the rest proves the line is enough)', () => {
  expect(kindOf('probe')).toBeUndefined();
  expect(NODE_TYPES).not.toContain('probe');
  expect(() => parseFlow(flow('consent'))).toThrow();
});


async function exported(callId: string): Promise<FixtureFiles> {
  const res = await request(h.app).get(`/api/calls/${encodeURIComponent(callId)}/fixture`).set(acme.auth).expect(200);
  const f = res.body.files as Record<string, unknown>;
  const text = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : JSON.stringify(f[k]));
  const lines = (k: string) => text(k).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { flow: JSON.parse(text('flow.json')), events: lines('events.jsonl'), expected: lines('expected.jsonl'), call: JSON.parse(text('call.json')) } as FixtureFiles;
}

it('a kind that leaves a transport out of its own instruction does not typecheck (npm run typecheck)', () => {
  const spec = probe.instructions!.probe!;
  // @ts-expect-error no `callControl`: Call Control would not know what to send
  const noCommands: OwnVerbSpec<'probe'> = { effect: spec.effect, texml: spec.texml, texmlEvent: spec.texmlEvent, ccEvents: spec.ccEvents, simulate: spec.simulate };
  // @ts-expect-error no `texmlEvent`: TeXML's action callback would mean nothing
  const noCallback: OwnVerbSpec<'probe'> = { effect: spec.effect, texml: spec.texml, callControl: spec.callControl, ccEvents: spec.ccEvents, simulate: spec.simulate };
  expect([noCommands, noCallback].every((s) => typeof s.effect === 'object')).toBe(true);
});

describe('a kind registered by one line, from one file', () => {
  beforeAll(async () => {
    registerKind(probe); // the one registry line
    await fake.start();
    h = makeApp(db.file, fake);
    acme = await company(h.app, 'Acme');
    for (const [id, e164, mode] of [['consent-texml', '+13125550810', 'texml'], ['consent-cc', '+13125550811', 'call-control']] as const) {
      await request(h.app).post('/api/flows').set(acme.auth).send(flow(id)).expect(201);
      await request(h.app).post(`/api/flows/${id}/publish`).set(acme.auth).expect(201);
      await request(h.app).put(`/api/numbers/${encodeURIComponent(e164)}`).set(acme.auth).send({ flowId: id, mode }).expect(200);
    }
  });
  afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

  it('is in the palette\'s list (what builder/src/Palette.tsx renders) and the canvas card', () => {
    expect(NODE_TYPES.at(-1)).toBe('probe');
    expect(kindOf('probe')).toBe(probe);
    expect((NODE_KINDS as Record<string, unknown>).probe).toMatchObject({ label: 'Probe', accent: 'cyan' });
    expect(summarize('probe', { question: 'Press 1 to agree.' })).toEqual(['Press 1 to agree.']);
  });

  it('is in the schema: parseFlow takes its data with defaults, refuses bad data with the path; the JSON Schema lists it', () => {
    const parsed = parseFlow({ ...flow('consent'), nodes: flow('consent').nodes.map((n) => (n.id === 'ask' ? { ...n, data: { question: 'Agree?' } } : n)) });
    expect(parsed.nodes[0]!.data).toEqual({ question: 'Agree?', seconds: 5 });
    const bad = { ...flow('consent'), nodes: flow('consent').nodes.map((n) => (n.id === 'ask' ? { ...n, data: { question: '' } } : n)) };
    expect(() => parseFlow(bad)).toThrow(/Write the question/);
    expect(JSON.stringify(flowJsonSchema())).toContain('"const":"probe"');
  });

  it('is simulated offline in both modes (the CLI, /api/flows/simulate, the builder): the script\'s keys answer it', () => {
    const f = parseFlow(flow('consent'));
    const path = (mode: 'texml' | 'call-control', digits: string[]) =>
      simulate(f, { at: '2026-11-23T16:00:00Z', mode, digits }).steps.flatMap((st) => st.trace).filter((t) => t.kind === 'port').map((t) => `${t.node}.${(t as { port: string }).port}`);
    expect(path('texml', ['1'])).toEqual(['ask.yes', 'agreed.next']);
    expect(path('call-control', ['2'])).toEqual(['ask.no', 'declined.next']);
    expect(path('texml', [''])).toEqual(['ask.none']);
  });

  it('is linted: an unwired port a caller can reach is named in the kind\'s own words', () => {
    expect(lintFlow(flow('consent')).filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
    const findings = lintFlow(flow('consent', false));
    expect(findings.map((f) => f.message)).toContainEqual(expect.stringContaining('for when the answer is none'));
  });

  it('TeXML: the call waits in it, its action brings probe.ended, the flow goes on by the port; the fixture replays exactly', async () => {
    const f = { CallSid: 'probe-1', From: '+13125550147', To: '+13125550810' };
    const first = await texml(h.app, '/webhooks/texml', f).expect(200);
    const action = /<Gather action="([^"]+)" numDigits="1" timeout="4"><Say>Press 1 to agree.<\/Say><\/Gather>/.exec(first.text)?.[1];
    expect(action).toMatch(/\/webhooks\/texml\/probe-ask-\d+$/);
    expect(first.text).not.toContain('<Hangup/>');
    const next = await texml(h.app, new URL(action!).pathname, { ...f, Digits: '1' }).expect(200);
    expect(next.text).toContain('Thanks for agreeing.');
    expect(next.text).toContain('<Hangup/>');
    await texml(h.app, '/webhooks/texml/status', { ...f, CallStatus: 'completed' }).expect(200);
    const call = await request(h.app).get('/api/calls/probe-1').set(acme.auth).expect(200);
    expect(call.body.call.path).toEqual(expect.arrayContaining(['>ask', 'ask.yes', '>agreed']));
    const files = await exported('probe-1');
    const lines = await replayFixture(files);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.diff)).toEqual([[], [], []]);
  });

  it('Call Control: its command is sent, the kind maps the webhook to probe.ended, the flow goes on by the port; the fixture replays exactly', async () => {
    let cs = '';
    const last = () => { cs = [...fake.seen].reverse().find((s) => s.ccid === 'v3:probe-2')?.body.client_state ?? cs; return cs; };
    const p = () => ({ call_control_id: 'v3:probe-2', call_session_id: 's-probe-2', from: '+13125550147', to: '+13125550811', client_state: last() });
    await ccEvent(h.app, 'pr-e1', 'call.initiated', { ...p(), direction: 'incoming' }).expect(200);
    await ccEvent(h.app, 'pr-e2', 'call.answered', p()).expect(200);
    expect(fake.actions('v3:probe-2')).toEqual(['answer', 'gather_using_speak']);
    const gather = fake.seen.at(-1)!.body;
    expect(gather).toMatchObject({ payload: 'Press 1 to agree.', maximum_digits: 1, timeout_millis: 4000 });
    expect(decodeClientState(gather.client_state)).toMatchObject({ node: 'ask', own: 'probe' });
    await ccEvent(h.app, 'pr-e3', 'call.gather.ended', { ...p(), status: 'valid', digits: '2' }).expect(200);
    expect(fake.seen.at(-1)).toMatchObject({ action: 'speak', body: { payload: 'Maybe next time.' } });
    await ccEvent(h.app, 'pr-e4', 'call.speak.ended', { ...p(), status: 'completed' }).expect(200);
    expect(fake.seen.at(-1)!.action).toBe('hangup');
    await ccEvent(h.app, 'pr-e5', 'call.hangup', { ...p(), hangup_cause: 'normal_clearing' }).expect(200);
    const call = await request(h.app).get(`/api/calls/${encodeURIComponent('v3:probe-2')}`).set(acme.auth).expect(200);
    expect(call.body.call.path).toEqual(expect.arrayContaining(['>ask', 'ask.no', '>declined']));
    const lines = await replayFixture(await exported('v3:probe-2'));
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.diff)).toEqual([[], [], [], [], []]);
  });
});
