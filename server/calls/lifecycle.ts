/**
 * What the business features need from call webhooks, on top of the flow:
 * the call log of outbound legs, minutes and AMD charged at hangup,
 * recordings kept, voicemails announced, team members busy while bridged
 * (Call Control) and available after. All of it comes from what Telnyx
 * reports; what the flow decides (a voicemail's mailbox, the member a dial
 * reached) arrives as the engine's effects instead (server/calls/effects.ts).
 * Every write is idempotent (first value wins, charges once per ref), so a
 * retried webhook changes nothing.
 */
import type { Ctx } from '../deps.js';
import type { CallLogRow, SessionRow } from '../store/types.js';
import { silentRecording, type CcPayload } from '../webhooks/cc-events.js';
import { chargeCall, chargeUnits } from '../billing/ledger.js';
import { keepRecording, recordingKey } from './recordings.js';
import { callEnded, transcribed } from './voicemail.js';
import { serveCallbacks } from './queue.js';

async function ended(ctx: Ctx, callId: string, at: string): Promise<void> {
  const call = await ctx.store.callById(callId);
  if (call) await chargeCall(ctx, call);
  await ctx.store.memberFree(callId, at);
  await callEnded(ctx, callId);
}

/** What a lifecycle handler knows about the event: the call it concerns and its owner's session. */
interface Lifecycle {
  ccid: string; callId: string; call: CallLogRow; owner: SessionRow | undefined; at: string; p: CcPayload & Record<string, any>;
}

const amdResult = async (ctx: Ctx, { callId, call, p }: Lifecycle) => {
  // Premium results (human_residence, human_business, silence, fax_detected, …) are kept as Telnyx names them.
  await ctx.store.patchCallLog(callId, { amdResult: p.result ?? 'not_sure' });
  await chargeUnits(ctx, call.companyId, 'amd_call', callId, 1, 'call');
};
const amdGreeting = async (ctx: Ctx, { callId, p }: Lifecycle) => { await ctx.store.patchCallLog(callId, { amdGreeting: p.result ?? 'not_sure' }); };
const transcription = async (ctx: Ctx, { callId, call, p }: Lifecycle) => {
  const text = p.transcription_text ?? p.transcription_data?.transcript;
  // call.recording.transcription.saved {transcription_text, status}; call.transcription {transcription_data{transcript, is_final}}
  const done = (p.status ?? 'completed') === 'completed' && (p.transcription_data?.is_final ?? true);
  if (typeof text === 'string' && done) await transcribed(ctx, call.companyId, callId, undefined, text);
};

/** The Call Control events the lifecycle acts on, each with its handler: the table is the list (no second list to keep alike). */
const LIFECYCLE: Readonly<Record<string, (ctx: Ctx, l: Lifecycle) => Promise<void>>> = {
  'call.answered': async (ctx, { callId, ccid, at }) => { if (callId === ccid) await ctx.store.patchCallLog(callId, { answeredAt: at }); },
  'call.machine.detection.ended': amdResult,
  'call.machine.premium.detection.ended': amdResult,
  'call.machine.greeting.ended': amdGreeting,
  'call.machine.premium.greeting.ended': amdGreeting,
  'call.bridged': async (ctx, { owner, p }) => { if (owner && p.to) await ctx.store.memberBusy(owner.companyId, p.to, owner.callId); },
  'call.hangup': async (ctx, { callId, ccid, at, p, call }) => {
    if (callId === ccid) {
      await ctx.store.patchCallLog(callId, { endedAt: at, hangupCause: p.hangup_cause, hangupSource: p.hangup_source });
      await ended(ctx, callId, at);
    } else if (await ctx.store.memberFree(callId, at)) {
      // The transfer target hung up: the member is free again, maybe for a caller waiting for a call back (calls/queue.ts).
      await serveCallbacks(ctx, call.companyId);
    }
  },
  'call.recording.saved': async (ctx, { callId, call, p }) => {
    const url = p.recording_urls?.mp3 ?? p.public_recording_urls?.mp3 ?? p.recording_urls?.wav;
    // Nothing said (only the silence timeout): no recording kept, no voicemail, as for TeXML's empty Record.
    if (!url || silentRecording(p, call.endedAt)) return;
    const secs = Math.max(0, Math.round((Date.parse(p.recording_ended_at ?? '') - Date.parse(p.recording_started_at ?? '')) / 1000)) || null;
    const kept = await keepRecording(ctx, call.companyId, callId, url, secs);
    await ctx.store.upsertVoicemail(call.companyId, callId, recordingKey(callId, url), kept.row ? { audioId: kept.row.id } : { audioError: kept.error });
  },
  'call.recording.transcription.saved': transcription,
  'call.transcription': transcription,
};

/** Every Call Control event, after the flow handled it. */
export async function onCallControlEvent(ctx: Ctx, type: string, p: CcPayload & Record<string, any>): Promise<void> {
  // Most events (a gather's or a speak's end) concern no hook: no reads for them (three per event before).
  const handler = Object.prototype.hasOwnProperty.call(LIFECYCLE, type) ? LIFECYCLE[type] : undefined;
  if (!handler) return;
  const ccid = p.call_control_id ?? '';
  const at = ctx.now().toISOString();
  const owner = (ccid ? await ctx.store.getSession(ccid) : undefined) ?? (p.call_session_id ? await ctx.store.sessionByCallSessionId(p.call_session_id) : undefined);
  const callId = (ccid && (await ctx.store.callById(ccid))) ? ccid : owner?.callId;
  if (!callId) return;
  const call = (await ctx.store.callById(callId))!;
  await handler(ctx, { ccid, callId, call, owner, at, p });
}

/**
 * Whether a TeXML recording may be a voicemail's audio: `RecordingSource`
 * RecordVerb (the voicemail node's `<Record>`), or a callback that does not
 * say. A `<Dial record>` recording (DialVerb) of a transfer or round-robin is
 * a call recording: kept on the call log, never in an inbox.
 */
export const voicemailSource = (source: string | undefined): boolean => !source || source === 'RecordVerb';

/** TeXML status callbacks: a completed recording is kept; a finished call is charged and closes the team's state. */
export async function onTexmlStatus(ctx: Ctx, f: Record<string, string>): Promise<void> {
  const callId = f.CallSid;
  const call = callId ? await ctx.store.callById(callId) : undefined;
  if (!call) return;
  if (f.RecordingStatus === 'completed' && f.RecordingUrl) {
    const kept = await keepRecording(ctx, call.companyId, call.callId, f.RecordingUrl, Number(f.RecordingDuration) || null);
    if (voicemailSource(f.RecordingSource)) await ctx.store.upsertVoicemail(call.companyId, call.callId, recordingKey(call.callId, f.RecordingUrl), kept.row ? { audioId: kept.row.id } : { audioError: kept.error });
  }
  if (call.endedAt && f.CallStatus) await ended(ctx, call.callId, call.endedAt);
}

/** TeXML Record transcription callback fields → the voicemail's transcription. */
export async function onTexmlTranscription(ctx: Ctx, f: Record<string, string>): Promise<string | undefined> {
  const call = f.CallSid ? await ctx.store.callById(f.CallSid) : undefined;
  if (!call || !f.TranscriptionText || (f.TranscriptionStatus && f.TranscriptionStatus !== 'completed')) return call?.companyId;
  await transcribed(ctx, call.companyId, call.callId, f.RecordingUrl || undefined, f.TranscriptionText);
  return call.companyId;
}
