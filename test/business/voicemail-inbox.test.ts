/**
 * What the console's inbox needs from the API (#14 items 2 and 5): urgent flags, the inbox order (unread first,
 * then newest), delete with undo (trash → hidden at once → restore within the window, else purged by the server
 * even with nobody asking), and unread counts per SMS conversation. The clock is the server's own, moved forward
 * by the test instead of waiting out the undo window.
 *
 *   hello(say) → vm(voicemail: mailbox "sales", transcribe) ─next→ bye(hangup)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Stack } from '../../server/stack.js';
import { UNDO_SECONDS } from '../../server/api/voicemails.js';
import { startVoicemailPurger } from '../../server/calls/voicemail-purge.js';
import { businessStack, buyNumber, call, sendEvent, inboundSms, until, voicemailFlow } from './harness.js';

let s: Stack, line = '';
let skewMs = 0;
const now = () => new Date(Date.now() + skewMs);
const CALLER = '+13125550147';

const placeCall = async (speech: string) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: CALLER, speech: [speech] }) })).json();
const inbox = async (q = '') => (await call(s, 'GET', `/api/voicemails${q}`)).body.voicemails as Array<{ id: string; transcription: string; readAt: string | null; urgent: boolean; audioUrl: string }>;
async function leave(text: string) {
  await placeCall(text);
  const v = (await until(async () => (await inbox()).find((x) => x.transcription === text), `voicemail "${text}"`))!;
  callOf.set(v.id, (await store().getVoicemail(await company(), v.id))!.callId);
  return v;
}
const store = () => s.app.locals.ctx.store;
/** The stack's company (the only one). */
const company = async () => (await store().listCompanies()).at(-1)!.id;
const callOf = new Map<string, string>();

beforeAll(async () => {
  s = await businessStack({ now });
  await s.api('POST', '/api/flows', voicemailFlow('vm-inbox'));
  await s.api('POST', '/api/flows/vm-inbox/publish');
  line = await buyNumber(s, '617', { flowId: 'vm-inbox' });
});
afterAll(async () => { await s.close(); });

