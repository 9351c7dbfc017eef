import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, inboundSms, sendEvent, until } from './harness.js';

/*
 *   menu ─1→ sales(transfer) ─connected→ bye
 *        │                   └noAnswer/busy/failed→ vm(voicemail, transcribe) ─next/noRecording→ bye
 *        └2→ text(sms) → bye        timeout/invalid → bye
 */
const n = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
const flow = {
  format: 'callflow/1', id: 'shop', name: 'Shop', timezone: 'America/Chicago', start: 'menu',
  nodes: [
    n('menu', 'menu', { prompt: { text: 'Press 1 for sales or 2 for a text with our address.' }, options: { 1: 'Sales', 2: 'Address' } }),
    n('sales', 'transfer', { to: '+13125550111' }),
    n('vm', 'voicemail', { greeting: { text: 'Leave a message.' }, transcribe: true }),
    n('text', 'sms', { text: 'We are at 1 Main St.' }),
    n('bye', 'hangup', {}),
  ],
  edges: [
    e('menu', '1', 'sales'), e('menu', '2', 'text'), e('menu', 'timeout', 'bye'), e('menu', 'invalid', 'bye'),
    e('sales', 'connected', 'bye'), e('sales', 'noAnswer', 'vm'), e('sales', 'busy', 'vm'), e('sales', 'failed', 'vm'),
    e('vm', 'next', 'bye'), e('vm', 'noRecording', 'bye'), e('text', 'next', 'bye'),
  ],
};

let s: Stack;
let line: string;
beforeAll(async () => {
  s = await businessStack();
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/shop/publish');
  line = await buyNumber(s, '213', { flowId: 'shop' });
});
afterAll(async () => { await s.close(); });

describe('usage billing', () => {
  it('charges with the default rates, and per-company overrides replace them', async () => {
    const rates = (await call(s, 'GET', '/api/usage/rates')).body;
    expect(rates.rates.sms_out_segment).toBe(rates.defaults.sms_out_segment);
    await s.api('PUT', '/api/usage/rates', { rates: { sms_out_segment: 7_000 } });
    const m = (await call(s, 'POST', '/api/messages', { from: line, to: '+13125550166', text: 'hello' })).body.message;
    const entry = (await call(s, 'GET', '/api/usage')).body.entries.find((x: any) => x.ref === m.telnyxId);
    expect(entry).toMatchObject({ kind: 'sms_out_segment', quantity: 1, micros: 7_000 });
    expect(Number.isInteger(entry.micros)).toBe(true);
    await s.api('PUT', '/api/usage/rates', { rates: { sms_out_segment: null } });
    expect((await call(s, 'GET', '/api/usage/rates')).body.overrides).toEqual({});
    expect((await call(s, 'PUT', '/api/usage/rates', { rates: { sms_out_segment: 1.5 } })).status).toBe(400);
  });

  it('charges inbound minutes from a sandbox call', async () => {
    const t = await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, digits: ['2'] }) })).json() as any;
    // The status callback (which ends the call log) may land just after the sandbox answered.
    const minutes = await until(async () => (await call(s, 'GET', '/api/usage')).body.entries.find((x: any) => x.ref === t.callId && x.kind === 'call_in_minute'), 'inbound minutes');
    expect(minutes.quantity % 6).toBe(0);
    expect(minutes.quantity).toBeGreaterThan(0);
    // The flow's sms node texted the caller: stored and charged like any outbound message.
    expect(t.transcript.some((x: any) => x.kind === 'sms')).toBe(true);
  });

  it('gives a monthly statement as JSON whose lines add up to the ledger, and as CSV', async () => {
    const st = (await call(s, 'GET', '/api/usage/statement')).body.statement;
    expect(st.lines.length).toBeGreaterThan(2);
    expect(st.totalMicros).toBe(st.entries.reduce((t: number, x: any) => t + x.micros, 0));
    expect(st.lines.reduce((t: number, l: any) => t + l.micros, 0)).toBe(st.totalMicros);
    expect(st.lines.find((l: any) => l.kind === 'number_local_month')).toMatchObject({ count: 1, micros: 1_000_000 });
    const csv = await call(s, 'GET', `/api/usage/statement?format=csv&month=${st.month}`);
    expect(csv.type).toContain('text/csv');
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe('date,kind,quantity,unit,ref,detail,micros,usd');
    expect(rows).toHaveLength(st.entries.length + 2);
    expect(rows.at(-1)).toContain(`,${st.totalMicros},`);
    const bad = await call(s, 'GET', '/api/usage/statement?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual(['month']);
  });

  it('estimates the cost of one call along each path of a flow', async () => {
    const r = (await call(s, 'GET', '/api/usage/estimate/shop')).body;
    const key = (p: any) => p.nodes.join('>');
    const paths = new Map(r.paths.map((p: any) => [key(p), p]));
    expect([...paths.keys()].sort()).toEqual(['menu>bye', 'menu>sales>bye', 'menu>sales>vm>bye', 'menu>text>bye'].sort());
    for (const p of r.paths) expect(Object.values(p.breakdown).reduce((a: number, b: any) => a + b, 0)).toBe(p.micros);
    const connected = r.paths.find((p: any) => key(p) === 'menu>sales>bye');
    expect(connected.breakdown.call_out_minute).toBeGreaterThan(0);
    expect(connected.micros).toBeGreaterThan((paths.get('menu>bye') as any).micros);
    const vm = r.paths.find((p: any) => p.ports.join(',') === '1,noAnswer,next');
    expect(vm.breakdown.transcription_minute).toBeGreaterThan(0);
    expect((paths.get('menu>text>bye') as any).breakdown.sms_out_segment).toBe(4_000);
    expect((await call(s, 'GET', '/api/usage/estimate/nope')).status).toBe(404);
  });

  it("does not let a flow's sms node text a caller who replied STOP", async () => {
    const caller = '+13125550155';
    const place = async () => (await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: caller, digits: ['2'] }) })).json()) as any;
    expect((await place()).transcript.some((x: any) => x.kind === 'sms')).toBe(true);
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(caller, line, 'STOP'));
    const t = await place();
    expect(t.transcript.some((x: any) => x.kind === 'sms' && /Main St/.test(x.text))).toBe(false);
  });
});
