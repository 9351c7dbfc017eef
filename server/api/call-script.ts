import type { EngineEvent } from '../../engine/types.js';
import { decodeClientState } from '../../engine/call-control.js';
import type { StepEnv, WebhookRow } from '../store/types.js';
import { actionEvent, parseStep, TERMINAL_STATUSES, urlMarker } from '../webhooks/texml-events.js';
import { ccEvent, type CcPayload } from '../webhooks/cc-events.js';
import { stepKeyOf } from './call-timeline.js';

/**
 * One thing that happened to a recorded call, as the engine saw it: the event, when it arrived, the step it
 * answered (`seq`: the TeXML action URL's, or the Call Control client_state's; absent = any step, as call.ended),
 * and what the step read from outside (its recorded team and cursors), so the builder's simulator can feed the
 * flow the same call again (builder/src/replay.ts).
 */
export interface ScriptStep { at: string; key: string; event: EngineEvent; seq?: number; env?: StepEnv }

/** A recorded call as a script for the simulator. */
export interface CallScript {
  callId: string; flowId: string | null; version: number | null; mode: string | null;
  /** The company's name, as `{{company.name}}` read it. */
  company: string;
  from: string | null; to: string | null; startedAt: string;
  /** The round-robin cursors the call read, each as it first did (the replay starts from them). */
  cursors: Record<string, number>;
  steps: ScriptStep[];
  /** Where the recorded call went: its path lines and how it ended, to compare the replay with. */
  recorded: { path: string[]; end: string | null };
}

const form = (raw: string) => Object.fromEntries(new URLSearchParams(raw));

/** The event a TeXML webhook of the call means, and the step it answers; undefined for one that means nothing. */
function texmlStep(w: WebhookRow, callId: string, answered: (seq: number) => string | undefined): Omit<ScriptStep, 'at' | 'key'> | undefined {
  const f = form(w.rawBody);
  const path = w.path.split('?')[0]!.replace(/\/+$/, '');
  if (path === '/webhooks/texml') return { event: { type: 'call.started', from: f.From ?? '', to: f.To ?? '', callId, direction: 'inbound' } };
  if (path === '/webhooks/texml/status') {
    return f.CallSid === callId && f.CallStatus && TERMINAL_STATUSES.has(f.CallStatus) ? { event: { type: 'call.ended', cause: f.HangupCause ?? f.CallStatus } } : undefined;
  }
  const ref = parseStep(decodeURIComponent(path.slice('/webhooks/texml/'.length)));
  if (!ref) return undefined;
  const query = Object.fromEntries(new URLSearchParams(w.path.split('?')[1] ?? ''));
  return { event: actionEvent(ref, f, urlMarker(query), ref.verb === 'dial' ? answered(ref.seq) : undefined), seq: ref.seq };
}

/** The event a Call Control webhook on the call's own leg means, with the step its client_state names. */
function ccStep(w: WebhookRow, callId: string): Omit<ScriptStep, 'at' | 'key'> | undefined {
  let env: { data?: { event_type?: string; payload?: CcPayload } };
  try { env = JSON.parse(w.rawBody); } catch { return undefined; }
  const type = env.data?.event_type, p = env.data?.payload;
  if (!type || !p || p.call_control_id !== callId) return undefined;
  if (type === 'call.initiated') return { event: { type: 'call.started', from: p.from ?? '', to: p.to ?? '', callId, direction: 'inbound' } };
  const event = ccEvent(type, p);
  if (!event) return undefined;
  const seq = decodeClientState(p.client_state)?.seq;
  return { event, ...(seq !== undefined && event.type !== 'call.ended' ? { seq } : {}) };
}

/**
 * The engine events a call's webhooks meant, in the order they arrived, each once (a retried delivery is the
 * same step: the first accepted one counts; refused ones, 4xx, count not). `answered` gives the target that
 * answered a TeXML simultaneous ring at a step (stored by the server). Pure apart from that lookup.
 */
export function scriptSteps(callId: string, webhooks: WebhookRow[], steps: Record<string, StepEnv>, answered: (seq: number) => string | undefined): ScriptStep[] {
  const seen = new Set<string>();
  const out: ScriptStep[] = [];
  for (const w of webhooks) {
    if (w.status === null || w.status >= 400) continue;
    const key = stepKeyOf(w, callId) ?? `${w.kind}:${w.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const s = w.kind === 'texml' ? texmlStep(w, callId, answered) : w.kind === 'call-control' ? ccStep(w, callId) : undefined;
    if (!s) continue;
    const env = steps[key];
    // An httpRequest's result is not in the webhook that answered it: it is what that step recorded.
    const event = s.event.type === 'http.ended' && env?.http ? { ...s.event, result: env.http } : s.event;
    out.push({ at: w.receivedAt, key, ...s, event, ...(env ? { env } : {}) });
  }
  return out;
}
