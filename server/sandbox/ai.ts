/**
 * What the sandbox's Telnyx AI does, for both modes: it runs no model. Each AI gather answers with the call
 * script's next `ai` entry (a structured result, right or wrong, or nothing usable) and each AI Assistant
 * conversation ends as the script's next `assistant` entry says. The parameters it is given are checked as a
 * JSON Schema object, as Telnyx needs them; the result is sent as scripted, never checked against them (the
 * app must catch a wrong one).
 */
import type { SimCall } from './sim-call.js';

/** `Reason` / `reason` when an assistant's conversation ends: Telnyx documents `service_error`; `completed` is the sandbox's word for a normal end. */
export const ASSISTANT_REASON = { done: 'completed', failed: 'service_error' } as const;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The problem with a script's `ai` / `assistant` lists (with the entry's path), or undefined. */
export function aiScriptProblem(ai: unknown, assistant: unknown): { message: string; path: (string | number)[] } | undefined {
  if (ai !== undefined) {
    if (!Array.isArray(ai)) return { message: 'ai must be an array of {result: {...}}, {failed: true} or {hangup: true}', path: ['ai'] };
    const bad = ai.findIndex((e) => !isObject(e) || Object.keys(e).length !== 1
      || !(isObject(e.result) || e.failed === true || e.hangup === true));
    if (bad >= 0) return { message: 'each ai entry must be {result: {...}} (an object of the fields the AI collected), {failed: true} or {hangup: true}', path: ['ai', bad] };
  }
  if (assistant !== undefined) {
    if (!Array.isArray(assistant)) return { message: 'assistant must be an array of done, failed or hangup', path: ['assistant'] };
    const bad = assistant.findIndex((e) => e !== 'done' && e !== 'failed' && e !== 'hangup');
    if (bad >= 0) return { message: 'assistant entries must be one of done, failed, hangup', path: ['assistant', bad] };
  }
  return undefined;
}

/** Why `p` is not the JSON Schema object an AI gather needs (`type: object`, `properties`, `required` among them), or undefined. */
export function parametersProblem(p: unknown): string | undefined {
  if (!isObject(p)) return 'parameters must be a JSON Schema object';
  if (p.type !== 'object') return 'parameters.type must be "object"';
  if (!isObject(p.properties) || !Object.keys(p.properties).length) return 'parameters.properties must name at least one parameter';
  if (p.required !== undefined && (!Array.isArray(p.required) || p.required.some((r) => typeof r !== 'string' || !(r in (p.properties as object))))) {
    return 'parameters.required must list names from parameters.properties';
  }
  return undefined;
}

/** What one AI gather does to the call's transcript, and what Telnyx reports of it. */
export interface AiOutcome { status: 'valid' | 'invalid'; result: Record<string, unknown>; history: { role: 'assistant' | 'user'; content: string }[] }

/**
 * Plays one AI gather on `call`: the greeting heard, the caller's scripted answer (the fields the AI collected,
 * or nothing usable), and Telnyx's report. `problem` (bad parameters): the AI collects nothing. Returns null when
 * the caller hangs up instead; the player ends the call.
 */
export async function playAiGather(call: SimCall, greeting: string | undefined, problem: string | undefined): Promise<AiOutcome | null> {
  const history: AiOutcome['history'] = [];
  if (greeting) { call.hear(greeting); history.push({ role: 'assistant', content: greeting }); }
  if (problem) { call.add('error', `AI gather: ${problem}; nothing can be collected`); return { status: 'invalid', result: {}, history }; }
  await call.think();
  if (call.ended) return null;
  const a = call.nextAi();
  if ('hangup' in a) return null;
  if ('failed' in a) { call.add('silence', 'AI gather: no usable answer', 10); return { status: 'invalid', result: {}, history }; }
  const said = Object.entries(a.result).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  call.add('said', `(to the AI) ${said}`, Math.max(3, Object.keys(a.result).length * 4));
  history.push({ role: 'user', content: said });
  return { status: 'valid', result: a.result, history };
}

/** Base64 of JSON, as TeXML's AI gather callback carries its result and history. */
export const base64Json = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64');

/** Seconds an assistant's scripted conversation lasts. */
export const ASSISTANT_SECONDS = 60;
