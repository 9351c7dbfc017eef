import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, until } from './harness.js';

/*
 *   team(roundRobin sequential: alice, bob) ─connected→ bye
 *                                          └noAnswer→ bye
 */
const ALICE = '+13125550101';
const BOB = '+13125550102';
const flow = {
  format: 'callflow/1', id: 'team-line', name: 'Team', timezone: 'America/Chicago', start: 'team',
  nodes: [
    { id: 'team', type: 'roundRobin', position: { x: 0, y: 0 }, data: { members: [{ id: 'alice', name: 'Alice', to: ALICE }, { id: 'bob', name: 'Bob', to: BOB }], strategy: 'sequential', ringSeconds: 15 } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
  ],
  edges: [{ id: 'e1', source: 'team', sourceHandle: 'connected', target: 'bye' }, { id: 'e2', source: 'team', sourceHandle: 'noAnswer', target: 'bye' }],
};
// Monday 10:00 in Chicago.
const NOW = new Date('2026-11-23T16:00:00Z');

let s: Stack;
let line: string;
beforeAll(async () => {
  s = await businessStack({ now: () => NOW });
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/team-line/publish');
  line = await buyNumber(s, '212', { flowId: 'team-line' });
});
afterAll(async () => { await s.close(); });

const placeCall = async (body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: '+13125550147', ...body }) })).json() as Promise<any>;
const rang = (t: any) => t.transcript.filter((e: any) => e.kind === 'ringing').map((e: any) => e.text);

