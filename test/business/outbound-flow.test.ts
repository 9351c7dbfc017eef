/**
 * Outbound calls that run a flow (POST /api/calls with flowId), the real server against the sandbox in both
 * modes, with the sandbox's scripted callees (POST /sandbox/callees): a person who confirms with 1 (vars,
 * SMS receipt), a machine (the message is left after its beep), nobody answering (the call log says so).
 *
 *   who(answeredBy) ─human/unknown→ ask(menu) ─1→ confirmed(setVariable) → receipt(sms) → thanks(say) → bye
 *                  │                          ├2→ newTime(say) → bye
 *                  │                          └timeout/invalid→ message
 *                  └machine→ message(say) → bye
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, sendEvent, until } from './harness.js';

const reminder = JSON.parse(readFileSync(new URL('../../flows/appointment-reminder.json', import.meta.url), 'utf8'));
const PATIENT = '+13125550188';

let s: Stack;
const lines: Record<'texml' | 'call-control', string> = { texml: '', 'call-control': '' };
beforeAll(async () => {
  s = await businessStack();
  expect((await call(s, 'POST', '/api/flows', reminder)).status).toBe(201);
  expect((await call(s, 'POST', '/api/flows/appointment-reminder/publish')).status).toBe(201);
  lines.texml = await buyNumber(s, '312', { mode: 'texml' });
  lines['call-control'] = await buyNumber(s, '512', { mode: 'call-control' });
});
afterAll(async () => { await s.close(); });

const callee = async (script: Record<string, unknown>) => {
  const res = await fetch(`${s.url}/sandbox/callees`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: PATIENT, ...script }) });
  expect(res.status).toBe(201);
};
type Entry = { kind: string; text: string };
const sandboxCall = async (id: string) => (await (await fetch(`${s.url}/sandbox/calls/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { transcript: Entry[]; ended: unknown };
const texts = async () => ((await (await fetch(`${s.url}/sandbox/messages`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { data: any[] }).data;
const logged = async (id: string) => (await call(s, 'GET', `/api/calls/${encodeURIComponent(id)}`)).body.call;

/** Dials the reminder and waits until the sandbox's call and the call log have both ended. */
async function remind(mode: 'texml' | 'call-control', vars: Record<string, string>) {
  const dial = await call(s, 'POST', '/api/calls', { from: lines[mode], to: PATIENT, flowId: 'appointment-reminder', vars });
  expect(dial.status, dial.text).toBe(201);
  expect(dial.body.call).toMatchObject({ direction: 'outbound', mode, from: lines[mode], to: PATIENT, flowId: 'appointment-reminder' });
  const id = dial.body.call.callId as string;
  const heard = await until(async () => { const c = await sandboxCall(id); return c.ended ? c : undefined; }, 'sandbox call ended', 15000);
  const log = await until(async () => { const c = await logged(id); return c?.endedAt && c; }, 'call log ended', 15000);
  return { id, transcript: heard!.transcript, log };
}

describe.each(['texml', 'call-control'] as const)('%s: an appointment reminder', (mode) => {
  it('a person hears it with their vars, presses 1, and gets the SMS receipt', async () => {
    await callee({ answeredBy: 'human', digits: ['1'] });
    const r = await remind(mode, { name: `Ana ${mode}`, when: 'tomorrow at 3 pm' });
    const heard = r.transcript.filter((e) => e.kind === 'heard').map((e) => e.text);
    expect(heard[0]).toContain(`Hello Ana ${mode}, this is`);
    expect(heard[0]).toContain('tomorrow at 3 pm');
    expect(r.transcript).toContainEqual(expect.objectContaining({ kind: 'pressed', text: '1' }));
    expect(heard.at(-1)).toBe('Thank you, see you then. Goodbye.');
    expect(r.log.path).toEqual(expect.arrayContaining(['>who', 'who.human', 'ask.1', 'confirmed.next', 'receipt.next']));
    expect(r.log.answeredAt).toBeTruthy();
    expect(r.log.amdResult).toBe('human');
    const sms = await until(async () => (await texts()).find((m) => m.text?.includes(`Ana ${mode}`)), 'receipt sent');
    expect(sms).toMatchObject({ from: { phone_number: lines[mode] }, to: [expect.objectContaining({ phone_number: PATIENT })] });
    expect(sms.text).toBe(`Thanks Ana ${mode}, your appointment tomorrow at 3 pm is confirmed.`);
  });

  it('a machine gets the message after its greeting and beep', async () => {
    await callee({ answeredBy: 'machine', greeting: 'You reached Ana. Leave a message.', greetingSeconds: 6, beep: true });
    const r = await remind(mode, { name: 'Ana', when: 'on Friday' });
    const kinds = r.transcript.map((e) => `${e.kind}:${e.text}`);
    const beep = kinds.indexOf('said:[beep]');
    const message = kinds.findIndex((k) => k.startsWith('heard:Hello, this is'));
    expect(beep, kinds.join('\n')).toBeGreaterThan(0);
    expect(message, kinds.join('\n')).toBeGreaterThan(beep);
    expect(kinds.filter((k) => k.startsWith('heard:')).join('\n')).not.toContain('Press 1');
    expect(r.log.path).toEqual(expect.arrayContaining(['who.machine', 'message.next']));
    expect(r.log.amdResult).toMatch(/^machine/);
  });

  it('nobody answers: the call log says so and the flow never ran', async () => {
    await callee({ answeredBy: 'no-answer' });
    const r = await remind(mode, { name: 'Ana', when: 'today' });
    expect(r.log).toMatchObject({ answeredAt: null, hangupCause: 'timeout' });
    // No node was entered: only the end of the call is on its path.
    expect(r.log.path).toEqual(['end:caller-hangup']);
    const listed = (await call(s, 'GET', '/api/calls?outcome=no-answer')).body;
    expect(listed.calls.map((c: any) => c.callId)).toContain(r.id);
  });
});

