import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../server/stack.js';
import { buyNumber, call, until } from './harness.js';

let s: Stack;
let line: string;
let clock = new Date('2026-11-23T16:00:00Z');
const tick = (seconds: number) => { clock = new Date(clock.getTime() + seconds * 1000); };
const CUSTOMER = '+13125550188';
const flow = {
  format: 'callflow/1', id: 'hello', name: 'Hello', timezone: 'America/Chicago', start: 'hi',
  nodes: [
    { id: 'hi', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Hello from the shop.' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
  ],
  edges: [{ id: 'e1', source: 'hi', sourceHandle: 'next', target: 'bye' }],
};

beforeAll(async () => {
  s = await startStack({ now: () => clock });
  await s.api('PUT', '/api/numbers/connections', { texmlConnectionId: s.sandbox!.texmlConnectionId, callControlConnectionId: s.sandbox!.callControlConnectionId });
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/hello/publish');
  line = await buyNumber(s, '303', { flowId: 'hello' });
});
afterAll(async () => { await s.close(); });

const placeCall = async (to: string) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to, from: CUSTOMER }) })).json() as Promise<any>;
const heard = (t: any) => t.transcript.filter((e: any) => e.kind === 'heard').map((e: any) => e.text).join(' | ');

describe('calls over HTTP against the sandbox', () => {
  it('dials out with answering machine detection; the log fills from webhooks; record, keep the audio, hang up, charge', async () => {
    await s.api('PUT', '/api/usage/budget', { billingIncrementSeconds: 6 });
    const dial = await call(s, 'POST', '/api/calls', { from: line, to: CUSTOMER, answeringMachineDetection: 'detect' });
    expect(dial.status).toBe(201);
    const id = dial.body.call.callId as string;
    expect(dial.body.call).toMatchObject({ direction: 'outbound', from: line, to: CUSTOMER, answeredAt: null });
    const answered = await until(async () => { const c = (await call(s, 'GET', `/api/calls/${encodeURIComponent(id)}`)).body.call; return c.answeredAt && c.amdResult && c; }, 'answered');
    expect(answered.amdResult).toBe('human');
    expect((await call(s, 'POST', `/api/calls/${encodeURIComponent(id)}/recording/start`, { format: 'mp3' })).status).toBe(202);
    const recorded = await until(async () => { const c = (await call(s, 'GET', `/api/calls/${encodeURIComponent(id)}`)).body.call; return c.recordingUrl?.startsWith('/api/') && c; }, 'recording kept');
    const audio = await call(s, 'GET', recorded.recordingUrl);
    expect(audio.status).toBe(200);
    expect(audio.body.length).toBeGreaterThan(1000);
    tick(61);
    expect((await call(s, 'POST', `/api/calls/${encodeURIComponent(id)}/hangup`)).status).toBe(202);
    const ended = await until(async () => { const c = (await call(s, 'GET', `/api/calls/${encodeURIComponent(id)}`)).body.call; return c.endedAt && c; }, 'ended');
    expect(ended.hangupCause).toBe('normal_clearing');
    const usage = (await call(s, 'GET', '/api/usage')).body.entries;
    // 61 s billed in 6 s increments = 66 s at $0.01/min = 11,000 µ$.
    expect(usage.find((e: any) => e.ref === id && e.kind === 'call_out_minute')).toMatchObject({ quantity: 66, micros: 11_000 });
    expect(usage.filter((e: any) => e.ref === id && e.kind === 'amd_call')).toHaveLength(1);
    expect((await call(s, 'POST', `/api/calls/${encodeURIComponent(id)}/hangup`)).status).toBe(409);
  });

  it('lists calls with filters and validates them', async () => {
    await placeCall(line);
    const out = (await call(s, 'GET', '/api/calls?direction=outbound')).body.calls;
    const inbound = (await call(s, 'GET', `/api/calls?direction=inbound&number=${encodeURIComponent(line)}&status=ended`)).body.calls;
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((c: any) => c.direction === 'outbound')).toBe(true);
    expect(inbound.length).toBe(1);
    expect(inbound[0]).toMatchObject({ to: line, from: CUSTOMER });
    const bad = await call(s, 'GET', '/api/calls?direction=sideways');
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual(['direction']);
    const counters = (await call(s, 'GET', '/api/numbers')).body.numbers.find((n: any) => n.e164 === line).counters;
    expect(counters).toMatchObject({ callsIn: 1, callsOut: 1 });
  });

  it('refuses an outbound call past the budget (402) but still answers inbound calls', async () => {
    await s.api('PUT', '/api/usage/budget', { budgetMicros: 0 });
    const r = await call(s, 'POST', '/api/calls', { from: line, to: CUSTOMER });
    expect(r.status).toBe(402);
    expect(r.body.error.code).toBe('budget_exceeded');
    const t = await placeCall(line);
    expect(heard(t)).toContain('Hello from the shop.');
    await s.api('PUT', '/api/usage/budget', { budgetMicros: null });
  });

  it('a released number is deleted at Telnyx, kept as released here, and no longer routes', async () => {
    expect(heard(await placeCall(line))).toContain('Hello from the shop.');
    const r = await call(s, 'DELETE', `/api/numbers/${encodeURIComponent(line)}`);
    expect(r.status).toBe(200);
    expect(r.body.number).toMatchObject({ status: 'released' });
    expect(r.body.number.releasedAt).toBeTruthy();
    const atTelnyx = await s.app.locals.ctx.telnyx.phoneNumbers.list({ filter: { phone_number: line } } as never);
    expect(atTelnyx.data.filter((n) => n.phone_number === line)).toEqual([]);
    const after = await placeCall(line);
    expect(heard(after)).not.toContain('Hello from the shop.');
    expect(heard(after)).toContain('not in service');
    expect((await call(s, 'GET', '/api/numbers')).body.numbers.find((n: any) => n.e164 === line).status).toBe('released');
    expect((await call(s, 'POST', '/api/messages', { from: line, to: CUSTOMER, text: 'hi' })).body.error.path).toEqual(['from']);
  });

  it("charges each held number's fee once per month; a number released last month is not charged", async () => {
    const kept = await buyNumber(s, '415');
    clock = new Date('2026-12-03T12:00:00Z');
    const dec = (await call(s, 'GET', '/api/usage?month=2026-12')).body;
    await call(s, 'GET', '/api/usage/statement?month=2026-12');
    const fees = dec.entries.filter((e: any) => e.kind === 'number_local_month');
    expect(fees.map((e: any) => e.detail)).toEqual([kept]);
    expect((await call(s, 'GET', '/api/usage?month=2026-12')).body.entries.filter((e: any) => e.kind === 'number_local_month')).toHaveLength(1);
    expect((await call(s, 'GET', '/api/usage?month=2027-01')).body.entries).toEqual([]);
  });
});
