import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { createPublicKey, verify } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stack } from '../../server/stack.js';
import { e, n } from '../server/harness.js';
import { businessStack, buyNumber, call, until } from './harness.js';
import { parseMime, startSmtp, type TestSmtp } from './smtp.js';

/*
 *   menu(1: sales) ─1→ desk(transfer +13125550199) ─connected→ bye(hangup)
 *        │                                          ├noAnswer / busy / failed→ sorry(say) → bye
 *        └timeout / invalid→ bye
 */
const flow = {
  format: 'callflow/1', id: 'front-desk', name: 'Front desk', timezone: 'America/Chicago', start: 'menu',
  nodes: [
    n('menu', 'menu', { prompt: { text: 'Press 1 for sales.' }, options: { 1: 'sales' }, timeoutSeconds: 5, maxRetries: 0 }),
    n('desk', 'transfer', { to: '+13125550199', ringSeconds: 10 }),
    n('sorry', 'say', { text: 'Nobody could answer. We will call you back.' }),
    n('bye', 'hangup', {}),
  ],
  edges: [e('menu', '1', 'desk'), e('menu', 'timeout', 'bye'), e('menu', 'invalid', 'bye'), e('desk', 'connected', 'bye'),
    e('desk', 'noAnswer', 'sorry'), e('desk', 'busy', 'sorry'), e('desk', 'failed', 'sorry'), e('sorry', 'next', 'bye')],
};

const OWNER = '+13125550123';
let s: Stack, smtp: TestSmtp, receiver: Server, hookUrl = '';
const hooks: { raw: string; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  smtp = await startSmtp();
  s = await businessStack({ outbound: { allowPrivate: ['127.0.0.1/32'] } });
  const app = express();
  app.post('/hook', express.raw({ type: '*/*' }), (req, res) => { hooks.push({ raw: (req.body as Buffer).toString('utf8'), headers: req.headers as Record<string, string> }); res.send('ok'); });
  receiver = await new Promise((r) => { const x = app.listen(0, '127.0.0.1', () => r(x)); });
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/front-desk/publish');
  await s.api('PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'alerts@example.com' });
});
afterAll(async () => { await s.close(); await smtp.stop(); receiver.closeAllConnections(); await new Promise((r) => receiver.close(r)); });

