import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { createPublicKey, verify } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, sendEvent, until, voicemailFlow } from './harness.js';

/*
 *   hello(say) → vm(voicemail: mailbox "sales", transcribe) ─next→ bye(hangup)
 *                                                           └noRecording→ bye
 */
const flow = voicemailFlow('vm-line');

let s: Stack;
let line: string;
let receiver: Server;
let receiverUrl = '';
const hooks: { raw: string; headers: Record<string, string> }[] = [];
const OWNER = '+13125550123';
const CALLER = '+13125550147';
const MESSAGE = 'Hi this is Bob please call me back about the order';

beforeAll(async () => {
  // The notification receiver below listens on loopback: allowed on purpose (the default refuses it, see test/security/ssrf.test.ts).
  s = await businessStack({ outbound: { allowPrivate: ['127.0.0.1/32'] } });
  const app = express();
  app.post('/hook', express.raw({ type: '*/*' }), (req, res) => { hooks.push({ raw: (req.body as Buffer).toString('utf8'), headers: req.headers as Record<string, string> }); res.send('ok'); });
  receiver = await new Promise((r) => { const x = app.listen(0, '127.0.0.1', () => r(x)); });
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/vm-line/publish');
  line = await buyNumber(s, '617', { flowId: 'vm-line' });
  await s.api('PUT', '/api/voicemails/mailboxes/sales', { name: 'Sales', notifySms: OWNER, webhookUrl: receiverUrl });
});
afterAll(async () => { await s.close(); receiver.closeAllConnections(); await new Promise((r) => receiver.close(r)); });

