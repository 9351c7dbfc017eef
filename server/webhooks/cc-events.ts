import { decodeClientState, RECORD_SILENCE_SECONDS } from '../../engine/call-control.js';
import { ownVerb } from '../../engine/own-verbs.js';
import type { DialStatus, EngineEvent } from '../../engine/types.js';

/** The fields of a Call Control payload the server reads (TELNYX.md §3). */
export interface CcPayload {
  call_control_id?: string; call_leg_id?: string; call_session_id?: string; client_state?: string | null; connection_id?: string;
  direction?: string; from?: string; to?: string; status?: string; digits?: string;
  hangup_cause?: string; hangup_source?: string; result?: string;
  recording_urls?: { mp3?: string; wav?: string }; public_recording_urls?: { mp3?: string; wav?: string };
  recording_started_at?: string; recording_ended_at?: string;
  media_url?: string; status_detail?: string;
  transcription_data?: { transcript?: string; confidence?: number; is_final?: boolean };
}

/**
 * Prompt endings that are not the prompt being heard out: the caller hung up
 * (call.hangup follows) or the app or AMD stopped it. Every other status,
 * the failures included (playback `file_not_found`, `failed`, `unknown`),
 * moves the flow on: waiting for a prompt that never plays is dead air.
 */
const CUT_SHORT = new Set(['call_hangup', 'cancelled', 'cancelled_amd']);

/** Telnyx hangup_cause of a transfer target leg → how the dial ended. */
export function dialStatusOf(cause: string | undefined): DialStatus {
  if (cause === 'timeout' || cause === 'no_answer' || cause === 'originator_cancel') return 'no-answer';
  if (cause === 'user_busy') return 'busy';
  return 'failed';
}

const seconds = (a?: string, b?: string) => {
  const d = (Date.parse(b ?? '') - Date.parse(a ?? '')) / 1000;
  return Number.isFinite(d) && d > 0 ? Math.round(d) : 0;
};

/**
 * A flow's `call.recording.saved` (its client_state is a flow step's: the
 * record_start the engine sent, with its 5 s silence timeout) that holds only
 * the silence that ended it (the caller said nothing): not a message, as
 * TeXML's Record reports none then. Under a second beyond the silence timeout
 * counts as that silence. A recording started through the API is never this,
 * nor one the caller's hang-up ended (`callEndedAt` no later than a second after
 * the recording's end): "Hi, it's Bob" and a hang-up is a short message, not silence.
 */
export function silentRecording(p: Pick<CcPayload, 'recording_started_at' | 'recording_ended_at' | 'client_state'>, callEndedAt?: string | null): boolean {
  if (!p.recording_started_at || !p.recording_ended_at || !decodeClientState(p.client_state)) return false;
  const end = Date.parse(p.recording_ended_at);
  if (callEndedAt && Date.parse(callEndedAt) <= end + 1000) return false;
  const d = (end - Date.parse(p.recording_started_at)) / 1000;
  return Number.isFinite(d) && d < RECORD_SILENCE_SECONDS + 1;
}

/**
 * The engine event a Call Control webhook on OUR leg means, or undefined
 * when it means nothing to the flow (call.initiated, call.answered and a
 * target leg's hangup are handled by the route itself).
 */
export function ccEvent(type: string, p: CcPayload): EngineEvent | undefined {
  // A kind's own instruction (its command's client_state names the verb): the kind says what its webhooks mean.
  const own = decodeClientState(p.client_state)?.own;
  const mapOwn = own ? ownVerb(own)?.ccEvents[type] : undefined;
  if (mapOwn) return mapOwn(p as Readonly<Record<string, unknown>>);
  switch (type) {
    case 'call.speak.ended':
    case 'call.playback.ended':
      return p.status !== undefined && CUT_SHORT.has(p.status) ? undefined : { type: 'prompt.ended' };
    case 'call.transcription': {
      // A speech menu's answer: the final transcript only (interim results are partial guesses).
      const t = p.transcription_data;
      const text = t?.is_final ? t.transcript?.trim() : undefined;
      return text ? { type: 'input.speech', text, ...(typeof t?.confidence === 'number' ? { confidence: t.confidence } : {}) } : undefined;
    }
    case 'call.gather.ended':
      if (p.status === 'call_hangup' || p.status === 'cancelled' || p.status === 'cancelled_amd') return undefined;
      if (p.status === 'timeout' || !p.digits) return { type: 'input.timeout' };
      return { type: 'input.digits', digits: p.digits };
    case 'call.recording.saved': {
      const url = p.recording_urls?.mp3 ?? p.public_recording_urls?.mp3 ?? p.recording_urls?.wav;
      return url && !silentRecording(p) ? { type: 'recording.saved', url, seconds: seconds(p.recording_started_at, p.recording_ended_at) } : { type: 'recording.empty' };
    }
    case 'call.bridged':
      return { type: 'dial.ended', status: 'connected' };
    case 'call.machine.detection.ended':
    case 'call.machine.premium.detection.ended':
      return { type: 'amd.ended', result: p.result ?? 'not_sure' };
    case 'call.machine.greeting.ended':
    case 'call.machine.premium.greeting.ended':
      return { type: 'amd.greeting.ended', result: p.result ?? 'not_sure' };
    case 'call.hangup':
      return { type: 'call.ended', cause: p.hangup_cause };
    default:
      return undefined;
  }
}
