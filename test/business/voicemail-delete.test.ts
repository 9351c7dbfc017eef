/**
 * Deleting a voicemail deletes what the caller said: afterwards its audio and its
 * transcription are nowhere this server keeps them. Not in the inbox, not behind the
 * audio URL or the call log's recording link (404), not in the call's webhook log or
 * its fixture export, not in the notification SMS the server logged, and not in the
 * database file's bytes. A late Telnyx callback for the recording puts nothing back.
 * The line is the harness's voicemailFlow (say, then a transcribed voicemail in "sales").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, sendEvent, until, voicemailFlow } from './harness.js';

const flow = voicemailFlow('vm-del');

const OWNER = '+13125550123';
const CALLER = '+13125550147';
const SECRET = { texml: 'My card number is four four one two, call me back', 'call-control': 'The door code is nine nine seven one' };
let s: Stack, line = '', dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-vmdel-'));
  s = await businessStack({ dbFile: join(dir, 'callflow.db') });
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/vm-del/publish');
  line = await buyNumber(s, '617', { flowId: 'vm-del' });
  await s.api('PUT', '/api/voicemails/mailboxes/sales', { name: 'Sales', notifySms: OWNER });
});
afterAll(async () => { await s.close(); rmSync(dir, { recursive: true, force: true }); });

const placeCall = async (body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;

/** Every way `text` could sit in a stored body: as is, form-decoded, JSON-decoded. */
const mentions = (raw: string, text: string) => {
  let form = raw;
  try { form = decodeURIComponent(raw.replace(/\+/g, ' ')); } catch { /* not form-encoded */ }
  return raw.includes(text) || form.includes(text) || raw.includes(JSON.stringify(text).slice(1, -1));
};

/** Places a call that leaves `secret`, waits for its voicemail (transcribed, owner told); checks it is all there before the delete. */
async function leaveVoicemail(mode: 'texml' | 'call-control') {
  await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode });
  const secret = SECRET[mode];
  const t = await placeCall({ to: line, from: CALLER, speech: [secret] });
  const vm = await until(async () => (await call(s, 'GET', '/api/voicemails')).body.voicemails.find((v: any) => v.callId === t.callId && v.transcription && v.audioId && v.notifiedAt), `${mode} voicemail`);
  const c = await until(async () => { const r = (await call(s, 'GET', `/api/calls/${encodeURIComponent(t.callId)}`)).body; return r.call?.recordingUrl?.startsWith('/api/') ? r : undefined; }, 'call log recording link');
  expect((await call(s, 'GET', vm.audioUrl)).status).toBe(200);
  expect((await call(s, 'GET', c.call.recordingUrl)).status).toBe(200);
  expect(c.webhooks.some((w: any) => mentions(w.rawBody, secret))).toBe(true);
  const sms = await until(async () => (await call(s, 'GET', '/api/messages')).body.messages?.find((m: any) => m.text?.includes(secret)), 'notification SMS logged');
  return { vm, callId: t.callId as string, recordingUrl: c.call.recordingUrl as string, secret, sms: { telnyxId: sms.telnyxId as string, text: sms.text as string } };
}

/** Nothing of `secret` or of the audio is left behind the API. */
async function expectGone(v: Awaited<ReturnType<typeof leaveVoicemail>>) {
  expect((await call(s, 'GET', `/api/voicemails/${v.vm.id}`)).status).toBe(404);
  expect((await call(s, 'GET', v.vm.audioUrl)).status).toBe(404);
  expect((await call(s, 'GET', v.recordingUrl)).status).toBe(404);
  const c = (await call(s, 'GET', `/api/calls/${encodeURIComponent(v.callId)}`)).body;
  expect(c.call.recordingUrl).toBeNull();
  for (const w of c.webhooks) expect(mentions(w.rawBody, v.secret), `webhook ${w.path}`).toBe(false);
  const fx = (await call(s, 'GET', `/api/calls/${encodeURIComponent(v.callId)}/fixture`)).body;
  expect(mentions(String(fx.files['events.jsonl']), v.secret)).toBe(false);
  const msgs = (await call(s, 'GET', '/api/messages')).body.messages as any[];
  expect(msgs.some((m) => m.text?.includes(v.secret))).toBe(false);
  expect(msgs.some((m) => m.to === OWNER || m.customer === OWNER)).toBe(true); // the SMS itself stays in the log, without the words
  expect((await call(s, 'DELETE', `/api/voicemails/${v.vm.id}`)).status).toBe(404); // once
}

describe('deleting a voicemail', () => {
  it('TeXML: audio, transcription and their copies in the call log are gone', async () => {
    const v = await leaveVoicemail('texml');
    expect((await call(s, 'DELETE', `/api/voicemails/${v.vm.id}`)).status).toBe(204);
    await expectGone(v);
  });

  it('Call Control: the same; a transcription Telnyx sends again afterwards is not kept', async () => {
    const v = await leaveVoicemail('call-control');
    expect((await call(s, 'DELETE', `/api/voicemails/${v.vm.id}`)).status).toBe(204);
    await expectGone(v);
    // (The late webhook itself is in the webhook log as received: that is Telnyx's message, logged after it was handled.)
    await sendEvent(s, '/webhooks/call-control', 'call.recording.transcription.saved', { call_control_id: v.callId, transcription_text: 'a late copy', status: 'completed' });
    // Telnyx's delivery receipt for the owner's SMS, arriving after the delete, quotes the words: the log keeps our redacted text.
    expect((await sendEvent(s, '/webhooks/messaging', 'message.finalized', { id: v.sms.telnyxId, text: v.sms.text, from: { phone_number: line }, to: [{ phone_number: OWNER, status: 'delivered' }] })).status).toBe(200);
    // (The database-bytes test below finds the words if this receipt was logged as Telnyx sent it.)
    const store = s.app.locals.ctx.store;
    expect((await store.voicemailsOfCall(v.callId)).map((x) => [x.transcription, x.audioId])).toEqual([[null, null]]);
  });

  it('the database file holds neither the words nor the audio once the server closed', async () => {
    await s.close();
    const bytes = readFileSync(join(dir, 'callflow.db'));
    for (const secret of Object.values(SECRET)) {
      expect(bytes.includes(secret), secret).toBe(false);
      expect(bytes.includes(new URLSearchParams({ t: secret }).toString().slice(2)), secret).toBe(false);
    }
    // The sandbox's MP3: 417-byte frames with the header ff fb 90 c0; two headers 417 bytes apart are its audio.
    const frame = Buffer.alloc(421);
    frame.set([0xff, 0xfb, 0x90, 0xc0]);
    frame.set([0xff, 0xfb, 0x90, 0xc0], 417);
    expect(bytes.includes(frame)).toBe(false);
    s = { close: async () => {} } as Stack; // closed already
  });
});
