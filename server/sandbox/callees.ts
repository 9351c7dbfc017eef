/**
 * Scripted callees of the app's outbound calls (`POST /v2/calls` without `link_to`, the TeXML calls API):
 * `POST /sandbox/callees` queues a script for a number; the next outbound call to that number takes it.
 * A call to a number with no script queued is answered by a person who says nothing.
 */
import { Router } from 'express';
import type { SandboxContext } from './context.js';
import type { CallScript } from './sim-call.js';
import { body, isE164, sendOwnError, type OwnError } from './util.js';

/** Who (or what) takes an outbound call. */
export type Answerer = 'human' | 'machine' | 'no-answer' | 'busy';
const ANSWERERS: Answerer[] = ['human', 'machine', 'no-answer', 'busy'];

/** One outbound call's callee: who answers, a machine's greeting, and (a person's) keys and words. */
export interface CalleeScript {
  answeredBy: Answerer;
  /** What a machine's greeting says, and how long it lasts (virtual seconds) before its beep. */
  greeting: string;
  greetingSeconds: number;
  /** Does the machine beep at the end of its greeting? */
  beep: boolean;
  /** Keys, words, hang-up time: the SimCall script of the callee. */
  call: CallScript;
}

/** The callee of a call to a number with nothing queued. */
export const DEFAULT_CALLEE: CalleeScript = { answeredBy: 'human', greeting: '', greetingSeconds: 0, beep: false, call: {} };
const DEFAULT_GREETING = 'Hi, you have reached my voicemail. Please leave a message after the tone.';

/** Checks a `POST /sandbox/callees` body: the problem with its path, or the number and its script. */
export function parseCallee(b: Record<string, unknown>): OwnError | { to: string; script: CalleeScript } {
  const bad = (field: string, message: string): OwnError => ({ code: 'bad_request', message, path: [field] });
  if (!isE164(b.to)) return bad('to', 'to must be the number the app will call, in E.164 format, e.g. +13125550188');
  const answeredBy = (b.answeredBy ?? 'human') as Answerer;
  if (!ANSWERERS.includes(answeredBy)) return bad('answeredBy', `answeredBy must be one of ${ANSWERERS.join(', ')}`);
  if (b.greeting !== undefined && (typeof b.greeting !== 'string' || !b.greeting.trim())) return bad('greeting', 'greeting must be the text the machine says');
  if (b.greetingSeconds !== undefined && (typeof b.greetingSeconds !== 'number' || b.greetingSeconds < 1 || b.greetingSeconds > 60)) return bad('greetingSeconds', 'greetingSeconds must be a number from 1 to 60');
  if (b.beep !== undefined && typeof b.beep !== 'boolean') return bad('beep', 'beep must be true or false');
  for (const k of ['digits', 'speech']) {
    const v = b[k];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) return bad(k, `${k} must be an array of strings`);
  }
  if (b.digits && (b.digits as string[]).some((d) => !/^[0-9*#]*$/.test(d))) return bad('digits', 'digits entries may contain only 0-9, * and #');
  if (b.hangupAfterSeconds !== undefined && (typeof b.hangupAfterSeconds !== 'number' || b.hangupAfterSeconds < 0)) return bad('hangupAfterSeconds', 'hangupAfterSeconds must be a number >= 0');
  const greeting = (b.greeting as string | undefined) ?? DEFAULT_GREETING;
  return {
    to: b.to,
    script: {
      answeredBy, greeting, greetingSeconds: (b.greetingSeconds as number | undefined) ?? 5, beep: (b.beep as boolean | undefined) ?? true,
      call: { digits: b.digits as string[] | undefined, speech: b.speech as string[] | undefined, hangupAfterSeconds: b.hangupAfterSeconds as number | undefined },
    },
  };
}

/** The next script queued for `to` (taken off the queue), or the default callee. */
export function takeCallee(ctx: SandboxContext, to: string): CalleeScript {
  const q = ctx.callees.get(to);
  const next = q?.shift();
  if (q && !q.length) ctx.callees.delete(to);
  return next ?? DEFAULT_CALLEE;
}

/** `POST /callees {to, answeredBy, greeting?, greetingSeconds?, beep?, digits?, speech?, hangupAfterSeconds?}` → 201 `{to, queued}`. */
export function calleesRouter(ctx: SandboxContext): Router {
  const r = Router();
  r.post('/callees', (req, res) => {
    const parsed = parseCallee(body(req));
    if ('code' in parsed) { sendOwnError(res, parsed.code, parsed.message, parsed.path); return; }
    const q = ctx.callees.get(parsed.to) ?? [];
    q.push(parsed.script);
    ctx.callees.set(parsed.to, q);
    res.status(201).json({ to: parsed.to, queued: q.length });
  });
  return r;
}
