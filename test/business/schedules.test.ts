/**
 * Shared schedules (issue #13 item 4) through the real server and the offline sandbox: the API (CRUD with
 * revisions, delete refused while in use, 4xx with paths, roles), calls in both modes routed by a shared schedule
 * that change route after a PUT of the schedule without republishing, the "what at T" route, and an owner's
 * text ("CLOSED UNTIL 15:00") setting a temporary change while a stranger's text stays a normal message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { e, n } from '../server/harness.js';
import { businessStack, buyNumber, call, until } from './harness.js';

const weekdays = (open: string, close: string) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open, close }]]));
const OFFICE = { id: 'main-office', name: 'Main office', timezone: 'America/New_York', weekly: weekdays('09:00', '17:00'), holidays: [{ name: 'Christmas', yearly: '12-25', observed: 'nearest-weekday' }], overrides: [] };

/*
 *   hours(businessHours, scheduleId main-office) ─open→ hi(say "We are open.") → bye(hangup)
 *                                                ├closed→ shut(say "We are closed.") → bye
 *                                                └holiday→ hol(say "Happy holidays.") → bye
 */
const flow = {
  format: 'callflow/1', id: 'front', name: 'Front line', timezone: 'America/Chicago', start: 'hours',
  nodes: [n('hours', 'businessHours', { scheduleId: 'main-office' }), n('hi', 'say', { text: 'We are open.' }), n('shut', 'say', { text: 'We are closed.' }),
    n('hol', 'say', { text: 'Happy holidays.' }), n('bye', 'hangup', {})],
  edges: [e('hours', 'open', 'hi'), e('hours', 'closed', 'shut'), e('hours', 'holiday', 'hol'), e('hi', 'next', 'bye'), e('shut', 'next', 'bye'), e('hol', 'next', 'bye')],
};

const OWNER = '+13125550111', STRANGER = '+13125550122';
let s: Stack, clock = new Date('2026-12-07T15:00:00Z'); // Monday 10:00 in New York
let companyId = '', viewerKey = '';
const lines: Record<string, string> = {};

beforeAll(async () => {
  s = await businessStack({ now: () => clock });
  const store = s.app.locals.ctx.store;
  companyId = (await store.companyByKey(s.apiKey))!.id;
  const owner = (await store.createPerson({ companyId, email: 'ana@example.com', name: 'Ana', role: 'owner', passwordHash: null }))!;
  const viewer = (await store.createPerson({ companyId, email: 'vic@example.com', name: 'Vic', role: 'viewer', passwordHash: null }))!;
  viewerKey = (await store.createPersonKey({ companyId, personId: viewer.id, role: 'viewer', name: 'viewer' })).key;
  await s.api('PUT', '/api/team/ana', { name: 'Ana', to: OWNER, personId: owner.id });
  await s.api('PUT', '/api/team/sam', { name: 'Sam', to: STRANGER }); // on the team, but no account: not an owner
  await s.api('POST', '/api/schedules', OFFICE);
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/front/publish');
  for (const [mode, area] of [['texml', '415'], ['call-control', '646']] as const) lines[mode] = await buyNumber(s, area, { flowId: 'front', mode });
});
afterAll(async () => { await s?.close(); });

const heard = async (mode: 'texml' | 'call-control') => {
  const r = (await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: lines[mode], from: '+13125550147', mode }) })).json()) as { transcript: { kind: string; text: string }[] };
  return r.transcript.filter((t) => t.kind === 'heard').map((t) => t.text);
};
const office = async () => (await call(s, 'GET', '/api/schedules/main-office')).body.schedule;
const put = async (over: Record<string, unknown>) => {
  const cur = await office();
  const { id: _id, ...rest } = OFFICE;
  return call(s, 'PUT', '/api/schedules/main-office', { ...rest, ...over, revision: cur.revision });
};

