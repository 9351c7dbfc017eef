/**
 * Voicemail: a recording made by a flow's voicemail node becomes an inbox
 * entry (any callback order: recording status, transcription and the
 * node's own event all fill the same row), and the mailbox owner is told
 * once, by SMS, a signed webhook and email, through the outbox.
 */
import type { Ctx } from '../deps.js';
import type { VoicemailRow } from '../store/business-types.js';
import { chargeSeconds } from '../billing/ledger.js';
import type { OutboxItem } from '../store/notify-types.js';
import { recordingKey } from './recordings.js';

/** The mailbox of a voicemail node that names none. */
export const DEFAULT_MAILBOX = 'default';

/** The voicemail node's recording: claims the row for its mailbox and queues its notice (which waits for a transcription still to come). */
export async function voicemailRecorded(ctx: Ctx, companyId: string, callId: string, url: string, v: { mailbox?: string; transcribe: boolean; seconds: number; from?: string; to?: string }): Promise<VoicemailRow> {
  const vm = await ctx.store.upsertVoicemail(companyId, callId, recordingKey(callId, url), {
    mailbox: v.mailbox ?? DEFAULT_MAILBOX, transcribe: v.transcribe, seconds: v.seconds, caller: v.from, number: v.to,
  });
  await chargeTranscription(ctx, vm);
  await notify(ctx, vm);
  return vm;
}

/**
 * A transcription arrived (TeXML callback or Call Control event): stored, charged, then the owner is told (the
 * notice waiting for it is sent now, with it).
 * Call Control events do not name the recording URL: the call's latest voicemail is meant.
 */
export async function transcribed(ctx: Ctx, companyId: string, callId: string, url: string | undefined, text: string): Promise<void> {
  const key = url ? recordingKey(callId, url) : (await ctx.store.voicemailsOfCall(callId)).at(-1)?.recordingKey;
  if (!key) return;
  const vm = await ctx.store.upsertVoicemail(companyId, callId, key, { transcription: text });
  await chargeTranscription(ctx, vm);
  if (!vm.mailbox) return;
  if (vm.notifiedAt) { if (await ctx.store.releaseOutbox(vm.id, ctx.now().toISOString())) ctx.outbox?.kick(); }
  else await notify(ctx, vm);
}

/** Transcription minutes, once both the text and the length are known (callbacks come in any order). */
async function chargeTranscription(ctx: Ctx, vm: VoicemailRow): Promise<void> {
  if (vm.transcription && vm.seconds) await chargeSeconds(ctx, vm.companyId, 'transcription_minute', vm.recordingKey, vm.seconds, vm.callId, 60);
}

/** At the end of the call, a voicemail not yet announced (none should be: the node's own step does) is, without waiting. */
export async function callEnded(ctx: Ctx, callId: string): Promise<void> {
  for (const vm of await ctx.store.voicemailsOfCall(callId)) if (vm.mailbox && !vm.notifiedAt) await notify(ctx, vm, 0);
}

/**
 * Tells the mailbox owner once: claims the notice and, in the same transaction, writes its notifications to the
 * outbox (an SMS to the mailbox's number, a signed webhook to its URL, an email to each address), which the worker
 * sends after the commit (server/notify/worker.ts). A voicemail whose transcription is still to come waits for it
 * up to `waitMs` (ctx.transcriptionWaitMs; `transcribed` sends it as soon as it arrives), then goes without it.
 */
export async function notify(ctx: Ctx, vm: VoicemailRow, waitMs = vm.transcribe && !vm.transcription ? ctx.transcriptionWaitMs : 0): Promise<void> {
  if (!vm.mailbox || vm.notifiedAt) return;
  const box = (await ctx.store.mailbox(vm.companyId, vm.mailbox)) ?? (await ctx.store.mailbox(vm.companyId, DEFAULT_MAILBOX));
  const base = { companyId: vm.companyId, kind: 'voicemail' as const, ref: vm.id, payload: { callId: vm.callId },
    ...(waitMs > 0 ? { notBefore: new Date(ctx.now().getTime() + waitMs).toISOString() } : {}) };
  const items: OutboxItem[] = [];
  if (box?.notifySms && vm.number) items.push({ ...base, channel: 'sms', target: box.notifySms });
  if (box?.webhookUrl) items.push({ ...base, channel: 'webhook', target: box.webhookUrl });
  for (const to of box?.email ?? []) items.push({ ...base, channel: 'email', target: to });
  if (await ctx.store.claimVoicemailNotice(vm.id, items)) ctx.outbox?.kick();
}