const placeCall = async (body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;

describe('voicemail: a sandbox call ends as an inbox entry with its transcription and a notification', () => {
  it('TeXML: records, transcribes, keeps the audio, notifies by SMS and by a signed webhook', async () => {
    const t = await placeCall({ to: line, from: CALLER, speech: [MESSAGE] });
    expect(t.transcript.map((e: any) => e.kind)).toContain('recorded');
    const vm = await until(async () => (await call(s, 'GET', '/api/voicemails?mailbox=sales&unread=true')).body.voicemails[0], 'voicemail');
    expect(vm).toMatchObject({ mailbox: 'sales', caller: CALLER, number: line, transcription: MESSAGE, readAt: null });
    expect(vm.seconds).toBeGreaterThan(0);
    const audio = await call(s, 'GET', vm.audioUrl);
    expect(audio.status).toBe(200);
    expect(audio.type).toBe('audio/mpeg');
    expect(audio.body.length).toBeGreaterThan(1000);
    // The notification SMS went out from the line to the mailbox owner, with the transcription.
    const toOwner = async () => ((await (await fetch(`${s.url}/sandbox/messages`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as { data: any[] }).data.filter((m) => m.to[0].phone_number === OWNER);
    const sms = (await until(async () => { const l = await toOwner(); return l.length ? l : undefined; }, 'notification SMS'))!;
    expect(sms).toHaveLength(1);
    expect(sms[0].from.phone_number).toBe(line);
    expect(sms[0].text).toContain(MESSAGE);
    // The signed webhook verifies with the server's published Ed25519 key.
    const hook = (await until(async () => hooks[0], 'notification webhook'))!;
    const { publicKey } = (await call(s, 'GET', '/api/voicemails/webhook-key')).body;
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    const ok = verify(null, Buffer.from(`${hook.headers['callflow-timestamp']}|${hook.raw}`), key, Buffer.from(hook.headers['callflow-signature-ed25519']!, 'base64'));
    expect(ok).toBe(true);
    expect(verify(null, Buffer.from(`${hook.headers['callflow-timestamp']}|${hook.raw} `), key, Buffer.from(hook.headers['callflow-signature-ed25519']!, 'base64'))).toBe(false);
    expect(JSON.parse(hook.raw)).toMatchObject({ event: 'voicemail.created', voicemail: { id: vm.id, transcription: MESSAGE } });
    // Recording and transcription minutes are in the ledger, once.
    const usage = (await call(s, 'GET', '/api/usage')).body.entries;
    expect(usage.filter((e: any) => e.kind === 'recording_minute')).toHaveLength(1);
    expect(usage.filter((e: any) => e.kind === 'transcription_minute')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(hooks).toHaveLength(1);
  });

  it('marks read, filters unread, soft-deletes, and serves nothing to another company', async () => {
    const vm = (await call(s, 'GET', '/api/voicemails')).body.voicemails[0];
    const other = (await s.app.locals.ctx.store.createCompany('Other')).apiKey;
    expect((await call(s, 'GET', vm.audioUrl, undefined, other)).status).toBe(404);
    expect((await call(s, 'GET', `/api/voicemails/${vm.id}`, undefined, other)).status).toBe(404);
    expect((await call(s, 'PATCH', `/api/voicemails/${vm.id}`, { read: 'yes' })).body.error.path).toEqual(['read']);
    expect((await call(s, 'PATCH', `/api/voicemails/${vm.id}`, { read: true })).body.voicemail.readAt).toBeTruthy();
    expect((await call(s, 'GET', '/api/voicemails?unread=true')).body.voicemails).toEqual([]);
    expect((await call(s, 'GET', `/api/voicemails?number=${encodeURIComponent(line)}`)).body.voicemails).toHaveLength(1);
    expect((await call(s, 'DELETE', `/api/voicemails/${vm.id}`)).status).toBe(204);
    expect((await call(s, 'GET', '/api/voicemails')).body.voicemails).toEqual([]);
    expect((await call(s, 'GET', vm.audioUrl)).status).toBe(404);
  });

  it('Call Control: record_start transcribes; the voicemail ends with its transcription and the owner is told once', async () => {
    await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode: 'call-control' });
    const before = hooks.length;
    const t = await placeCall({ to: line, from: CALLER, speech: ['Second message'] });
    expect(t.mode).toBe('call-control');
    const vm = await until(async () => (await call(s, 'GET', '/api/voicemails')).body.voicemails.find((v: any) => v.callId === t.callId && v.notifiedAt), 'cc voicemail');
    // The sandbox sent call.recording.transcription.saved after call.recording.saved, as Telnyx does for record_start with transcription.
    expect(vm).toMatchObject({ mailbox: 'sales', caller: CALLER, transcription: 'Second message' });
    expect((await call(s, 'GET', vm.audioUrl)).status).toBe(200);
    const hook = (await until(async () => hooks[before], 'cc notification'))!;
    expect(JSON.parse(hook.raw)).toMatchObject({ event: 'voicemail.created', voicemail: { id: vm.id, transcription: 'Second message' } });
    const usage = (await call(s, 'GET', '/api/usage')).body.entries;
    expect(usage.filter((e: any) => e.kind === 'transcription_minute')).toHaveLength(2); // the TeXML one and this one
    // A later transcription event (Telnyx may resend) fills the same row and tells nobody again.
    await sendEvent(s, '/webhooks/call-control', 'call.recording.transcription.saved', { call_control_id: t.callId, transcription_text: 'Second message', status: 'completed' });
    expect((await call(s, 'GET', `/api/voicemails/${vm.id}`)).body.voicemail.transcription).toBe('Second message');
    await new Promise((r) => setTimeout(r, 200)); // a second notice would have arrived by now
    expect(hooks.length).toBe(before + 1);
  });

  it('keeps no voicemail when voicemail is switched off for the number', async () => {
    await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode: 'texml', voicemail: false });
    const t = await placeCall({ to: line, from: CALLER, speech: ['Third message'] });
    expect(t.transcript.map((e: any) => e.kind)).toContain('recorded');
    expect((await call(s, 'GET', '/api/voicemails')).body.voicemails.some((v: any) => v.callId === t.callId)).toBe(false);
  });
});