/** `until` for a value that must come: the value, never undefined (the wait throws first). */
const got = async <T,>(fn: () => Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> => (await until(fn, what, ms)) as NonNullable<T>;
const placeCall = async (body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
const texts = async () => ((await (await fetch(`${s.url}/sandbox/messages`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { data: any[] }).data;
const textsTo = async (to: string) => (await texts()).filter((m) => m.to[0].phone_number === to);
const rowsOf = async (callId: string) => ((await call(s, 'GET', '/api/notifications/outbox')).body.outbox as any[]).filter((r) => r.ref === callId);

describe.each(['texml', 'call-control'] as const)('missed-call alerts (%s)', (mode) => {
  const caller = mode === 'texml' ? '+13125550147' : '+13125550148';
  const optedOut = mode === 'texml' ? '+13125550157' : '+13125550158';
  let line: string;
  beforeAll(async () => {
    line = await buyNumber(s, mode === 'texml' ? '415' : '646', { flowId: 'front-desk', mode });
    const put = await call(s, 'PUT', `/api/notifications/missed/${encodeURIComponent(line)}`, {
      sms: OWNER, emails: ['owner@example.com'], webhookUrl: hookUrl, textBack: { enabled: true, text: 'Sorry we missed your call, we will call you back.', hours: 12 },
    });
    expect(put.status).toBe(200);
  });

  it('a transfer nobody answered: SMS, email and a signed webhook to the owner, with a call-back link; one text-back to the caller', async () => {
    const smsBefore = (await textsTo(OWNER)).length, hooksBefore = hooks.length, mailsBefore = smtp.received.length;
    const t = await placeCall({ to: line, from: caller, digits: ['1'], callee: ['no-answer'] });
    expect(t.mode).toBe(mode);
    const consoleLink = `${s.url}/#/calls/${encodeURIComponent(t.callId)}`;
    const sms = await got(async () => (await textsTo(OWNER)).slice(smsBefore).find((m) => m.text.includes(caller)), 'owner SMS');
    expect(sms.from.phone_number).toBe(line);
    expect(sms.text).toContain(`Missed call from ${caller} to ${line}`);
    expect(sms.text).toContain('no answer (desk: noAnswer)');
    expect(sms.text).toContain(`tel:${caller}`);
    expect(sms.text).toContain(consoleLink);
    const hook = await got(async () => hooks.slice(hooksBefore).find((h) => h.raw.includes(t.callId)), 'webhook');
    const { publicKey } = (await call(s, 'GET', '/api/voicemails/webhook-key')).body;
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    expect(verify(null, Buffer.from(`${hook.headers['callflow-timestamp']}|${hook.raw}`), key, Buffer.from(hook.headers['callflow-signature-ed25519']!, 'base64'))).toBe(true);
    expect(JSON.parse(hook.raw)).toMatchObject({
      event: 'call.missed', call: { callId: t.callId, caller, number: line, node: 'bye', kind: 'hangup', reason: 'hangup', unanswered: ['desk: noAnswer'], callBack: `tel:${caller}`, consoleUrl: consoleLink },
    });
    const mail = await got(async () => smtp.received.slice(mailsBefore).find((m) => m.raw.includes(caller)), 'email');
    const m = parseMime(mail.raw);
    expect(m.headers.subject).toBe(`Missed call from ${caller} to ${line}`);
    expect(m.body.toString('utf8')).toContain(`Call back:     tel:${caller}`);
    const back = await got(async () => { const l = await textsTo(caller); return l.length ? l : undefined; }, 'text-back');
    expect(back).toHaveLength(1);
    expect(back[0].from.phone_number).toBe(line);
    expect(back[0].text).toBe('Sorry we missed your call, we will call you back.');
    expect((await rowsOf(t.callId)).map((r) => `${r.kind}/${r.channel}`).sort()).toEqual(['missed-call/email', 'missed-call/sms', 'missed-call/webhook', 'text-back/sms']);
  });

  it('the same caller again within the window: the owner is told again, the caller gets no second text-back', async () => {
    const smsBefore = (await textsTo(OWNER)).length;
    const t = await placeCall({ to: line, from: caller, digits: ['1'], callee: ['busy'] });
    await got(async () => (await textsTo(OWNER)).length > smsBefore, 'second owner SMS');
    await got(async () => (await rowsOf(t.callId)).every((r) => r.state === 'sent') && (await rowsOf(t.callId)).length === 3, 'alerts sent');
    expect((await rowsOf(t.callId)).some((r) => r.kind === 'text-back')).toBe(false);
    expect(await textsTo(caller)).toHaveLength(1);
  });

  it('the caller hangs up in the menu: missed, "caller hung up in menu"', async () => {
    const t = await placeCall({ to: line, from: caller, hangupAfterSeconds: 1 });
    const rows = await got(async () => { const r = await rowsOf(t.callId); return r.length ? r : undefined; }, 'alert rows');
    expect(rows[0].payload.alert).toMatchObject({ node: 'menu', kind: 'menu', reason: 'caller-hangup', unanswered: [] });
    const sms = await got(async () => (await textsTo(OWNER)).find((m) => m.text.includes('caller hung up in menu "menu"')), 'menu SMS');
    expect(sms).toBeTruthy();
  });

  it('answered and bridged: no alert', async () => {
    const t = await placeCall({ to: line, from: caller, digits: ['1'], callee: ['answer'] });
    expect(t.ended).toBeTruthy();
    const c = (await call(s, 'GET', `/api/calls/${encodeURIComponent(t.callId)}`)).body.call;
    expect(c.path).toContain('desk.connected');
    expect(c.endedAt).toBeTruthy();
    expect(await rowsOf(t.callId)).toEqual([]);
  });

  it('past the budget cap the text-back is not sent (failed, with the reason); the owner is still told', async () => {
    const broke = mode === 'texml' ? '+13125550167' : '+13125550168';
    await s.api('PUT', '/api/usage/budget', { budgetMicros: 0 });
    try {
      const t = await placeCall({ to: line, from: broke, digits: ['1'], callee: ['no-answer'] });
      const back = await got(async () => (await rowsOf(t.callId)).find((r) => r.kind === 'text-back' && r.state === 'failed'), 'text-back refused');
      expect(back.lastError).toMatch(/budget/i);
      await got(async () => (await rowsOf(t.callId)).filter((r) => r.kind === 'missed-call' && r.state === 'sent').length === 3, 'owner alerts sent');
      expect(await textsTo(broke)).toEqual([]);
    } finally { await s.api('PUT', '/api/usage/budget', { budgetMicros: null }); }
  });

  it('an opted-out caller gets no text-back (the owner is still told)', async () => {
    await fetch(`${s.url}/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: optedOut, to: line, text: 'STOP' }) });
    await got(async () => (await call(s, 'GET', '/api/messages/conversations')).body.conversations?.find((c: any) => c.customer === optedOut && c.optedOut), 'opt-out');
    const t = await placeCall({ to: line, from: optedOut, digits: ['1'], callee: ['no-answer'] });
    await got(async () => { const r = await rowsOf(t.callId); return r.length === 3 && r.every((x) => x.state === 'sent'); }, 'owner alerts');
    expect((await rowsOf(t.callId)).some((r) => r.kind === 'text-back')).toBe(false);
    // Only the STOP confirmation went to them, no text-back.
    expect((await textsTo(optedOut)).filter((m) => m.text.includes('missed'))).toEqual([]);
  });
});

describe('missed-call settings API', () => {
  it('validates with field paths, refuses a private webhook address and a number of another company', async () => {
    const line = (await call(s, 'GET', '/api/numbers')).body.numbers[0].e164;
    const path = `/api/notifications/missed/${encodeURIComponent(line)}`;
    expect((await call(s, 'PUT', path, { emails: ['not-an-address'] })).body.error.path).toEqual(['emails', 0]);
    expect((await call(s, 'PUT', path, { sms: '555' })).body.error.path).toEqual(['sms']);
    expect((await call(s, 'PUT', path, { webhookUrl: 'http://10.0.0.5/hook' })).body.error.path).toEqual(['webhookUrl']);
    expect((await call(s, 'PUT', path, { textBack: { enabled: true, text: ' ' } })).body.error.path).toEqual(['textBack', 'text']);
    expect((await call(s, 'PUT', '/api/notifications/missed/%2B19995550100', { sms: OWNER })).status).toBe(404);
    const other = (await s.app.locals.ctx.store.createCompany('Other')).apiKey;
    expect((await call(s, 'GET', path, undefined, other)).status).toBe(404);
    expect((await call(s, 'GET', path)).body).toMatchObject({ e164: line, sms: OWNER, emails: ['owner@example.com'] });
  });
});
