/**
 * SMS-triggered flows end to end: the real server (SQLite, the official SDK) and the sandbox, which signs each
 * `message.received` (POST /sandbox/messages) and records what the server sends (GET /sandbox/messages). The
 * number's SMS flow is flows/sms-keywords.json:
 *
 *   text ─▶ pick(keyword menu) ─hours→ open-now(businessHours) ─open→ hours-open(sms) / ─closed→ hours-closed(sms)
 *                              ─address→ address(MMS)   ─callback→ tell-owner(sms to the owner) → callback-ok(sms)
 *                              ─other→ menu(sms "Reply 1 …") → wait(waitForReply 30 min) ─reply→ pick
 *                                                                                       └timeout→ bye(sms)
 * Timeouts are driven by calling the sweeper with the server's injected clock moved on, never by sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Stack } from '../../server/stack.js';
import { sweepConversations } from '../../server/messaging/conversations.js';
import { businessStack, buyNumber, call, inboundSms, sendEvent, until } from './harness.js';

const FLOW = JSON.parse(readFileSync('flows/sms-keywords.json', 'utf8'));
const OWNER = '+13125550110';
let s: Stack;
let ours: string;
let clock = new Date('2026-11-25T16:00:00Z'); // a Wednesday, 10:00 in Chicago: open
const ctx = () => s.app.locals.ctx;

beforeAll(async () => {
  s = await businessStack({ now: () => clock });
  ours = await buyNumber(s, '312');
  await s.api('POST', '/api/flows', FLOW);
  await s.api('POST', '/api/flows/sms-keywords/publish');
});
afterAll(async () => { await s.close(); });

/** What the server sent through the sandbox to `to`, in order. */
const sentTo = async (to: string) => ((await (await fetch(`${s.url}/sandbox/messages`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { data: any[] }).data
  .filter((m) => m.to[0].phone_number === to);
const textsTo = async (to: string) => (await sentTo(to)).map((m) => m.text as string);
/** A text from `from` to our number, signed by the sandbox as Telnyx would. */
async function text(from: string, body: string, mediaUrls?: string[]) {
  const res = await fetch(`${s.url}/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to: ours, text: body, ...(mediaUrls ? { mediaUrls } : {}) }) });
  expect(((await res.json()) as { delivered: boolean }).delivered).toBe(true);
}
const texter = (n: number) => `+1312555${String(2000 + n)}`;

describe('PUT /api/numbers/:e164 smsFlowId', () => {
  it('routes texts to a published SMS flow; refuses the wrong kind of flow with the field path', async () => {
    const voice = JSON.parse(readFileSync('flows/after-hours.json', 'utf8'));
    await s.api('POST', '/api/flows', voice);
    await s.api('POST', '/api/flows/after-hours/publish');
    const put = (b: unknown) => call(s, 'PUT', `/api/numbers/${encodeURIComponent(ours)}`, b);
    expect((await put({ smsFlowId: 'after-hours' })).body.error).toMatchObject({ code: 'bad_request', path: ['smsFlowId'] });
    expect((await put({ smsFlowId: 'nope' })).status).toBe(404);
    expect((await put({ flowId: 'sms-keywords', mode: 'texml' })).body.error).toMatchObject({ code: 'bad_request', path: ['flowId'] });
    expect((await put({ mode: 'texml' })).body.error.path).toEqual(['mode']);
    expect((await put({})).body.error.path).toEqual(['flowId']);
    const draft = { ...FLOW, id: 'sms-draft' };
    await s.api('POST', '/api/flows', draft);
    expect((await put({ smsFlowId: 'sms-draft' })).body.error).toMatchObject({ path: ['smsFlowId'], message: expect.stringMatching(/publish it first/) });
    expect((await call(s, 'PUT', `/api/numbers/${encodeURIComponent('+13125550000')}`, { smsFlowId: 'sms-keywords' })).body.error.path).toEqual(['e164']);
    const ok = await put({ smsFlowId: 'sms-keywords' });
    expect(ok.status).toBe(200);
    expect(ok.body.number).toMatchObject({ e164: ours, smsFlowId: 'sms-keywords' });
    const listed = (await call(s, 'GET', '/api/numbers')).body.numbers.find((n: any) => n.e164 === ours);
    expect(listed.smsFlowId).toBe('sms-keywords');
  });
});

describe('a text runs the number\'s SMS flow', () => {
  it('HOURS gets the hours at once; the reply is stored in the thread and charged by its segments', async () => {
    const who = texter(1);
    await text(who, 'hours');
    const [reply] = (await until(async () => { const t = await textsTo(who); return t.length ? t : undefined; }, 'the hours reply'))!;
    expect(reply).toBe(`We are open now (Mon-Fri 8-5, Sat 9-12): call us on ${ours}.`);
    const thread = (await call(s, 'GET', `/api/messages/conversations/${encodeURIComponent(who)}`)).body.messages;
    expect(thread.map((m: any) => [m.direction, m.text])).toEqual([['inbound', 'hours'], ['outbound', reply]]);
    const sent = (await sentTo(who))[0];
    const usage = (await call(s, 'GET', '/api/usage')).body.entries;
    expect(usage.find((e: any) => e.ref === sent.id)).toMatchObject({ kind: 'sms_out_segment', quantity: 1 });
  });

  it('anything else gets the menu; "2" then picks the address (an MMS with the map)', async () => {
    const who = texter(2);
    await text(who, 'Hi there, a question');
    await until(async () => (await textsTo(who)).length === 1, 'the menu');
    expect(await textsTo(who)).toEqual(['Thanks for texting Acme Plumbing! Reply 1 for our hours, 2 for our address, 3 and we will call you.']);
    await text(who, '2');
    const out = (await until(async () => { const m = await sentTo(who); return m.length === 2 ? m : undefined; }, 'the address'))!;
    expect(out[1]).toMatchObject({ type: 'MMS', text: 'Acme Plumbing, 1200 W Fulton St, Chicago IL 60607.' });
    expect(out[1].media[0].url).toBe('https://maps.example.com/acme-plumbing.png');
  });

  it('"3" texts the owner with the texter\'s words, then thanks the texter; an MMS in reaches the flow too', async () => {
    const who = texter(3);
    const before = (await textsTo(OWNER)).length;
    await text(who, 'my sink leaks', ['https://cdn.example.com/leak.jpg']);
    await until(async () => (await textsTo(who)).length === 1, 'the menu');
    await text(who, '3');
    await until(async () => (await textsTo(who)).length === 2, 'the thanks');
    expect((await textsTo(who))[1]).toBe('Thanks! Someone from Acme Plumbing will call you shortly.');
    expect((await textsTo(OWNER)).slice(before)).toEqual([`Call back ${who}: they texted "3".`]);
    const thread = (await call(s, 'GET', `/api/messages/conversations/${encodeURIComponent(who)}`)).body.messages;
    expect(thread[0]).toMatchObject({ direction: 'inbound', media: ['https://cdn.example.com/leak.jpg'] });
  });

  it('no reply in time: the sweeper (driven by the injected clock) fires the timeout once, even with two sweeps at once', async () => {
    const who = texter(4);
    await text(who, 'hello');
    await until(async () => (await textsTo(who)).length === 1, 'the menu');
    expect(await sweepConversations(ctx())).toBe(0); // not due yet
    clock = new Date(clock.getTime() + 29 * 60_000);
    expect(await sweepConversations(ctx())).toBe(0);
    clock = new Date(clock.getTime() + 2 * 60_000);
    const fired = await Promise.all([sweepConversations(ctx()), sweepConversations(ctx())]);
    expect(fired[0]! + fired[1]!).toBe(1);
    expect(await textsTo(who)).toEqual([expect.stringMatching(/^Thanks for texting/), 'No problem. Text HOURS, ADDRESS or CALL any time.']);
    expect(await sweepConversations(ctx())).toBe(0);
    // The run is over: the next text starts a new one (and gets an answer of its own).
    await text(who, 'ADDRESS');
    await until(async () => (await textsTo(who)).length === 3, 'a new run');
    const company = (await ctx().store.numberByE164(ours))!.companyId;
    const rows = await ctx().store.conversationsWith(company, who);
    expect(rows.map((r) => [r.status, r.endedReason])).toEqual([['done', 'end-of-flow'], ['done', 'end-of-flow']]);
  });

  it('STOP mid-conversation ends it: the opt-out reply, then nothing more, not even the timeout', async () => {
    const who = texter(5);
    await text(who, 'hello');
    await until(async () => (await textsTo(who)).length === 1, 'the menu');
    await text(who, 'STOP');
    await until(async () => (await textsTo(who)).length === 2, 'the opt-out reply');
    expect((await textsTo(who))[1]).toMatch(/unsubscribed/);
    const company = (await ctx().store.numberByE164(ours))!.companyId;
    expect((await ctx().store.conversationsWith(company, who)).map((r) => [r.status, r.endedReason])).toEqual([['done', 'stopped']]);
    clock = new Date(clock.getTime() + 60 * 60_000);
    expect(await sweepConversations(ctx())).toBe(0);
    await text(who, '1');
    await text(who, 'HOURS');
    expect(await textsTo(who)).toHaveLength(2);
    expect(await ctx().store.conversationsWith(company, who)).toHaveLength(1);
  });

  it('a webhook delivered twice (same event, or the same message under a new event id) sends one reply', async () => {
    const who = texter(6);
    const msg = inboundSms(who, ours, 'HOURS');
    const id = randomUUID();
    expect((await sendEvent(s, '/webhooks/messaging', 'message.received', msg, id)).status).toBe(200);
    expect((await sendEvent(s, '/webhooks/messaging', 'message.received', msg, id)).body).toMatchObject({ duplicate: true });
    expect((await sendEvent(s, '/webhooks/messaging', 'message.received', msg)).status).toBe(200);
    await until(async () => (await textsTo(who)).length >= 1, 'the reply');
    expect(await textsTo(who)).toHaveLength(1);
  });

  it('closed hours answer differently (the flow reads the clock it is given)', async () => {
    clock = new Date('2026-11-29T16:00:00Z'); // Sunday
    const who = texter(7);
    await text(who, 'Open?');
    await until(async () => (await textsTo(who)).length === 1, 'the reply');
    expect((await textsTo(who))[0]).toMatch(/^We are closed right now/);
  });

  it('past the budget cap the flow sends nothing (the send path refuses it) and the conversation still runs', async () => {
    const spent = (await call(s, 'GET', '/api/usage')).body.totalMicros as number;
    await s.api('PUT', '/api/usage/budget', { budgetMicros: spent + 1 });
    const who = texter(9);
    await text(who, 'hello');
    const company = (await ctx().store.numberByE164(ours))!.companyId;
    await until(async () => (await ctx().store.conversationsWith(company, who))[0]?.dueAt, 'the conversation waits');
    expect(await textsTo(who)).toEqual([]);
    await s.api('PUT', '/api/usage/budget', { budgetMicros: null });
    await text(who, '2');
    await until(async () => (await textsTo(who)).length === 1, 'the address once the cap is lifted');
    expect((await textsTo(who))[0]).toMatch(/^Acme Plumbing, 1200/);
  });

  it('a number with its SMS flow cleared only stores texts', async () => {
    expect((await call(s, 'PUT', `/api/numbers/${encodeURIComponent(ours)}`, { smsFlowId: null })).body.number.smsFlowId).toBeNull();
    const who = texter(8);
    await text(who, 'HOURS');
    const thread = await until(async () => (await call(s, 'GET', `/api/messages/conversations/${encodeURIComponent(who)}`)).body.messages, 'stored');
    expect(thread).toHaveLength(1);
    expect(await textsTo(who)).toEqual([]);
    await call(s, 'PUT', `/api/numbers/${encodeURIComponent(ours)}`, { smsFlowId: 'sms-keywords' });
  });
});
