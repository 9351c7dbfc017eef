/**
 * The app's outbound calls against scripted callees (POST /sandbox/callees), through the official SDK: what
 * Telnyx reports in each mode for a person, a machine (greeting, beep), nobody answering and a busy line.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIError } from 'telnyx';
import { startBench, type Bench } from '../../test/sandbox/harness.js';

let b: Bench;
const TO = '+13125550188', FROM = '+13125550100';
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; });

const script = (s: Record<string, unknown>) => fetch(`${b.url}/sandbox/callees`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: TO, ...s }) });
const cc = () => b.hooks.filter((h) => h.path === '/webhooks/call-control').map((h) => h.json.data);
const transcript = async (id: string) => ((await (await fetch(`${b.url}/sandbox/calls/${encodeURIComponent(id)}`)).json()) as { transcript: { kind: string; text: string }[] }).transcript;

describe('POST /sandbox/callees', () => {
  it('refuses a bad script with the field\'s path', async () => {
    for (const [body, path] of [[{ to: '555' }, 'to'], [{ answeredBy: 'robot' }, 'answeredBy'], [{ greetingSeconds: 0 }, 'greetingSeconds'], [{ beep: 'yes' }, 'beep'], [{ digits: ['1a'] }, 'digits']] as const) {
      const res = await fetch(`${b.url}/sandbox/callees`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: TO, ...body }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.path).toEqual([path]);
    }
  });
});

describe('Call Control: POST /v2/calls', () => {
  it('a machine: answered, detection says machine, then its greeting ends with the beep (greeting_end)', async () => {
    b.on('/webhooks/call-control', (_h, _req, res) => { res.send('ok'); });
    expect((await script({ answeredBy: 'machine', greetingSeconds: 8 })).status).toBe(201);
    const { data } = await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, from: FROM, to: TO, answering_machine_detection: 'greeting_end' });
    await b.waitFor((h) => h.json?.data?.event_type === 'call.machine.greeting.ended');
    expect(cc().map((e) => e.event_type)).toEqual(['call.initiated', 'call.answered', 'call.machine.detection.ended', 'call.machine.greeting.ended']);
    expect(cc()[2].payload.result).toBe('machine');
    expect(cc()[3].payload.result).toBe('beep_detected');
    await b.client.calls.actions.hangup(data!.call_control_id!, {});
    expect((await transcript(data!.call_control_id!)).map((e) => e.kind)).toEqual(['ringing', 'connected', 'said', 'silence', 'said', 'hangup']);
  });

  it('detect_beep and a machine that does not beep: no greeting event (as Telnyx documents); premium reports its own events', async () => {
    b.on('/webhooks/call-control', (_h, _req, res) => { res.send('ok'); });
    await script({ answeredBy: 'machine', beep: false });
    const quiet = (await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, from: FROM, to: TO, answering_machine_detection: 'detect_beep' })).data!.call_control_id!;
    await b.waitFor((h) => h.json?.data?.event_type === 'call.machine.detection.ended');
    await b.client.calls.actions.hangup(quiet, {});
    await b.waitFor((h) => h.json?.data?.event_type === 'call.hangup');
    expect(cc().map((e) => e.event_type)).not.toContain('call.machine.greeting.ended');
    b.hooks.length = 0;
    await script({ answeredBy: 'machine' });
    const premium = (await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, from: FROM, to: TO, answering_machine_detection: 'premium' })).data!.call_control_id!;
    await b.waitFor((h) => h.json?.data?.event_type === 'call.machine.premium.greeting.ended');
    expect(cc().map((e) => e.event_type)).toContain('call.machine.premium.detection.ended');
    await b.client.calls.actions.hangup(premium, {});
    await b.waitFor((h) => h.json?.data?.event_type === 'call.hangup' && h.json.data.payload.call_control_id === premium);
  });

  it('no answer: call.hangup timeout after the ring time; busy: user_busy; no call.answered either way', async () => {
    b.on('/webhooks/call-control', (_h, _req, res) => { res.send('ok'); });
    for (const [who, cause] of [['no-answer', 'timeout'], ['busy', 'user_busy']] as const) {
      b.hooks.length = 0;
      await script({ answeredBy: who });
      const id = (await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, from: FROM, to: TO, answering_machine_detection: 'detect', timeout_secs: 20 })).data!.call_control_id!;
      const hangup = await b.waitFor((h) => h.json?.data?.event_type === 'call.hangup' && h.json.data.payload.call_control_id === id);
      expect(hangup.json.data.payload.hangup_cause).toBe(cause);
      expect(cc().filter((e) => e.payload.call_control_id === id).map((e) => e.event_type)).toEqual(['call.initiated', 'call.hangup']);
    }
  });
});

describe('TeXML: the calls API by application', () => {
  it('DetectMessageEnd and a machine: the Url is fetched after the greeting and beep, AnsweredBy machine_end_beep', async () => {
    b.on('/webhooks/reminder', (_h, _req, res) => { res.type('text/xml').send('<Response><Say>Your appointment is tomorrow.</Say></Response>'); });
    await script({ answeredBy: 'machine', greetingSeconds: 6 });
    const res = await b.client.texml.calls.create(b.sandbox.texmlConnectionId, { From: FROM, To: TO, Url: `${b.url}/webhooks/reminder`, MachineDetection: 'DetectMessageEnd', StatusCallback: `${b.url}/webhooks/reminder-status` } as never);
    await b.waitFor((h) => h.path === '/webhooks/reminder-status');
    expect(b.hooks.find((h) => h.path === '/webhooks/reminder')!.form).toMatchObject({ AnsweredBy: 'machine_end_beep', From: FROM, To: TO });
    const t = (await transcript(res.call_sid)).map((e) => `${e.kind}:${e.text}`);
    expect(t.indexOf('said:[beep]')).toBeLessThan(t.indexOf('heard:Your appointment is tomorrow.'));
  });

  it('a person: AnsweredBy human; no detection asked: no AnsweredBy', async () => {
    b.on('/webhooks/reminder', (_h, _req, res) => { res.type('text/xml').send('<Response><Hangup/></Response>'); });
    await script({ answeredBy: 'human' });
    await b.client.texml.calls.create(b.sandbox.texmlConnectionId, { From: FROM, To: TO, Url: `${b.url}/webhooks/reminder`, MachineDetection: 'Enable' } as never);
    expect((await b.waitFor((h) => h.path === '/webhooks/reminder')).form!.AnsweredBy).toBe('human');
    b.hooks.length = 0;
    await b.client.texml.calls.create(b.sandbox.texmlConnectionId, { From: FROM, To: TO, Url: `${b.url}/webhooks/reminder` });
    expect((await b.waitFor((h) => h.path === '/webhooks/reminder')).form!.AnsweredBy).toBeUndefined();
  });

  it('no answer: no Url fetch, one status callback CallStatus no-answer; an unknown application is a 404', async () => {
    b.on('/webhooks/reminder', (_h, _req, res) => { res.type('text/xml').send('<Response><Hangup/></Response>'); });
    b.on('/webhooks/reminder-status', (_h, _req, res) => { res.send(''); });
    await script({ answeredBy: 'no-answer' });
    await b.client.texml.calls.create(b.sandbox.texmlConnectionId, { From: FROM, To: TO, Url: `${b.url}/webhooks/reminder`, StatusCallback: `${b.url}/webhooks/reminder-status` } as never);
    const status = await b.waitFor((h) => h.path === '/webhooks/reminder-status');
    expect(status.form).toMatchObject({ CallStatus: 'no-answer', HangupCause: 'timeout', Direction: 'outbound-api' });
    expect(b.hooks.filter((h) => h.path === '/webhooks/reminder')).toEqual([]);
    try { await b.client.texml.calls.create('999', { From: FROM, To: TO, Url: `${b.url}/webhooks/reminder` }); throw new Error('no'); }
    catch (e) { expect((e as APIError).status).toBe(404); }
  });
});
