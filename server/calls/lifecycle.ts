/**
 * What the business features need from call webhooks, on top of the flow:
 * the call log of outbound legs, minutes and AMD charged at hangup,
 * recordings kept, voicemails made and announced, team members busy while
 * bridged and available after. Every write is idempotent (first value
 * wins, charges once per ref), so a retried webhook changes nothing.
 */
import type { Ctx } from '../deps.js';
import type { EngineEvent, Snapshot } from '../../engine/types.js';
import type { Flow } from '../../engine/schema.js';
import type { SessionRow } from '../store/types.js';
import { silentRecording, type CcPayload } from '../webhooks/cc-events.js';
import { chargeCall, chargeUnits } from '../billing/ledger.js';
import { keepRecording, recordingKey } from './recordings.js';
import { callEnded, transcribed, voicemailRecorded } from './voicemail.js';

/** Whether {@link afterStep} may act on this event (a step with such an event waits for its commit before it). */
export const afterStepActs = (event: EngineEvent): boolean => event.type === 'dial.ended' || event.type === 'recording.saved';

/**
 * After the engine stepped a session: a voicemail node's recording becomes a
 * voicemail; a TeXML Dial that connected (reported once the conversation is
 * over) stamps the member's lastCallEndedAt.
 */
export async function afterStep(ctx: Ctx, session: SessionRow, flow: Flow, event: EngineEvent, next: Snapshot): Promise<void> {
  if (!session.snapshot || !afterStepActs(event)) return;
  const node = flow.nodes.find((n) => n.id === session.snapshot!.value);
  if (event.type === 'dial.ended' && event.status === 'connected' && session.mode === 'texml') {
    const agent = next.context.vars.agent, to = (node?.data as { to?: string } | undefined)?.to;
    if (agent || to) await ctx.store.memberCallEnded(session.companyId, agent ? { id: agent } : { to }, ctx.now().toISOString());
  }
  if (event.type !== 'recording.saved') return;
  if (node?.type !== 'voicemail') return;
  const call = await ctx.store.callById(session.callId);
  const number = call?.to ? await ctx.store.bizNumber(session.companyId, call.to) : undefined;
  if (number && !number.voicemail) return; // voicemail switched off for this number: nothing kept
  const d = node.data as { mailbox?: string; transcribe?: boolean };
  await voicemailRecorded(ctx, session.companyId, session.callId, event.url, {
    mailbox: d.mailbox, transcribe: !!d.transcribe, seconds: event.seconds, from: call?.from ?? undefined, to: call?.to ?? undefined,
  });
}

async function ended(ctx: Ctx, callId: string, at: string): Promise<void> {
  const call = await ctx.store.callById(callId);
  if (call) await chargeCall(ctx, call);
  await ctx.store.memberFree(callId, at);
  await callEnded(ctx, callId);
}

/** The Call Control events `onCallControlEvent` acts on (its switch's cases, below: keep the two alike). */
const LIFECYCLE_EVENTS = new Set(['call.answered', 'call.machine.detection.ended', 'call.machine.premium.detection.ended',
  'call.machine.greeting.ended', 'call.machine.premium.greeting.ended', 'call.bridged', 'call.hangup', 'call.recording.saved', 'call.recording.transcription.saved', 'call.transcription']);

/** Every Call Control event, after the flow handled it. */
export async function onCallControlEvent(ctx: Ctx, type: string, p: CcPayload & Record<string, any>): Promise<void> {
  // Most events (a gather's or a speak's end) concern no hook: no reads for them (three per event before).
  if (!LIFECYCLE_EVENTS.has(type)) return;
  const ccid = p.call_control_id ?? '';
  const at = ctx.now().toISOString();
  const owner = (ccid ? await ctx.store.getSession(ccid) : undefined) ?? (p.call_session_id ? await ctx.store.sessionByCallSessionId(p.call_session_id) : undefined);
  const callId = (ccid && (await ctx.store.callById(ccid))) ? ccid : owner?.callId;
  if (!callId) return;
  const call = (await ctx.store.callById(callId))!;
  switch (type) {
    case 'call.answered': if (callId === ccid) await ctx.store.patchCallLog(callId, { answeredAt: at }); return;
    case 'call.machine.detection.ended': case 'call.machine.premium.detection.ended':
      // Premium results (human_residence, human_business, silence, fax_detected, …) are kept as Telnyx names them.
      await ctx.store.patchCallLog(callId, { amdResult: p.result ?? 'not_sure' });
      await chargeUnits(ctx, call.companyId, 'amd_call', callId, 1, 'call');
      return;
    case 'call.machine.greeting.ended': case 'call.machine.premium.greeting.ended':
      await ctx.store.patchCallLog(callId, { amdGreeting: p.result ?? 'not_sure' });
      return;
    case 'call.bridged': if (owner && p.to) await ctx.store.memberBusy(owner.companyId, p.to, owner.callId); return;
    case 'call.hangup':
      if (callId === ccid) {
        await ctx.store.patchCallLog(callId, { endedAt: at, hangupCause: p.hangup_cause, hangupSource: p.hangup_source });
        await ended(ctx, callId, at);
      } else await ctx.store.memberFree(callId, at); // the transfer target hung up: the member is free again
      return;
    case 'call.recording.saved': {
      const url = p.recording_urls?.mp3 ?? p.public_recording_urls?.mp3 ?? p.recording_urls?.wav;
      // Nothing said (only the silence timeout): no recording kept, no voicemail, as for TeXML's empty Record.
      if (!url || silentRecording(p, call.endedAt)) return;
      const secs = Math.max(0, Math.round((Date.parse(p.recording_ended_at ?? '') - Date.parse(p.recording_started_at ?? '')) / 1000)) || null;
      const kept = await keepRecording(ctx, call.companyId, callId, url, secs);
      await ctx.store.upsertVoicemail(call.companyId, callId, recordingKey(callId, url), kept.row ? { audioId: kept.row.id } : { audioError: kept.error });
      return;
    }
    case 'call.recording.transcription.saved': case 'call.transcription': {
      const text = p.transcription_text ?? p.transcription_data?.transcript;
      // call.recording.transcription.saved {transcription_text, status}; call.transcription {transcription_data{transcript, is_final}}
      const done = (p.status ?? 'completed') === 'completed' && (p.transcription_data?.is_final ?? true);
      if (typeof text === 'string' && done) await transcribed(ctx, call.companyId, callId, undefined, text);
      return;
    }
  }
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