describe('team availability', () => {
  it('keeps members with the shape the builder reads, validated with field paths', async () => {
    expect((await call(s, 'PUT', '/api/team/alice', { name: 'Alice', to: ALICE })).status).toBe(200);
    await call(s, 'PUT', '/api/team/bob', { name: 'Bob', to: BOB, status: 'available' });
    const team = (await call(s, 'GET', '/api/team')).body.members;
    expect(team.map(({ id, name, to, status }: any) => ({ id, name, to, status }))).toEqual([
      { id: 'alice', name: 'Alice', to: ALICE, status: 'available' }, { id: 'bob', name: 'Bob', to: BOB, status: 'available' }]);
    const bad = await call(s, 'PUT', '/api/team/carol', { name: 'Carol', to: '555' });
    expect(bad.body.error.path).toEqual(['to']);
    const badHours = await call(s, 'PUT', '/api/team/carol', { name: 'Carol', to: '+13125550103', workingHours: { timezone: 'America/Chicago', weekly: { mon: [{ open: '9am', close: '17:00' }] } } });
    expect(badHours.status).toBe(400);
    expect(badHours.body.error.path).toEqual(['workingHours', 'weekly', 'mon', 0, 'open']);
    const badDayOff = await call(s, 'PUT', '/api/team/carol', { name: 'Carol', to: '+13125550103', workingHours: { timezone: 'America/Chicago', weekly: {}, holidays: [{ date: '2026-02-30', name: 'x' }] } });
    expect(badDayOff.body.error.path).toEqual(['workingHours', 'holidays', 0, 'date']);
  });

  it('says which flows ring a member (the team node lists them)', async () => {
    const team = (await call(s, 'GET', '/api/team')).body.members;
    expect(team.find((m: any) => m.id === 'alice').usedBy).toEqual([{ flowId: 'team-line', name: 'Team', nodes: ['team'] }]);
  });

  it('a member on a day off is not rung, and a night shift past midnight is accepted', async () => {
    const put = (hours: unknown) => call(s, 'PUT', '/api/team/alice', { name: 'Alice', to: ALICE, workingHours: hours });
    expect((await put({ timezone: 'America/Chicago', weekly: { sun: [{ open: '22:00', close: '06:00' }], mon: [{ open: '08:00', close: '24:00' }] }, holidays: [{ date: '2026-11-23', name: 'Day off' }] })).status).toBe(200);
    expect((await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'alice').status).toBe('offline');
    for (const mode of ['call-control', 'texml']) {
      await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode });
      expect(rang(await placeCall({ callee: ['no-answer'] })), mode).toEqual([BOB]);
    }
    expect((await put(null)).status).toBe(200);
  });

  it('counts a member outside working hours as offline', async () => {
    await call(s, 'PUT', '/api/team/carol', { name: 'Carol', to: '+13125550103', workingHours: { timezone: 'America/Chicago', weekly: { mon: [{ open: '12:00', close: '17:00' }] } } });
    await call(s, 'PUT', '/api/team/dave', { name: 'Dave', to: '+13125550104', workingHours: { timezone: 'America/Chicago', weekly: { mon: [{ open: '09:00', close: '17:00' }] } } });
    const team = (await call(s, 'GET', '/api/team')).body.members;
    expect(team.find((m: any) => m.id === 'carol').status).toBe('offline');
    expect(team.find((m: any) => m.id === 'dave').status).toBe('available');
  });

  it('roundRobin skips a member who is offline (read from the team table)', async () => {
    expect(rang(await placeCall({ callee: ['no-answer', 'no-answer'] }))[0]).toBe(ALICE);
    await call(s, 'PATCH', '/api/team/alice', { status: 'offline' });
    const t = await placeCall({ callee: ['no-answer'] });
    expect(rang(t)).toEqual([BOB]);
    await call(s, 'PATCH', '/api/team/alice', { status: 'available' });
  });

  it('Call Control: a member is busy while bridged and available after, with lastCallEndedAt', async () => {
    await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode: 'call-control' });
    await call(s, 'PATCH', '/api/team/alice', { status: 'offline' });
    const t = await placeCall({ callee: ['answer'] });
    expect(rang(t)).toEqual([BOB]);
    const webhooks = (await call(s, 'GET', `/api/calls/${encodeURIComponent(t.callId)}`)).body.webhooks.map((w: any) => JSON.parse(w.rawBody).data.event_type);
    expect(webhooks).toContain('call.bridged');
    const bob = await until(async () => (await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'bob' && m.lastCallEndedAt), 'bob free');
    expect(bob).toMatchObject({ status: 'available', onCall: null, lastCallEndedAt: NOW.toISOString() });
    const alice = (await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'alice');
    expect(alice.lastCallEndedAt).toBeNull();
  });

  it('marks the member busy on call.bridged and frees them when the target leg hangs up', async () => {
    const store = s.app.locals.ctx.store;
    const company = (await store.companyByKey(s.apiKey))!.id;
    await store.createSession({ callId: 'v3:manual', companyId: company, flowId: 'team-line', version: 1, mode: 'call-control', callSessionId: 'sess-manual' });
    let n = 0;
    const send = async (type: string, payload: Record<string, unknown>) => {
      const body = JSON.stringify({ data: { record_type: 'event', event_type: type, id: `${type}-manual-${++n}`, occurred_at: NOW.toISOString(), payload }, meta: { attempt: 1 } });
      expect((await fetch(`${s.url}/webhooks/call-control`, { method: 'POST', headers: { 'content-type': 'application/json', ...s.sign(body) }, body })).status).toBe(200);
    };
    // Alice chose offline: a call reaching her does not change that.
    await send('call.bridged', { call_control_id: 'v3:manual', call_session_id: 'sess-manual', from: '+13125550147', to: ALICE });
    expect((await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'alice').status).toBe('offline');
    await send('call.bridged', { call_control_id: 'v3:manual', call_session_id: 'sess-manual', from: '+13125550147', to: BOB });
    let bob = (await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'bob');
    expect(bob).toMatchObject({ status: 'busy', onCall: 'v3:manual' });
    await send('call.hangup', { call_control_id: 'v3:target', call_session_id: 'sess-manual', to: BOB, hangup_cause: 'normal_clearing' });
    bob = (await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'bob');
    expect(bob).toMatchObject({ status: 'available', onCall: null });
  });

  it('TeXML: the member who took the call gets lastCallEndedAt once the Dial is reported', async () => {
    await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode: 'texml' });
    await call(s, 'PATCH', '/api/team/alice', { status: 'available' });
    expect((await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'alice').lastCallEndedAt).toBeNull();
    const t = await placeCall({ callee: ['answer'] });
    expect(rang(t)).toEqual([ALICE]);
    const alice = (await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'alice');
    expect(alice).toMatchObject({ status: 'available', lastCallEndedAt: NOW.toISOString() });
  });
});
