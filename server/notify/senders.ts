/**
 * Sends one outbox row by its channel, rendering it now (render.ts). Throws to fail the attempt: a
 * PermanentFailure when retrying cannot help, any other error to be retried (worker.ts).
 */
import type { Ctx } from '../deps.js';
import { AppError } from '../errors.js';
import type { OutboxRow } from '../store/notify-types.js';
import type { VoicemailRow } from '../store/business-types.js';
import { sendMessage } from '../messaging/send.js';
import { postSignedOnce } from '../messaging/outbound-webhook.js';
import { RefusedTarget } from '../net/guarded-request.js';
import { PermanentFailure } from './failure.js';
import { sendEmail, type Email } from './smtp.js';
import { missedEmail, missedSms, voicemailEmail, voicemailSms } from './render.js';
import type { MissedCall } from './missed.js';
import { isKeptVoicemail } from '../store/call-outcome.js';

/** Attempts an email waits for a recording still downloading before it goes without it. */
const AUDIO_WAIT_ATTEMPTS = 3;

/** Sends `row` (one attempt). */
export async function sendOutboxRow(ctx: Ctx, row: OutboxRow): Promise<void> {
  const zone = (await ctx.store.smtpSettings(row.companyId))?.timezone ?? 'UTC';
  if (row.kind === 'voicemail') return sendVoicemail(ctx, row, zone);
  if (row.kind === 'test') return email(ctx, row, { to: row.target, subject: 'Callflow test email', text: `This is a test email from Callflow (${ctx.publicUrl()}). Your SMTP settings work.` });
  const alert = row.payload.alert as MissedCall;
  // A call that reached a voicemail node may have left a message kept after all: then it is a voicemail (call-outcome.ts).
  if ((await ctx.store.voicemailsOfCall(alert.callId)).some(isKeptVoicemail)) throw new PermanentFailure('not sent: the caller left a voicemail (told as a voicemail instead)');
  if (row.kind === 'text-back') return sms(ctx, row, String(row.payload.from), String(row.payload.text), false);
  if (row.channel === 'sms') return sms(ctx, row, alert.number, missedSms(alert, zone), true);
  if (row.channel === 'email') return email(ctx, row, { to: row.target, ...missedEmail(alert, zone) });
  return webhook(ctx, row, { event: 'call.missed', occurredAt: ctx.now().toISOString(), call: alert });
}

async function sendVoicemail(ctx: Ctx, row: OutboxRow, zone: string): Promise<void> {
  const vm = (await ctx.store.voicemailsOfCall(String(row.payload.callId))).find((v) => v.id === row.ref);
  if (!vm || vm.deletedAt) throw new PermanentFailure('not sent: the voicemail was deleted');
  if (row.channel === 'sms') {
    if (!vm.number) throw new PermanentFailure('not sent: no number to send from');
    return sms(ctx, row, vm.number, voicemailSms(vm), true);
  }
  if (row.channel === 'webhook') {
    return webhook(ctx, row, { event: 'voicemail.created', occurredAt: ctx.now().toISOString(), voicemail: { ...vm, audioUrl: `${ctx.publicUrl()}/api/voicemails/${vm.id}/audio` } });
  }
  return email(ctx, row, await voicemailMessage(ctx, row, vm, zone));
}

/** The voicemail email with the recording attached; a recording still downloading holds it a few attempts. */
async function voicemailMessage(ctx: Ctx, row: OutboxRow, vm: VoicemailRow, zone: string): Promise<Email> {
  const box = vm.mailbox ? await ctx.store.mailbox(vm.companyId, vm.mailbox) : undefined;
  const rec = vm.audioId ? await ctx.store.getRecording(vm.companyId, vm.audioId) : undefined;
  if (!rec && !vm.audioError && row.attempts + 1 < AUDIO_WAIT_ATTEMPTS) throw new Error('the recording is still being downloaded');
  const audio = rec ? 'attached' : vm.audioError ? `unavailable (${vm.audioError})` : 'not available yet: listen in the inbox';
  const ext = rec?.contentType.includes('wav') ? 'wav' : 'mp3';
  const stamp = vm.createdAt.slice(0, 19).replace(/[:T]/g, '-');
  return {
    to: row.target, ...voicemailEmail(vm, box?.name ?? vm.mailbox ?? 'voicemail', zone, audio, `${ctx.publicUrl()}/#/voicemail`),
    ...(rec ? { attachments: [{ filename: `voicemail-${(vm.caller ?? 'unknown').replace(/[^\d+]/g, '')}-${stamp}.${ext}`, content: rec.audio, contentType: rec.contentType }] } : {}),
  };
}

async function email(ctx: Ctx, row: OutboxRow, m: Email): Promise<void> {
  await sendEmail(await ctx.store.smtpSettings(row.companyId), m);
}

async function sms(ctx: Ctx, row: OutboxRow, from: string, text: string, owed: boolean): Promise<void> {
  try {
    // Alerts to the owner are owed (as keyword replies): not refused by the budget. A text-back to a caller is not.
    await sendMessage(ctx, row.companyId, { from, to: row.target, text }, { ignoreBudget: owed });
  } catch (err) {
    // Opted out, over budget, a number no longer ours: the same answer next time.
    if (err instanceof AppError && err.status < 500) throw new PermanentFailure(`not sent: ${err.message}`);
    throw err;
  }
}

async function webhook(ctx: Ctx, row: OutboxRow, event: unknown): Promise<void> {
  let status: number;
  try { status = await postSignedOnce(ctx, row.target, event); } catch (err) {
    if (err instanceof RefusedTarget) throw new PermanentFailure(`refused: ${err.message} (CALLFLOW_ALLOW_PRIVATE_WEBHOOKS allows a private range on purpose)`);
    if (err instanceof TypeError) throw new PermanentFailure(`not a URL: ${row.target}`);
    throw err;
  }
  if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
}