describe('the voicemail inbox API', () => {
  it('flags urgent, refuses an empty or mistyped patch, and sorts unread first then newest', async () => {
    const a = await leave('first message');
    const b = await leave('second message');
    const c = await leave('third message');
    expect((await call(s, 'PATCH', `/api/voicemails/${a.id}`, { urgent: true })).body.voicemail).toMatchObject({ urgent: true, readAt: null });
    expect((await call(s, 'PATCH', `/api/voicemails/${a.id}`, {})).body.error.path).toEqual(['read']);
    expect((await call(s, 'PATCH', `/api/voicemails/${a.id}`, { urgent: 'yes' })).body.error.path).toEqual(['urgent']);
    await call(s, 'PATCH', `/api/voicemails/${c.id}`, { read: true });
    expect((await inbox()).map((v) => v.transcription)).toEqual(['third message', 'second message', 'first message']);
    expect((await inbox('?sort=unread')).map((v) => v.transcription)).toEqual(['second message', 'first message', 'third message']);
    // The limit keeps the unread ones when the inbox order is asked for.
    expect((await inbox('?sort=unread&limit=2')).map((v) => v.transcription)).toEqual(['second message', 'first message']);
    expect((await call(s, 'GET', '/api/voicemails?sort=oldest')).body.error.path).toEqual(['sort']);
    expect(b.urgent).toBe(false);
  });

  it('delete with undo: hidden at once, restored within the window, with its audio', async () => {
    const v = await leave('keep me please');
    const t = (await call(s, 'POST', `/api/voicemails/${v.id}/trash`)).body;
    expect(t.undoSeconds).toBe(UNDO_SECONDS);
    expect(Date.parse(t.purgeAt) - now().getTime()).toBeGreaterThan((UNDO_SECONDS - 2) * 1000);
    expect((await inbox()).map((x) => x.id)).not.toContain(v.id);
    expect((await call(s, 'GET', `/api/voicemails/${v.id}`)).status).toBe(404);
    expect((await call(s, 'GET', v.audioUrl)).status).toBe(404);
    expect((await call(s, 'PATCH', `/api/voicemails/${v.id}`, { read: true })).status).toBe(404);
    expect((await call(s, 'POST', `/api/voicemails/${v.id}/trash`)).status).toBe(404); // trashed once
    skewMs += (UNDO_SECONDS - 3) * 1000; // still inside the window
    expect((await call(s, 'POST', `/api/voicemails/${v.id}/restore`)).body.voicemail).toMatchObject({ id: v.id, purgeAt: null, transcription: 'keep me please' });
    expect((await inbox()).map((x) => x.id)).toContain(v.id);
    expect((await call(s, 'GET', v.audioUrl)).status).toBe(200);
    expect((await call(s, 'POST', `/api/voicemails/${v.id}/restore`)).status).toBe(404); // not in the trash
  });

  it('delete without undo: purged once the window passed, and a late undo says it is gone', async () => {
    const v = await leave('forget me now');
    const audioId = (await store().getVoicemail(await company(), v.id))!.audioId!;
    await call(s, 'POST', `/api/voicemails/${v.id}/trash`);
    skewMs += (UNDO_SECONDS + 1) * 1000;
    const late = await call(s, 'POST', `/api/voicemails/${v.id}/restore`);
    expect(late.status).toBe(404);
    expect(late.body.error.message).toMatch(/undo window passed/);
    // Purged as DELETE purges: the audio and the transcription are gone, the row is marked deleted.
    expect(await store().getRecording(await company(), audioId)).toBeUndefined();
    const [row] = (await store().voicemailsOfCall(callOf.get(v.id)!)).filter((x) => x.id === v.id);
    expect(row).toMatchObject({ transcription: null, audioId: null });
    expect(row!.deletedAt).toBeTruthy();
  });

  it('the sweeper purges a due voicemail with no request at all', async () => {
    const v = await leave('sweep me away');
    const audioId = (await store().getVoicemail(await company(), v.id))!.audioId!;
    await call(s, 'POST', `/api/voicemails/${v.id}/trash`);
    skewMs += (UNDO_SECONDS + 1) * 1000;
    const stop = startVoicemailPurger(store(), pino({ level: 'silent' }), 20);
    try {
      await until(async () => !(await store().getRecording(await company(), audioId)), 'the sweeper purged the audio');
    } finally { stop(); }
    const [row] = (await store().voicemailsOfCall(callOf.get(v.id)!)).filter((x) => x.id === v.id);
    expect(row!.deletedAt).toBeTruthy();
  });
});

describe('SMS conversations: unread counts', () => {
  it('counts inbound messages nobody opened, and opening the conversation clears them', async () => {
    const them = '+13125550188';
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(them, line, 'are you open today?'));
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(them, line, 'hello?'));
    const conv = async () => (await call(s, 'GET', '/api/messages/conversations')).body.conversations.find((c: { customer: string }) => c.customer === them);
    expect((await until(async () => ((await conv())?.count === 2 ? conv() : undefined), 'two inbound'))).toMatchObject({ unread: 2, optedOut: false });
    expect((await call(s, 'POST', `/api/messages/conversations/${encodeURIComponent(them)}/read`)).body).toEqual({ customer: them, marked: 2 });
    expect((await conv()).unread).toBe(0);
    await call(s, 'POST', '/api/messages', { from: line, to: them, text: 'Yes, until 9' });
    expect((await conv()).unread).toBe(0); // our own reply is never unread
    await sendEvent(s, '/webhooks/messaging', 'message.received', inboundSms(them, line, 'thanks'));
    expect((await until(async () => ((await conv())?.unread === 1 ? conv() : undefined), 'one new'))).toMatchObject({ unread: 1 });
    expect((await call(s, 'POST', '/api/messages/conversations/12345/read')).status).toBe(400);
    expect((await call(s, 'POST', `/api/messages/conversations/${encodeURIComponent('+13125550100')}/read`)).status).toBe(404); // no such conversation
  });
});
