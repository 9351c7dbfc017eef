import { ownVerb, ownVerbsVersion } from '../../engine/own-verbs.js';
import type { DialStatus, EngineEvent, KindInstructions } from '../../engine/types.js';
import { waitingVerbs, type WaitingVerb } from '../../engine/verbs.js';

/** The `:step` of an action URL: `<verb>-<node>-<seq>`, `verb` one that waits in TeXML (engine/verbs.ts). */
export interface StepRef { verb: WaitingVerb<'texml'> | keyof KindInstructions; node: string; seq: number }

// From the engine's one table of verbs that wait (and the registered kinds' own ones): a verb that starts waiting
// in TeXML gets its action URLs routed. Built again when a kind registered since adds a verb.
let step: { version: number; re: RegExp } | undefined;
function stepPattern(): RegExp {
  const version = ownVerbsVersion();
  if (step?.version !== version) {
    step = { version, re: new RegExp(`^(${waitingVerbs('texml').map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})-([A-Za-z0-9][A-Za-z0-9_.-]*)-(\\d+)$`) };
  }
  return step.re;
}

/** Parses `gather-menu-3` (`gather-verify.ask-3`: the subflow step `verify/ask`); undefined when it is not one of ours. */
export function parseStep(step: string): StepRef | undefined {
  const m = stepPattern().exec(step);
  // A step of an inlined subflow (`verify/ask`, engine/subflow-expand.ts) is written `verify.ask` in the URL.
  return m ? { verb: m[1] as StepRef['verb'], node: m[2]!.replaceAll('.', '/'), seq: Number(m[3]) } : undefined;
}

/** The content type Telnyx sends TeXML fields in (POST); the only one whose fields we read. */
export const TEXML_FORM = 'application/x-www-form-urlencoded';

/** A TeXML request's fields, or why none of them can be trusted. */
export type TexmlFields = { fields: Record<string, string> } | { refused: string };

/**
 * The fields of a TeXML request, read only from what the signature covers: the raw body of a POST in
 * `application/x-www-form-urlencoded`. Telnyx signs `timestamp|body` and nothing else, so a GET (whose fields
 * ride in the query string; its signed body is empty), a JSON body, or any other type is refused with the
 * reason, and the query string is never read as fields (see {@link urlMarker} for the one marker it may carry).
 */
export function texmlFields(method: string, raw: string, contentType: string | undefined): TexmlFields {
  if (method !== 'POST') return { refused: `a ${method} TeXML request carries its fields in the unsigned query string; set the TeXML application's voice and status callback methods to POST` };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== TEXML_FORM) return { refused: `TeXML fields are read only from a signed ${TEXML_FORM} body (got ${type ? `content-type ${type}` : 'no content-type'})` };
  return { fields: Object.fromEntries(new URLSearchParams(raw)) };
}

/**
 * Our own marker in the URL of the Redirect the renderer puts after Gather / Record (`event=timeout` /
 * `event=empty`). It is unsigned, so it is read apart from the fields and may only pick which of those two
 * events a step means: the call is still the one the signed body's CallSid names, checked against its
 * company, at the step (seq) its path names; nothing else comes from the query.
 */
export function urlMarker(query: Record<string, string>): 'timeout' | 'empty' | undefined {
  return query.event === 'timeout' || query.event === 'empty' ? query.event : undefined;
}

function dialStatus(s: string | undefined): DialStatus {
  switch (s) {
    case 'completed': case 'answered': return 'connected';
    case 'no-answer': return 'no-answer';
    case 'busy': return 'busy';
    default: return 'failed';
  }
}

const num = (s: string | undefined) => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

/**
 * Maps an action callback to the engine event it means: `marker` ({@link urlMarker}) from the Redirect the
 * renderer puts after Gather / Record, else the signed fields. `answered` is the target a leg of this step's
 * simultaneous ring reported answering ({@link isLegAnswered}); a connected dial carries it as `to`, as
 * Call Control's does, so the engine knows the member (`vars.agent`). Without it `to` stays unset. `screened`:
 * the step's dial was screened, so it connected only if a member accepted (`answered` set).
 */
export function actionEvent(ref: StepRef, f: Record<string, string>, marker?: 'timeout' | 'empty', answered?: string, screened = false): EngineEvent {
  if (marker === 'timeout') return { type: 'input.timeout' };
  if (marker === 'empty') return { type: 'recording.empty' };
  // A kind's own waiting verb: the kind says what its action callback means.
  const own = ownVerb(ref.verb);
  if (own) return own.texmlEvent(f);
  if (ref.verb === 'dial' || f.DialCallStatus) {
    const reported = dialStatus(f.DialCallStatus);
    // Screened: connected means someone accepted (recorded as `answered`); a leg that answered and was declined is no answer.
    const status = screened && reported === 'connected' && !answered ? 'no-answer' : reported;
    return { type: 'dial.ended', status, seconds: num(f.DialCallDuration), ...(status === 'connected' && answered ? { to: answered } : {}) };
  }
  if (ref.verb === 'record' || f.RecordingUrl) {
    return f.RecordingUrl ? { type: 'recording.saved', url: f.RecordingUrl, seconds: num(f.RecordingDuration) } : { type: 'recording.empty' };
  }
  if (f.Digits) return { type: 'input.digits', digits: f.Digits };
  if (f.SpeechResult) return { type: 'input.speech', text: f.SpeechResult, ...(f.Confidence ? { confidence: num(f.Confidence) } : {}) };
  return { type: 'input.timeout' };
}

/** Call statuses after which the call is over. */
export const TERMINAL_STATUSES = new Set(['completed', 'no-answer', 'busy', 'failed', 'canceled']);

/**
 * A status callback of a child leg of our Dial (a `<Number>` / `<Sip>` with `statusCallbackEvent="answered"`)
 * saying it answered: it names its parent call (`ParentCallSid`, not its own `CallSid`) and the target (`To`).
 */
export function isLegAnswered(f: Record<string, string>): boolean {
  return !!f.CallSid && !!f.ParentCallSid && f.ParentCallSid !== f.CallSid && !!f.To
    && (f.CallStatus === 'in-progress' || f.CallStatus === 'answered');
}
