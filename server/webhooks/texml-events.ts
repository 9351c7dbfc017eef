import type { DialStatus, EngineEvent } from '../../engine/types.js';

/** The `:step` of an action URL: `<verb>-<node>-<seq>`. */
export interface StepRef { verb: 'gather' | 'dial' | 'record'; node: string; seq: number }

/** Parses `gather-menu-3`; undefined when it is not one of ours. */
export function parseStep(step: string): StepRef | undefined {
  const m = /^(gather|dial|record)-([A-Za-z0-9][A-Za-z0-9_-]*)-(\d+)$/.exec(step);
  return m ? { verb: m[1] as StepRef['verb'], node: m[2]!, seq: Number(m[3]) } : undefined;
}

/** Form / JSON / query fields of a TeXML request, flattened to strings. */
export function texmlFields(raw: string, contentType: string | undefined, query: Record<string, string>): Record<string, string> {
  let body: Record<string, string> = {};
  if (raw.trim()) {
    if (contentType?.includes('json')) {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      body = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    } else {
      body = Object.fromEntries(new URLSearchParams(raw));
    }
  }
  return { ...query, ...body };
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
 * Maps an action callback to the engine event it means. `event=timeout` /
 * `event=empty` come from the Redirect the renderer puts after Gather / Record.
 */
export function actionEvent(ref: StepRef, f: Record<string, string>): EngineEvent {
  if (f.event === 'timeout') return { type: 'input.timeout' };
  if (f.event === 'empty') return { type: 'recording.empty' };
  if (ref.verb === 'dial' || f.DialCallStatus) {
    return { type: 'dial.ended', status: dialStatus(f.DialCallStatus), seconds: num(f.DialCallDuration) };
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
