/**
 * Issue #12 item 7: a fixture records the environment each step saw (team availability as the engine saw it,
 * the cursors it read) and the replay feeds each step exactly that, whatever the team looks like at replay time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { recordedSteps, replayFixture, type FixtureFiles } from '../../server/fixtures/replay.js';
import type { Store } from '../../server/store/types.js';
import { FakeTelnyx, ccEvent, company, makeApp, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;

const ALICE = '+13125550701', BOB = '+13125550702', CAROL = '+13125550703';
/*  team(roundRobin STRATEGY: alice, bob, carol; skipUnavailable) ─connected/noAnswer→ bye(hangup)  */
const teamFlow = (id: string, strategy: string) => ({
  format: 'callflow/1', id, name: id, start: 'team',
  nodes: [
    { id: 'team', type: 'roundRobin', position: { x: 0, y: 0 }, data: { strategy, skipUnavailable: true, members: [{ id: 'alice', name: 'Alice', to: ALICE }, { id: 'bob', name: 'Bob', to: BOB }, { id: 'carol', name: 'Carol', to: CAROL }] } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
  ],
  edges: [{ id: 'e1', source: 'team', sourceHandle: 'connected', target: 'bye' }, { id: 'e2', source: 'team', sourceHandle: 'noAnswer', target: 'bye' }],
});
const api = () => request(h.app);
const member = (id: string, to: string, status: string) => api().put(`/api/team/${id}`).set(acme.auth).send({ name: id, to, status }).expect(200);

async function route(flow: ReturnType<typeof teamFlow>, e164: string, mode: 'texml' | 'call-control') {
  await api().post('/api/flows').set(acme.auth).send(flow).expect(201);
  await api().post(`/api/flows/${flow.id}/publish`).set(acme.auth).expect(201);
  await api().put(`/api/numbers/${encodeURIComponent(e164)}`).set(acme.auth).send({ flowId: flow.id, mode }).expect(200);
}

async function exported(callId: string): Promise<FixtureFiles> {
  const res = await api().get(`/api/calls/${encodeURIComponent(callId)}/fixture`).set(acme.auth).expect(200);
  const parse = (t: string) => t.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { flow: res.body.files['flow.json'], events: parse(res.body.files['events.jsonl']), expected: parse(res.body.files['expected.jsonl']), call: res.body.files['call.json'] };
}

/** The same fixture as one exported before steps were recorded. */
const withoutSteps = (f: FixtureFiles): FixtureFiles => { const { steps: _s, ...call } = f.call!; return { ...f, call }; };
/** The team at replay time: Alice back, Bob and Carol away. */
const teamNow = async (store: Store, companyId: string) => {
  await store.putMember({ companyId, id: 'alice', name: 'Alice', to: ALICE, status: 'available', workingHours: null });
  await store.putMember({ companyId, id: 'bob', name: 'Bob', to: BOB, status: 'offline', workingHours: null });
  await store.putMember({ companyId, id: 'carol', name: 'Carol', to: CAROL, status: 'offline', workingHours: null });
};

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('a fixture replays each step with the environment it recorded', () => {
  it('TeXML, skipUnavailable: recorded while Alice was away, replayed with Alice back and Bob away: same answers', async () => {
    await member('alice', ALICE, 'offline');
    await member('bob', BOB, 'available');
    await route(teamFlow('env-seq', 'sequential'), '+13125550710', 'texml');
    const f = { CallSid: 'env-1', From: '+13125550147', To: '+13125550710' };
    const first = await texml(h.app, '/webhooks/texml', f).expect(200);
    expect(first.text).toContain(BOB);
    expect(first.text).not.toContain(ALICE);
    const action = /action="[^"]*(\/webhooks\/texml\/[^"?]+)/.exec(first.text)![1]!;
    const second = await texml(h.app, action, { ...f, DialCallStatus: 'no-answer' }).expect(200);
    expect(second.text).toContain(CAROL);
    await texml(h.app, '/webhooks/texml/status', { ...f, CallStatus: 'completed' }).expect(200);

    const files = await exported('env-1');
    // The first step looked up all three (Carol is not on the team: the engine counts her available);
    // the second step, after Bob's no-answer, read nothing from outside, so it is not listed.
    expect(files.call!.steps).toEqual({ 'texml:env-1:start': { team: { alice: { status: 'offline' }, bob: { status: 'available' }, carol: { status: 'available' } } } });

    // The team changes: Alice is back, Bob and Carol are away (live, and in the replay's own database).
    await member('alice', ALICE, 'available');
    await member('bob', BOB, 'offline');
    const lines = await replayFixture(files, { prepare: teamNow });
    expect(lines.map((l) => l.diff)).toEqual([[], [], []]);
    // What the replay did before steps were recorded: it read the team as it is now and rang Alice.
    const today = await replayFixture(withoutSteps(files), { prepare: teamNow });
    expect(today[0]!.diff.join('\n')).toContain(ALICE);
  });

  it('Call Control, longest_idle: the idle times the step saw are replayed, not today\'s', async () => {
    await member('alice', ALICE, 'available');
    await member('bob', BOB, 'available');
    await member('carol', CAROL, 'offline');
    const store = h.app.locals.ctx.store;
    await store.memberCallEnded(acme.id, { id: 'alice' }, '2026-11-23T15:55:00Z');
    await store.memberCallEnded(acme.id, { id: 'bob' }, '2026-11-23T15:10:00Z');
    await route(teamFlow('env-idle', 'longest_idle'), '+13125550720', 'call-control');
    const p = { call_control_id: 'v3:env-2', call_session_id: 's-env-2', from: '+13125550147', to: '+13125550720' };
    await ccEvent(h.app, 'env-e1', 'call.initiated', { ...p, direction: 'incoming' }).expect(200);
    const answered = await ccEvent(h.app, 'env-e2', 'call.answered', p).expect(200);
    const transfer = answered.body.commands.find((c: { action: string }) => c.action === 'transfer');
    expect(transfer.body.to).toBe(BOB); // idle since 15:10, Alice only since 15:55

    const files = await exported('v3:env-2');
    expect(files.call!.steps).toEqual({
      'cc:env-e2': { team: { alice: { status: 'available', lastCallEndedAt: '2026-11-23T15:55:00Z' }, bob: { status: 'available', lastCallEndedAt: '2026-11-23T15:10:00Z' }, carol: { status: 'offline' } } },
    });
    const lines = await replayFixture(files);
    expect(lines.map((l) => l.diff)).toEqual([[], []]);
    // Before: the replay's team had no idle times, so list order won and Alice was rung.
    const today = await replayFixture(withoutSteps(files));
    expect(today[1]!.diff.join('\n')).toContain(ALICE);
  });

  it('round robin: each step keeps the cursor it read next to the team it saw', async () => {
    await member('alice', ALICE, 'available');
    await member('bob', BOB, 'available');
    await member('carol', CAROL, 'available');
    await route(teamFlow('env-rr', 'round_robin'), '+13125550730', 'texml');
    await texml(h.app, '/webhooks/texml', { CallSid: 'env-3a', From: '+13125550147', To: '+13125550730' }).expect(200);
    const f = { CallSid: 'env-3', From: '+13125550147', To: '+13125550730' };
    expect((await texml(h.app, '/webhooks/texml', f).expect(200)).text).toContain(BOB);
    const files = await exported('env-3');
    const step = files.call!.steps!['texml:env-3:start']!;
    expect(step.cursors).toEqual({ team: 1 });
    expect(Object.keys(step.team!).sort()).toEqual(['alice', 'bob', 'carol']);
    // No call.json cursors at all: the step's own record is enough.
    const { cursors: _c, ...call } = files.call!;
    expect((await replayFixture({ ...files, call }, { prepare: teamNow })).map((l) => l.diff)).toEqual([[]]);
  });

  it('a fixture from before steps were recorded still replays, reading the replay\'s team', async () => {
    await member('alice', ALICE, 'available');
    await route(teamFlow('env-old', 'sequential'), '+13125550740', 'texml');
    const f = { CallSid: 'env-4', From: '+13125550147', To: '+13125550740' };
    expect((await texml(h.app, '/webhooks/texml', f).expect(200)).text).toContain(ALICE);
    const old = withoutSteps(await exported('env-4'));
    expect((await replayFixture(old)).map((l) => l.diff)).toEqual([[]]);
  });

  it('a recorded part this replay cannot feed is an error naming it, not a silently inexact replay', () => {
    expect(() => recordedSteps({ steps: { 'cc:x': { team: {}, http: [] } as never } })).toThrow(/steps\.cc:x.*http/);
    expect(() => recordedSteps({ steps: { 'cc:x': { team: { alice: { status: 'away' } } } as never } })).toThrow(/steps\.cc:x\.team\.alice\.status/);
    expect(recordedSteps({}).size).toBe(0);
  });
});
