/**
 * `POST /sandbox/calls` places a simulated inbound call and answers with its
 * transcript once it has ended; `GET /sandbox/calls/:id` shows a call.
 */
import { Router } from 'express';
import type { SandboxContext } from './context.js';
import { CcLeg } from './cc-leg.js';
import type { NumberStore } from './numbers.js';
import { playTexmlCall } from './texml-player.js';
import { SimCall, type AiAnswer, type AssistantEnd, type CalleeOutcome, type CallScript, type Mode, type ThinkMs } from './sim-call.js';
import { aiScriptProblem } from './ai.js';
import { body, isE164, sendOwnError, type OwnError } from './util.js';
import { callInScope, readScope, UNSCOPED } from './read-scope.js';

const OUTCOMES: CalleeOutcome[] = ['answer', 'no-answer', 'busy', 'voicemail', 'failed'];
/** Longest think time accepted (ms): a caller who waits longer has hung up. */
export const MAX_THINK_MS = 300_000;

const isMs = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_THINK_MS;
/** True for a whole number of ms, or `[min, max]` of them with min <= max. */
function isThinkMs(v: unknown): v is ThinkMs {
  if (isMs(v)) return true;
  return Array.isArray(v) && v.length === 2 && isMs(v[0]) && isMs(v[1]) && v[0] <= v[1];
}

/** Checks the request; returns the problem (with its field path) or the call's parameters. */
export function parseCallRequest(b: Record<string, unknown>): OwnError | { to: string; from: string; mode?: Mode; script: CallScript } {
  const bad = (field: string, message: string): OwnError => ({ code: 'bad_request', message, path: [field] });
  if (!isE164(b.to)) return bad('to', 'to must be a phone number in E.164 format, e.g. +13125550100');
  if (b.from !== undefined && !isE164(b.from)) return bad('from', 'from must be a phone number in E.164 format');
  const strings = (k: string) => b[k] === undefined || (Array.isArray(b[k]) && (b[k] as unknown[]).every((x) => typeof x === 'string'));
  for (const k of ['digits', 'speech']) if (!strings(k)) return bad(k, `${k} must be an array of strings`);
  if (b.digits && (b.digits as string[]).some((d) => !/^[0-9*#]*$/.test(d))) return bad('digits', 'digits entries may contain only 0-9, * and #');
  const outcome = (c: unknown) => OUTCOMES.includes(c as CalleeOutcome) || (typeof c === 'string' && /^answer:[0-9*#]{1,8}$/.test(c));
  if (b.callee !== undefined && (!Array.isArray(b.callee) || !b.callee.every(outcome))) return bad('callee', `callee entries must be one of ${OUTCOMES.join(', ')}, or answer:KEYS (answers and presses KEYS, 0-9 * #, at a screening whisper)`);
  if (b.mode !== undefined && b.mode !== 'texml' && b.mode !== 'call-control') return bad('mode', 'mode must be texml or call-control');
  if (b.hangupAfterSeconds !== undefined && (typeof b.hangupAfterSeconds !== 'number' || b.hangupAfterSeconds < 0)) return bad('hangupAfterSeconds', 'hangupAfterSeconds must be a number >= 0');
  if (b.thinkMs !== undefined && !isThinkMs(b.thinkMs)) return bad('thinkMs', `thinkMs must be a whole number of milliseconds (0 to ${MAX_THINK_MS}) or [min, max] of them with min <= max`);
  if (b.thinkSeed !== undefined && !Number.isSafeInteger(b.thinkSeed)) return bad('thinkSeed', 'thinkSeed must be an integer');
  const aiBad = aiScriptProblem(b.ai, b.assistant);
  if (aiBad) return { code: 'bad_request', message: aiBad.message, path: aiBad.path };
  return {
    to: b.to, from: (b.from as string) ?? '+13125550147', mode: b.mode as Mode | undefined,
    script: { digits: b.digits as string[], speech: b.speech as string[], callee: b.callee as CalleeOutcome[], hangupAfterSeconds: b.hangupAfterSeconds as number | undefined,
      thinkMs: b.thinkMs as ThinkMs | undefined, thinkSeed: b.thinkSeed as number | undefined,
      ai: b.ai as AiAnswer[] | undefined, assistant: b.assistant as AssistantEnd[] | undefined },
  };
}

/** Starts a call and resolves when it has ended and its webhooks were delivered (or the sandbox's time limit passed). */
export async function placeCall(ctx: SandboxContext, numbers: NumberStore, legs: Map<string, CcLeg>, req: { to: string; from: string; mode?: Mode; script: CallScript }): Promise<SimCall> {
  const owned = numbers.byNumber(req.to);
  const mode: Mode = req.mode ?? (owned?.connection_id === ctx.callControlConnectionId ? 'call-control' : 'texml');
  const conn = mode === 'call-control' ? ctx.callControlConnectionId : ctx.texmlConnectionId;
  const call = new SimCall(mode, req.from, req.to, conn, 'incoming', req.script, ctx.now());
  ctx.calls.set(call.id, call);
  // Answer once the call's last webhook was delivered (TeXML's status callback follows the end).
  let played: Promise<unknown> = call.done;
  if (mode === 'texml') played = playTexmlCall(ctx, call);
  else {
    const leg = new CcLeg(ctx, call, `${ctx.publicUrl()}/webhooks/call-control`);
    legs.set(call.id, leg);
    leg.enqueue(() => leg.emit('call.initiated', { direction: 'incoming', state: 'parked', start_time: call.startedAt.toISOString(), caller_id_name: call.from, connection_codecs: 'G722,PCMU,PCMA,G729', offered_codecs: 'PCMU,PCMA' }).then(() => undefined));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all([call.done, played]), new Promise<void>((r) => { timer = setTimeout(r, ctx.callTimeoutMs); })]);
  clearTimeout(timer);
  if (!call.ended) call.end({ by: 'error', reason: `call still running after ${ctx.callTimeoutMs} ms` }, { kind: 'error', text: 'the sandbox gave up waiting for the call to end' });
  return call;
}

export function callsRouter(ctx: SandboxContext, numbers: NumberStore, legs: Map<string, CcLeg>): Router {
  const r = Router();
  r.post('/calls', async (req, res) => {
    const parsed = parseCallRequest(body(req));
    if ('code' in parsed) { sendOwnError(res, parsed.code, parsed.message, parsed.path); return; }
    const call = await placeCall(ctx, numbers, legs, parsed);
    res.json(call.summary());
  });
  // Reads show a company only the calls of its own numbers (read-scope.ts); another company's call is "not found".
  r.get('/calls/:id', (req, res) => {
    const scope = readScope(res, ctx.openReads);
    if (!scope) { sendOwnError(res, 'unauthorized', UNSCOPED); return; }
    const call = ctx.calls.get(req.params.id);
    if (!call || !callInScope(scope, call)) { sendOwnError(res, 'not_found', `no sandbox call ${req.params.id}`, ['id']); return; }
    res.json(call.summary());
  });
  r.get('/calls', (_req, res) => {
    const scope = readScope(res, ctx.openReads);
    if (!scope) { sendOwnError(res, 'unauthorized', UNSCOPED); return; }
    const mine = [...ctx.calls.values()].filter((c) => callInScope(scope, c));
    res.json({ data: mine.map((c) => ({ callId: c.id, mode: c.mode, from: c.from, to: c.to, ended: c.ended ?? null })) });
  });
  return r;
}