describe.each(['texml', 'call-control'] as const)('%s: calling a number another company holds', (mode) => {
  it('the flow runs: the company check looks at the outbound call\'s own side (its caller ID), not the callee', async () => {
    const other = (await s.app.locals.ctx.store.createCompany(`Other ${mode}`)).apiKey;
    const theirs = await buyNumber(s, mode === 'texml' ? '415' : '646', {}, other);
    await fetch(`${s.url}/sandbox/callees`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: theirs, answeredBy: 'human', digits: ['2'] }) });
    const dial = await call(s, 'POST', '/api/calls', { from: lines[mode], to: theirs, flowId: 'appointment-reminder', vars: { name: 'Bo', when: 'today' } });
    expect(dial.status, dial.text).toBe(201);
    const id = dial.body.call.callId as string;
    const log = await until(async () => { const c = await logged(id); return c?.endedAt && c; }, 'call log ended', 15000);
    expect(log.path).toEqual(expect.arrayContaining(['who.human', 'ask.2', 'newTime.next']));
  });
});

describe('POST /api/calls with a flow: bad input gets a 4xx naming the field', () => {
  const ok = () => ({ from: lines.texml, to: PATIENT, flowId: 'appointment-reminder' });
  it('an unknown flow (or another company\'s) → 400 flowId', async () => {
    const r = await call(s, 'POST', '/api/calls', { ...ok(), flowId: 'no-such-flow' });
    expect(r.status).toBe(400);
    expect(r.body.error.path).toEqual(['flowId']);
  });
  it('a flow with no published version → 400 flowId', async () => {
    expect((await call(s, 'POST', '/api/flows', { ...reminder, id: 'draft-reminder' })).status).toBe(201);
    const r = await call(s, 'POST', '/api/calls', { ...ok(), flowId: 'draft-reminder' });
    expect(r.status).toBe(400);
    expect(r.body.error.path).toEqual(['flowId']);
    expect(r.body.error.message).toContain('no published version');
  });
  it('vars that are not strings → 400 vars.NAME; vars without a flow → 400 vars; a bad name → 400 vars', async () => {
    const n = await call(s, 'POST', '/api/calls', { ...ok(), vars: { name: 3 } });
    expect(n.status).toBe(400);
    expect(n.body.error.path).toEqual(['vars', 'name']);
    const noFlow = await call(s, 'POST', '/api/calls', { from: lines.texml, to: PATIENT, vars: { name: 'Ana' } });
    expect(noFlow.status).toBe(400);
    expect(noFlow.body.error.path).toEqual(['vars']);
    const badName = await call(s, 'POST', '/api/calls', { ...ok(), vars: { 'not a name': 'x' } });
    expect(badName.status).toBe(400);
    expect(badName.body.error.path?.[0]).toBe('vars');
  });
  it('a webhook naming an outbound call we never dialled: TeXML gets the apology (valid TeXML), Call Control is ignored', async () => {
    const form = new URLSearchParams({ AccountSid: 'a', CallSid: 'v3:forged-1', From: lines.texml, To: PATIENT, AnsweredBy: 'human' }).toString();
    const res = await fetch(`${s.url}/webhooks/texml?outbound=00000000-0000-4000-8000-000000000000`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...s.sign(form) }, body: form });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml[^>]*\?><Response><Say[^>]*>We&apos;re sorry/);
    expect(xml).toContain('<Hangup/>');
    expect(await logged('v3:forged-1')).toBeUndefined();
    const cs = Buffer.from(JSON.stringify({ flow: 'out:00000000-0000-4000-8000-000000000000', node: '__outbound', seq: 0 })).toString('base64');
    const answered = await sendEvent(s, '/webhooks/call-control', 'call.answered', { call_control_id: 'v3:forged-2', call_leg_id: 'l', call_session_id: 'x', client_state: cs, from: lines['call-control'], to: PATIENT });
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ ignored: 'unknown call' });
  });
  it('a from number the company does not own → 400 from', async () => {
    const r = await call(s, 'POST', '/api/calls', { ...ok(), from: '+13125550999' });
    expect(r.status).toBe(400);
    expect(r.body.error.path).toEqual(['from']);
  });
});

describe('the budget cap', () => {
  it('a flow call that would pass the month\'s budget is refused (402) before anything is dialled', async () => {
    const before = (await call(s, 'GET', '/api/calls')).body.calls.length;
    expect((await call(s, 'PUT', '/api/usage/budget', { budgetMicros: 0 })).status).toBe(200);
    const r = await call(s, 'POST', '/api/calls', { from: lines['call-control'], to: PATIENT, flowId: 'appointment-reminder' });
    expect(r.status).toBe(402);
    expect(r.body.error.code).toBe('budget_exceeded');
    expect((await call(s, 'GET', '/api/calls')).body.calls.length).toBe(before);
    await call(s, 'PUT', '/api/usage/budget', { budgetMicros: null });
  });
});