describe('the API', () => {
  it('lists, gets (with the flows following it) and answers "what at T"', async () => {
    const list = (await call(s, 'GET', '/api/schedules')).body.schedules;
    expect(list.map((x: any) => [x.id, x.now.port])).toEqual([['main-office', 'open']]);
    const one = await office();
    expect(one.usedBy).toEqual([{ id: 'front', name: 'Front line' }]);
    const at = (await call(s, 'GET', `/api/schedules/main-office/at?t=${encodeURIComponent('2026-12-25T12:00:00-05:00')}`)).body;
    expect(at).toMatchObject({ port: 'holiday', reason: expect.stringContaining('Holiday: Christmas') });
    expect((await call(s, 'GET', '/api/schedules/main-office/at?t=2027-12-24T12:00:00-05:00')).body.reason).toContain('Christmas (observed)');
  });

  it('refuses bad input with the field path (400), a taken id and a stale revision (409), a missing one (404)', async () => {
    const bad = async (method: string, path: string, body: unknown) => { const r = await call(s, method, path, body); return [r.status, r.body.error?.path?.join('.'), r.body.error?.code]; };
    expect(await bad('POST', '/api/schedules', { ...OFFICE, id: 'Main Office' })).toEqual([400, 'id', 'bad_request']);
    expect(await bad('POST', '/api/schedules', { ...OFFICE, id: 'x', timezone: 'Mars/Olympus' })).toEqual([400, 'timezone', 'bad_request']);
    expect(await bad('POST', '/api/schedules', { ...OFFICE, id: 'x', holidays: [{ name: 'T', month: 11, weekday: 'thu' }] })).toEqual([400, 'holidays.0.nth', 'bad_request']);
    expect(await bad('POST', '/api/schedules', { ...OFFICE, id: 'x', weekly: { mon: [{ open: '9am', close: '17:00' }] } })).toEqual([400, 'weekly.mon.0.open', 'bad_request']);
    expect(await bad('POST', '/api/schedules', { ...OFFICE, id: 'x', colour: 'red' })).toEqual([400, 'colour', 'bad_request']);
    expect(await bad('POST', '/api/schedules', OFFICE)).toEqual([409, 'id', 'conflict']);
    const { id: _id, ...rest } = OFFICE;
    expect(await bad('PUT', '/api/schedules/main-office', { ...rest, revision: 999 })).toEqual([409, 'revision', 'conflict']);
    expect(await bad('PUT', '/api/schedules/nope', { ...rest, revision: 1 })).toEqual([404, undefined, 'not_found']);
    expect(await bad('POST', '/api/schedules/main-office/override', { state: 'shut', until: '15:00' })).toEqual([400, 'state', 'bad_request']);
    expect(await bad('POST', '/api/schedules/main-office/override', { state: 'closed', until: 'soon' })).toEqual([400, 'until', 'bad_request']);
    expect(await bad('POST', '/api/schedules/main-office/override', { state: 'closed', until: '2020-01-01T00:00:00Z' })).toEqual([400, 'until', 'bad_request']);
    expect((await call(s, 'GET', '/api/schedules/main-office/at?t=tomorrow')).status).toBe(400);
  });

  it('a viewer reads but does not change; deleting a schedule in use is refused (409, with the flows)', async () => {
    expect((await call(s, 'GET', '/api/schedules', undefined, viewerKey)).status).toBe(200);
    expect((await call(s, 'POST', '/api/schedules/main-office/override', { state: 'closed', until: '15:00' }, viewerKey)).status).toBe(403);
    expect((await call(s, 'DELETE', '/api/schedules/main-office', undefined, viewerKey)).status).toBe(403);
    const del = await call(s, 'DELETE', '/api/schedules/main-office');
    expect([del.status, del.body.error.usedBy]).toEqual([409, [{ id: 'front', name: 'Front line' }]]);
    await s.api('POST', '/api/schedules', { ...OFFICE, id: 'spare', name: 'Spare' });
    expect((await call(s, 'DELETE', '/api/schedules/spare')).status).toBe(204);
    expect((await call(s, 'GET', '/api/schedules/spare')).status).toBe(404);
  });

  it('lint knows the company schedules: publishing a flow that follows a missing one is refused', async () => {
    const other = { ...flow, id: 'other', nodes: flow.nodes.map((x) => (x.id === 'hours' ? { ...x, data: { scheduleId: 'annex' } } : x)) };
    const found = (await call(s, 'POST', '/api/flows/lint', other)).body.findings.filter((f: any) => f.code === 'schedule-missing');
    expect(found.map((f: any) => f.path.join('.'))).toEqual(['nodes.0.data.scheduleId']);
    await s.api('POST', '/api/flows', other);
    expect((await call(s, 'POST', '/api/flows/other/publish')).status).toBe(422);
  });
});

