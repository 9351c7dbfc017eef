/**
 * Voicemail: a recording made by a flow's voicemail node becomes an inbox
 * entry (any callback order: recording status, transcription and the
 * node's own event all fill the same row), and the mailbox owner is told
 * once, by SMS and by a signed webhook.
 */
import type { Ctx } from '../deps.js';
import type { VoicemailRow } from '../store/business-types.js';
import { chargeSeconds } from '../billing/ledger.js';
import { sendMessage } from '../messaging/send.js';
import { postSigned } from '../messaging/outbound-webhook.js';
import { recordingKey } from './recordings.js';

/** The mailbox of a voicemail node that names none. */
export const DEFAULT_MAILBOX = 'default';

/** The voicemail node's recording: claims the row for its mailbox; notifies when nothing more is awaited. */
export async function voicemailRecorded(ctx: Ctx, companyId: string, callId: string, url: string, v: { mailbox?: string; transcribe: boolean; seconds: number; from?: string; to?: string }): Promise<VoicemailRow> {
  const vm = await ctx.store.upsertVoicemail(companyId, callId, recordingKey(callId, url), {
    mailbox: v.mailbox ?? DEFAULT_MAILBOX, transcribe: v.transcribe, seconds: v.seconds, caller: v.from, number: v.to,
  });
  await chargeTranscription(ctx, vm);
  if (!v.transcribe || vm.transcription) notifyLater(ctx, vm);
  return vm;
}

/**
 * A transcription arrived (TeXML callback or Call Control event): stored, charged, then the owner is told.
 * Call Control events do not name the recording URL: the call's latest voicemail is meant.
 */
export async function transcribed(ctx: Ctx, companyId: string, callId: string, url: string | undefined, text: string): Promise<void> {
  const key = url ? recordingKey(callId, url) : (await ctx.store.voicemailsOfCall(callId)).at(-1)?.recordingKey;
  if (!key) return;
  const vm = await ctx.store.upsertVoicemail(companyId, callId, key, { transcription: text });
  await chargeTranscription(ctx, vm);
  if (vm.mailbox) notifyLater(ctx, vm);
}

/** Transcription minutes, once both the text and the length are known (callbacks come in any order). */
async function chargeTranscription(ctx: Ctx, vm: VoicemailRow): Promise<void> {
  if (vm.transcription && vm.seconds) await chargeSeconds(ctx, vm.companyId, 'transcription_minute', vm.recordingKey, vm.seconds, vm.callId, 60);
}

/** At the end of the call, voicemails still waiting for a transcription are announced without it. */
export async function callEnded(ctx: Ctx, callId: string): Promise<void> {
  for (const vm of await ctx.store.voicemailsOfCall(callId)) if (vm.mailbox && !vm.notifiedAt) notifyLater(ctx, vm);
}

/**
 * Notifies without holding up the webhook answer (a TeXML caller waits on it;
 * the owner's webhook URL may be slow or down).
 */
export function notifyLater(ctx: Ctx, vm: VoicemailRow): void {
  notify(ctx, vm).catch((err) => ctx.log.error({ err, voicemail: vm.id }, 'voicemail notification failed'));
}

/** Tells the mailbox owner once: SMS to the mailbox's number, signed webhook to its URL. */
export async function notify(ctx: Ctx, vm: VoicemailRow): Promise<void> {
  if (!vm.mailbox || !(await ctx.store.claimVoicemailNotice(vm.id))) return;
  const box = (await ctx.store.mailbox(vm.companyId, vm.mailbox)) ?? (await ctx.store.mailbox(vm.companyId, DEFAULT_MAILBOX));
  if (!box) return;
  const audioUrl = `${ctx.publicUrl()}/api/voicemails/${vm.id}/audio`;
  if (box.notifySms && vm.number) {
    const text = `New voicemail (${vm.mailbox}) from ${vm.caller ?? 'unknown'}, ${Math.round(vm.seconds ?? 0)}s${vm.transcription ? `: "${vm.transcription.slice(0, 300)}"` : ''}`;
    try { await sendMessage(ctx, vm.companyId, { from: vm.number, to: box.notifySms, text }, { ignoreBudget: true }); } catch (err) {
      ctx.log.warn({ err: (err as Error).message, voicemail: vm.id }, 'voicemail SMS notification failed');
    }
  }
  if (box.webhookUrl) {
    await postSigned(ctx, box.webhookUrl, { event: 'voicemail.created', occurredAt: ctx.now().toISOString(), voicemail: { ...vm, audioUrl } });
  }
}
