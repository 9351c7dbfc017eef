import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, inboundSms, sendEvent, until } from './harness.js';

let s: Stack;
let ours: string;
const CUSTOMER = '+13125550199';
beforeAll(async () => { s = await businessStack(); ours = await buyNumber(s, '312'); });
afterAll(async () => { await s.close(); });

const sandboxSent = async () => ((await (await fetch(`${s.url}/sandbox/messages`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { data: any[] }).data;

describe('SMS/MMS over HTTP against the sandbox', () => {
  it('checks E.164 and the sender, with the field path', async () => {
    const bad = await call(s, 'POST', '/api/messages', { from: ours, to: '555-1234', text: 'hi' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual(['to']);
    const notOurs = await call(s, 'POST', '/api/messages', { from: '+13125550000', to: CUSTOMER, text: 'hi' });
    expect(notOurs.status).toBe(400);
    expect(notOurs.body.error.path).toEqual(['from']);
    const empty = await call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER });
    expect(empty.body.error.path).toEqual(['text']);
  });

  it('counts segments (GSM-7 153 per part, UCS-2 67) and sends media URLs as MMS', async () => {
    const long = await call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER, text: 'a'.repeat(161) });
    expect(long.status).toBe(201);
    expect(long.body.message).toMatchObject({ segments: 2, encoding: 'GSM-7', direction: 'outbound' });
    const emoji = await call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER, text: `${'é'.repeat(10)}😀${'x'.repeat(60)}` });
    expect(emoji.body.message).toMatchObject({ segments: 2, encoding: 'UCS-2' });
    const mms = await call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER, text: 'pic', mediaUrls: ['https://example.com/a.jpg'] });
    expect(mms.status).toBe(201);
    const atTelnyx = (await sandboxSent()).find((m) => m.id === mms.body.message.telnyxId);
    expect(atTelnyx.type).toBe('MMS');
    expect(atTelnyx.media[0].url).toBe('https://example.com/a.jpg');
    const usage = (await call(s, 'GET', '/api/usage')).body.entries;
    expect(usage.find((e: any) => e.ref === long.body.message.telnyxId)).toMatchObject({ kind: 'sms_out_segment', quantity: 2, micros: 8000 });
    expect(usage.find((e: any) => e.ref === mms.body.message.telnyxId)).toMatchObject({ kind: 'mms_out_message', quantity: 1 });
  });

  it('follows delivery status from webhooks: queued → sent → delivered; a late "sent" does not go back', async () => {
    const sent = await call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER, text: 'Your table is ready' });
    expect(sent.body.message.status).toBe('queued');
    const id = sent.body.message.id;
    const done = await until(async () => { const m = (await call(s, 'GET', `/api/messages/${id}`)).body.message; return m.status === 'delivered' && m; }, 'delivered');
    expect(done.telnyxId).toBe(sent.body.message.telnyxId);
    await sendEvent(s, '/webhooks/messaging', 'message.sent', { id: done.telnyxId, direction: 'outbound', from: { phone_number: ours }, to: [{ phone_number: CUSTOMER, status: 'sent' }] });
    expect((await call(s, 'GET', `/api/messages/${id}`)).body.message.status).toBe('delivered');
  });

  it('stores inbound messages once and threads them into the customer conversation', async () => {
    const inbound = inboundSms(CUSTOMER, ours, 'Can I move my booking?');
    const id = 'evt-inbound-1';
    expect((await sendEvent(s, '/webhooks/messaging', 'message.received', inbound, id)).status).toBe(200);
    await sendEvent(s, '/webhooks/messaging', 'message.received', inbound, id); // Telnyx retry
    await sendEvent(s, '/webhooks/messaging', 'message.received', inbound, 'evt-inbound-1-other-id'); // same message, new event id
    const conv = await call(s, 'GET', `/api/messages/conversations/${encodeURIComponent(CUSTOMER)}`);
    expect(conv.status).toBe(200);
    const received = conv.body.messages.filter((m: any) => m.direction === 'inbound');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ text: 'Can I move my booking?', status: 'received', ourNumber: ours });
    expect(conv.body.messages.some((m: any) => m.direction === 'outbound')).toBe(true);
    const list = (await call(s, 'GET', '/api/messages/conversations')).body.conversations;
    expect(list.find((c: any) => c.customer === CUSTOMER)).toMatchObject({ ourNumber: ours, optedOut: false });
    const numbers = (await call(s, 'GET', '/api/numbers')).body.numbers;
    expect(numbers.find((n: any) => n.e164 === ours).counters.messagesReceived).toBe(1);
  });

  it('honours STOP (next send refused), HELP (help text) and START (sends again)', async () => {
    const who = '+13125550177';
    expect((await call(s, 'POST', '/api/messages', { from: ours, to: who, text: 'Promo' })).status).toBe(201);
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(who, ours, ' stop '));
    const blocked = await call(s, 'POST', '/api/messages', { from: ours, to: who, text: 'Promo 2' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'conflict', path: ['to'], reason: 'opted_out' });
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(who, ours, 'HELP'));
    const replies = (await sandboxSent()).filter((m) => m.to[0].phone_number === who).map((m) => m.text);
    expect(replies.some((t: string) => /unsubscribed/.test(t))).toBe(true);
    expect(replies.some((t: string) => /reply STOP to unsubscribe/i.test(t))).toBe(true);
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(who, ours, 'START'));
    expect((await call(s, 'POST', '/api/messages', { from: ours, to: who, text: 'Welcome back' })).status).toBe(201);
  });

  it('lets only what fits through when sends race for the last of the budget', async () => {
    const spent = (await call(s, 'GET', '/api/usage')).body.totalMicros as number;
    const perMessage = (await call(s, 'GET', '/api/usage/rates')).body.rates.sms_out_segment as number;
    // Room for two one-segment messages (and a little), then six sends at once.
    await s.api('PUT', '/api/usage/budget', { budgetMicros: spent + 2 * perMessage + perMessage / 2 });
    const sends = await Promise.all(Array.from({ length: 6 }, (_, i) => call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER, text: `race ${i}` })));
    expect(sends.map((r) => r.status).sort()).toEqual([201, 201, 402, 402, 402, 402]);
    for (const r of sends.filter((x) => x.status === 402)) expect(r.body.error).toMatchObject({ code: 'budget_exceeded', path: ['budget'] });
    const after = (await call(s, 'GET', '/api/usage')).body.totalMicros as number;
    expect(after).toBe(spent + 2 * perMessage);
    await s.api('PUT', '/api/usage/budget', { budgetMicros: null });
  });

  it('refuses a send past the budget with 402, and shows nothing to another company', async () => {
    const spent = (await call(s, 'GET', '/api/usage')).body.totalMicros as number;
    await s.api('PUT', '/api/usage/budget', { budgetMicros: spent + 1000 });
    const r = await call(s, 'POST', '/api/messages', { from: ours, to: CUSTOMER, text: 'over budget' });
    expect(r.status).toBe(402);
    expect(r.body.error.code).toBe('budget_exceeded');
    await s.api('PUT', '/api/usage/budget', { budgetMicros: null });
    const { apiKey } = await s.app.locals.ctx.store.createCompany('Other');
    expect((await call(s, 'GET', '/api/messages', undefined, apiKey)).body.messages).toEqual([]);
    const any = (await call(s, 'GET', '/api/messages')).body.messages[0].id;
    expect((await call(s, 'GET', `/api/messages/${any}`, undefined, apiKey)).status).toBe(404);
  });
});
