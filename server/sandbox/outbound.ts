/**
 * An outbound call the app placed, played against its scripted callee (callees.ts): a person, a machine
 * (its greeting, then a beep), no answer or busy. Answering machine detection reports as Telnyx documents:
 * - Call Control (`POST /v2/calls`, `answering_machine_detection`): `call.answered`, then
 *   `call.machine.detection.ended` (`human` / `machine`; premium: `call.machine.premium.detection.ended`
 *   `human_residence` / `machine`) once ~3 s of listening passed, then for a machine, when the mode reports it
 *   (greeting_end, detect_words, premium; detect_beep only when it beeps), `call.machine.greeting.ended`
 *   (`beep_detected` / `ended`; premium: `call.machine.premium.greeting.ended`) when its greeting is over.
 * - TeXML (`MachineDetection`, synchronous): the Url is fetched once detection answered, with `AnsweredBy`:
 *   `human`, or `machine` after ~3 s (Enable: the greeting is still playing), or with DetectMessageEnd once
 *   the greeting ended: `machine_end_beep` / `machine_end_silence`. No answer / busy: no fetch, only the
 *   status callback (`CallStatus` no-answer / busy).
 */
import type { SandboxContext } from './context.js';
import type { CcLeg, Body } from './cc-leg.js';
import type { SimCall } from './sim-call.js';
import type { CalleeScript } from './callees.js';
import { deliver, formBody } from './deliver.js';
import { playTexmlCall } from './texml-player.js';

/** Seconds detection listens before it answers (Telnyx's default total analysis time is 3.5 s). */
export const DETECTION_SECONDS = 3;

/** A machine's greeting, spoken by the callee (it is the callee's side of the transcript). */
function greet(call: SimCall, s: CalleeScript, seconds: number): void {
  call.add('said', `[machine greeting] ${s.greeting}`, seconds);
}

/** The rest of a greeting after detection, and its beep. */
function greetingEnd(call: SimCall, s: CalleeScript): void {
  const rest = Math.max(0, s.greetingSeconds - DETECTION_SECONDS);
  if (rest) call.add('silence', 'the greeting goes on', rest);
  if (s.beep) call.add('said', '[beep]');
}

/** Plays a Call Control outbound leg (no `link_to`) against its callee. */
export async function playOutboundCc(leg: CcLeg, b: Body, s: CalleeScript): Promise<void> {
  const call = leg.call;
  const amd = typeof b.answering_machine_detection === 'string' && b.answering_machine_detection !== 'disabled' ? b.answering_machine_detection : undefined;
  await leg.emit('call.initiated', { direction: 'outgoing', state: 'bridging', start_time: call.startedAt.toISOString() });
  if (s.answeredBy === 'no-answer' || s.answeredBy === 'busy') {
    const timeout = Number(b.timeout_secs ?? 30);
    call.add('ringing', call.to, s.answeredBy === 'no-answer' ? timeout : 2);
    await leg.hangupBy('caller', s.answeredBy === 'busy' ? 'user_busy' : 'timeout', 'caller', s.answeredBy === 'busy' ? 'busy' : 'no answer');
    return;
  }
  call.add('ringing', call.to, 4);
  leg.state = 'answered';
  call.add('connected', s.answeredBy === 'machine' ? `${call.to} (answering machine)` : call.to);
  await leg.emit('call.answered', { state: 'answered', start_time: call.startedAt.toISOString() });
  if (!amd) { if (s.answeredBy === 'machine') greet(call, s, s.greetingSeconds); return; }
  const premium = amd === 'premium';
  const detection = premium ? 'call.machine.premium.detection.ended' : 'call.machine.detection.ended';
  if (s.answeredBy === 'human') {
    call.add('silence', 'answering machine detection listens', DETECTION_SECONDS);
    await leg.emit(detection, { result: premium ? 'human_residence' : 'human' });
    return;
  }
  greet(call, s, DETECTION_SECONDS);
  await leg.emit(detection, { result: 'machine' });
  const reports = amd === 'greeting_end' || amd === 'detect_words' || premium || (amd === 'detect_beep' && s.beep);
  if (!reports) return;
  greetingEnd(call, s);
  await leg.emit(premium ? 'call.machine.premium.greeting.ended' : 'call.machine.greeting.ended', { result: s.beep ? 'beep_detected' : 'ended' });
}

/** The TeXML calls API's request, as the outbound player needs it. */
export interface TexmlDial { url: string; statusUrl?: string; machineDetection?: string; timeout: number }

/** Plays a TeXML outbound call against its callee (see the module comment). */
export async function playOutboundTexml(ctx: SandboxContext, call: SimCall, d: TexmlDial, s: CalleeScript): Promise<void> {
  if (s.answeredBy === 'no-answer' || s.answeredBy === 'busy') {
    call.add('ringing', call.to, s.answeredBy === 'no-answer' ? d.timeout : 2);
    call.end({ by: 'caller', reason: s.answeredBy === 'busy' ? 'busy' : 'no answer' }, { kind: 'hangup', text: s.answeredBy === 'busy' ? `${call.to}: busy` : `${call.to}: no answer` });
    if (d.statusUrl) await statusOnly(ctx, call, d.statusUrl, s.answeredBy);
    return;
  }
  call.add('ringing', call.to, 4);
  call.add('connected', s.answeredBy === 'machine' ? `${call.to} (answering machine)` : call.to);
  const md = d.machineDetection === 'Enable' || d.machineDetection === 'DetectMessageEnd' ? d.machineDetection : undefined;
  let answeredBy: string | undefined;
  if (md && s.answeredBy === 'human') { call.add('silence', 'answering machine detection listens', DETECTION_SECONDS); answeredBy = 'human'; }
  if (s.answeredBy === 'machine') {
    greet(call, s, md ? DETECTION_SECONDS : 0);
    if (md === 'DetectMessageEnd') { greetingEnd(call, s); answeredBy = s.beep ? 'machine_end_beep' : 'machine_end_silence'; }
    else if (md) answeredBy = 'machine';
  }
  await playTexmlCall(ctx, call, d.url, { fields: answeredBy ? { AnsweredBy: answeredBy } : {}, statusUrl: d.statusUrl });
}

/** The one status callback of an outbound TeXML call nobody took (Telnyx's call-progress fields). */
function statusOnly(ctx: SandboxContext, call: SimCall, url: string, outcome: 'no-answer' | 'busy') {
  call.webhooks++;
  const at = new Date(call.startedAt.getTime() + call.t * 1000).toISOString();
  const raw = formBody({
    AccountSid: ctx.accountSid, CallSid: call.id, CallSidLegacy: call.id, From: call.from, To: call.to, ConnectionId: call.connectionId,
    CallStatus: outcome, CallbackSource: 'call-progress-events', SequenceNumber: 2, Timestamp: at, CallInitiatedAt: call.startedAt.toISOString(),
    EndTime: at, CallDuration: 0, HangupCause: outcome === 'busy' ? 'user_busy' : 'timeout', HangupSource: 'callee',
    CallControlId: call.id, CallLegId: call.legId, CallSessionId: call.sessionId, Direction: 'outbound-api',
  });
  return deliver(ctx.delivery, url, 'application/x-www-form-urlencoded', () => raw, true);
}