describe.each(['texml', 'call-control'] as const)('calls routed by the shared schedule (%s)', (mode) => {
  it('routes by the schedule, then differently after a PUT of it, without republishing', async () => {
    clock = new Date('2026-12-07T15:00:00Z'); // Monday 10:00 New York
    await s.api('DELETE', '/api/schedules/main-office/override'); // the other mode's run left one ending later than this clock
    expect(await put({})).toMatchObject({ status: 200 });
    expect(await heard(mode)).toEqual(['We are open.']);
    const versions = (await s.api('GET', '/api/flows/front/versions')).versions.length;
    expect((await put({ weekly: weekdays('11:00', '17:00') })).status).toBe(200);
    expect(await heard(mode)).toEqual(['We are closed.']);
    expect((await s.api('GET', '/api/flows/front/versions')).versions.length).toBe(versions); // nothing republished
    clock = new Date('2026-12-25T17:00:00Z'); // Christmas, noon
    expect(await heard(mode)).toEqual(['Happy holidays.']);
  });

  it('a temporary change from the API holds until its end, then the regular hours again', async () => {
    clock = new Date('2026-12-08T17:00:00Z'); // Tuesday 12:00 New York
    await put({});
    const set = (await call(s, 'POST', '/api/schedules/main-office/override', { state: 'closed', until: '15:00', note: 'staff meeting' })).body.schedule;
    expect(set.temporary).toMatchObject({ state: 'closed', until: '2026-12-08T15:00:00.000-05:00', note: 'staff meeting', setBy: expect.stringContaining('API key') });
    expect(await heard(mode)).toEqual(['We are closed.']);
    clock = new Date('2026-12-08T20:00:00Z'); // 15:00: the change has ended
    expect(await heard(mode)).toEqual(['We are open.']);
    expect((await office()).temporary).toBeNull();
  });
});

describe('an owner texts a command to one of the company numbers', () => {
  const sms = async (from: string, text: string) => {
    const r = await fetch(`${s.url}/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to: lines.texml, text }) });
    expect(r.status).toBeLessThan(300);
  };
  const sent = async () => ((await (await fetch(`${s.url}/sandbox/messages`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { data: any[] }).data;
  const repliesTo = async (to: string) => (await sent()).filter((m) => m.to[0].phone_number === to).map((m) => m.text as string);

  it('"CLOSED UNTIL 15:00" from the owner sets the change and the reply says what is in effect; "OPEN" clears it', async () => {
    clock = new Date('2026-12-09T16:00:00Z'); // Wednesday 11:00 New York
    await s.api('DELETE', '/api/schedules/main-office/override');
    await sms(OWNER, 'closed until 15:00');
    const reply = await until(async () => (await repliesTo(OWNER)).find((t) => t.includes('Closed until')), 'the reply to the owner');
    expect(reply).toContain('Main office: Now in effect: Closed until Wednesday 2026-12-09 15:00');
    expect((await office()).temporary).toMatchObject({ state: 'closed', until: '2026-12-09T15:00:00.000-05:00', setBy: `sms ${OWNER} (ana@example.com)` });
    expect(await heard('call-control')).toEqual(['We are closed.']);
    await sms(OWNER, 'OPEN');
    await until(async () => (await repliesTo(OWNER)).find((t) => t.includes('back to the regular hours')), 'the reply to OPEN');
    expect((await office()).temporary).toBeNull();
    expect(await heard('texml')).toEqual(['We are open.']);
    await sms(OWNER, 'Closed today');
    await until(async () => (await office()).temporary, 'closed today');
    expect((await office()).temporary.until).toBe('2026-12-10T00:00:00.000-05:00');
    await s.api('DELETE', '/api/schedules/main-office/override');
  });

  it("a stranger's (or an account-less member's) command changes nothing and is kept as a normal message", async () => {
    clock = new Date('2026-12-09T16:30:00Z');
    const before = (await sent()).length;
    for (const from of [STRANGER, '+13125550133']) await sms(from, 'CLOSED UNTIL 15:00');
    await until(async () => {
      const msgs = (await call(s, 'GET', '/api/messages')).body.messages ?? [];
      return msgs.filter((m: any) => m.direction === 'inbound' && m.text === 'CLOSED UNTIL 15:00').length === 2;
    }, 'both texts stored as messages');
    expect((await office()).temporary).toBeNull();
    expect((await sent()).length).toBe(before); // no reply to either
    expect(await heard('texml')).toEqual(['We are open.']);
  });
});
