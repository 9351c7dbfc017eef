import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, sendEvent, until } from './harness.js';

let s: Stack;
beforeAll(async () => { s = await businessStack(); });
afterAll(async () => { await s.close(); });

describe('numbers: search, purchase, configure, release (HTTP, sandbox)', () => {
  it('searches by area code, features and limit', async () => {
    const r = await call(s, 'GET', '/api/numbers/search?areaCode=415&features=sms,voice&limit=3');
    expect(r.status).toBe(200);
    expect(r.body.numbers).toHaveLength(3);
    for (const n of r.body.numbers) {
      expect(n.phoneNumber).toMatch(/^\+1415\d{7}$/);
      expect(n.features).toEqual(expect.arrayContaining(['sms', 'voice']));
      expect(Number.isInteger(n.monthlyMicros)).toBe(true);
    }
    const bad = await call(s, 'GET', '/api/numbers/search?areaCode=12&features=teleport');
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual(['areaCode']);
  });

  it('keeps a purchased number pending until number_order.complete, then active; charges the month once', async () => {
    const pick = (await call(s, 'GET', '/api/numbers/search?areaCode=512&limit=1')).body.numbers[0].phoneNumber;
    const bought = await call(s, 'POST', '/api/numbers', { phoneNumber: pick });
    expect(bought.status).toBe(202);
    expect(bought.body.number.status).toBe('pending');
    expect(bought.body.order.id).toBeTruthy();
    // Active first (number_order.complete), then its Telnyx id, learned from Telnyx's number list right after.
    const active = await until(async () => (await call(s, 'GET', '/api/numbers')).body.numbers.find((n: any) => n.e164 === pick && n.status === 'active' && n.telnyxId), 'active with its Telnyx id');
    expect(active.telnyxId).toBeTruthy();
    expect(active.counters).toEqual({ callsIn: 0, callsOut: 0, messagesSent: 0, messagesReceived: 0 });
    const usage = await call(s, 'GET', '/api/usage');
    expect(usage.body.entries.filter((e: any) => e.kind === 'number_local_month' && e.detail === pick)).toHaveLength(1);
    const again = await call(s, 'POST', '/api/numbers', { phoneNumber: pick });
    expect(again.status).toBe(409);
  });

  it('configures flow, mode and voicemail; rejects an unknown flow with its path', async () => {
    const num = await buyNumber(s, '206');
    const bad = await call(s, 'PATCH', `/api/numbers/${encodeURIComponent(num)}`, { flowId: 'nope' });
    expect(bad.status).toBe(404);
    expect(bad.body.error.path).toEqual(['flowId']);
    const ok = await call(s, 'PATCH', `/api/numbers/${encodeURIComponent(num)}`, { mode: 'call-control', voicemail: false });
    expect(ok.status).toBe(200);
    expect(ok.body.number).toMatchObject({ mode: 'call-control', voicemail: false });
    const badBody = await call(s, 'PATCH', `/api/numbers/${encodeURIComponent(num)}`, { voicemail: 'yes' });
    expect(badBody.body.error.path).toEqual(['voicemail']);
  });

  it('refuses a purchase that would pass the monthly budget with 402 budget_exceeded', async () => {
    const spent = (await call(s, 'GET', '/api/usage')).body.totalMicros as number;
    await s.api('PUT', '/api/usage/budget', { budgetMicros: spent + 500_000 });
    const pick = (await call(s, 'GET', '/api/numbers/search?areaCode=305&limit=1')).body.numbers[0].phoneNumber;
    const r = await call(s, 'POST', '/api/numbers', { phoneNumber: pick });
    expect(r.status).toBe(402);
    expect(r.body.error).toMatchObject({ code: 'budget_exceeded', path: ['budget'], spentMicros: spent });
    expect((await call(s, 'GET', '/api/numbers')).body.numbers.some((n: any) => n.e164 === pick)).toBe(false);
    await s.api('PUT', '/api/usage/budget', { budgetMicros: null });
  });

  it('acts on number_order.complete once: a retried or repeated event changes nothing', async () => {
    const num = await buyNumber(s, '303');
    const n = (await call(s, 'GET', '/api/numbers')).body.numbers.find((x: any) => x.e164 === num);
    const order = { id: n.orderId, status: 'success', phone_numbers: [{ id: n.telnyxId, phone_number: num, status: 'success' }] };
    const first = await sendEvent(s, '/webhooks/numbers', 'number_order.complete', order, 'order-evt-1');
    expect(first.body).toMatchObject({ ok: true, activated: [] });
    expect((await sendEvent(s, '/webhooks/numbers', 'number_order.complete', order, 'order-evt-1')).body.duplicate).toBe(true);
    const fees = (await call(s, 'GET', '/api/usage')).body.entries.filter((e: any) => e.detail === num && e.kind === 'number_local_month');
    expect(fees).toHaveLength(1);
    const unsigned = await fetch(`${s.url}/webhooks/numbers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { id: 'x', event_type: 'number_order.complete', payload: order } }) });
    expect(unsigned.status).toBe(401);
  });

  it('a failed order leaves its number released, never routed', async () => {
    const store = s.app.locals.ctx.store;
    const company = (await store.companyByKey(s.apiKey))!.id;
    await store.addPendingNumber({ companyId: company, e164: '+13125550999', orderId: 'ord-fail', monthlyMicros: 1, flowId: null, mode: 'texml' });
    const r = await sendEvent(s, '/webhooks/numbers', 'number_order.complete', { id: 'ord-fail', status: 'failure', phone_numbers: [{ phone_number: '+13125550999', status: 'failure' }] });
    expect(r.body.failed).toEqual(['+13125550999']);
    expect((await call(s, 'GET', '/api/numbers')).body.numbers.find((x: any) => x.e164 === '+13125550999').status).toBe('released');
    expect(await store.numberByE164('+13125550999')).toBeUndefined();
  });

  it("keeps companies apart: another company can neither change, release nor buy a company's number", async () => {
    const num = (await call(s, 'GET', '/api/numbers')).body.numbers.find((x: any) => x.status === 'active').e164;
    const other = (await s.app.locals.ctx.store.createCompany('Other')).apiKey;
    expect((await call(s, 'PATCH', `/api/numbers/${encodeURIComponent(num)}`, { voicemail: false }, other)).status).toBe(404);
    expect((await call(s, 'DELETE', `/api/numbers/${encodeURIComponent(num)}`, undefined, other)).status).toBe(404);
    const buy = await call(s, 'POST', '/api/numbers', { phoneNumber: num }, other);
    expect(buy.status).toBe(409);
    expect(buy.body.error.path).toEqual(['phoneNumber']);
    expect((await call(s, 'GET', '/api/numbers', undefined, other)).body.numbers).toEqual([]);
  });
});
