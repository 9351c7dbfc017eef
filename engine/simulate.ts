import { step } from './step.js';
import { awaitedInstruction } from './verbs.js';
import { isOwn, ownVerb } from './own-verbs.js';
import type { Flow } from './schema.js';
import type { AmdEnv, Cursors, DialStatus, EngineEvent, Env, Instruction, Mode, Snapshot, StepResult, TeamMember } from './types.js';

/** A scripted caller: what they press or say at each prompt, and how each dial ends. */
export interface CallScript {
  /** Instant the call starts, ISO with offset. */
  at: string;
  mode: Mode;
  from?: string;
  to?: string;
  callId?: string;
  /** One entry per gather, in order; '' is silence. */
  digits?: string[];
  /** One entry per gather that listens for speech, used when `digits` is exhausted. */
  speech?: string[];
  /** One outcome per dial, in order (default connected). */
  dial?: DialStatus[];
  /**
   * What each person who answers a screened dial does at the whisper, in order (default `accept`): presses the
   * accept key, presses another key, presses nothing, or is a voicemail (answers, never presses). Only `accept`
   * puts a call that needs a keypress through; anything else makes that dial `no-answer`. A simultaneous ring
   * takes one per member until one accepts.
   */
  screen?: ScreenAnswer[];
  /** Seconds of message left at each record (0 = nothing said). Default 12. */
  recordSeconds?: number[];
  team?: Record<string, TeamMember>;
  cursors?: Cursors;
  company?: Record<string, string>;
  /**
   * Scripted answers of httpRequest nodes, by node id: `{status, body}` (body text or JSON), `'timeout'`, `{error}`,
   * or a list of those taken in order. A node with none gets 200 and `{}`.
   */
  http?: Record<string, unknown>;
  /** The company's shared schedules by id (what a businessHours node with a scheduleId follows). */
  schedules?: Env['schedules'];
  /** Hang up (caller) instead of answering once the script is exhausted. */
  hangupWhenDone?: boolean;
  /** Events at most (default 60): a flow that never ends is cut off. */
  maxEvents?: number;
  /**
   * An outbound call (POST /api/calls with flowId): `vars` it starts with and who answers, as Telnyx's answering
   * machine detection reports it (`human`, `machine`, `not_sure`, premium's `human_residence`, …; absent: no
   * detection). TeXML knows the result when the flow starts (synchronous AMD; a machine's greeting has ended);
   * Call Control gets `amd.ended` after the call started, then a machine's `amd.greeting.ended`.
   */
  outbound?: { vars?: Record<string, string>; amd?: string };
}

/** What the person who answers a screened dial does at the whisper. */
export type ScreenAnswer = 'accept' | 'wrong-key' | 'silence' | 'voicemail';
export const SCREEN_ANSWERS: readonly ScreenAnswer[] = ['accept', 'wrong-key', 'silence', 'voicemail'];

/** A connected dial as screening leaves it: still connected (and to whom) only if someone accepted. */
function screened(waitOn: Extract<Instruction, { verb: 'dial' }>, answers: ScreenAnswer[]): { status: DialStatus; to?: string } {
  const s = waitOn.screen!;
  const rung = waitOn.ring === 'simultaneous' ? waitOn.targets : waitOn.targets.slice(0, 1);
  for (const to of rung) {
    const a = answers.shift() ?? 'accept';
    if (!s.requireKeypress || a === 'accept') return { status: 'connected', to };
  }
  return { status: 'no-answer' };
}

/** One step of a simulated call: the event sent and what the engine answered. */
export interface SimStep extends StepResult {
  event: EngineEvent;
  /** Node the call waits in after this step (undefined once ended). */
  waitingIn?: string;
}

/** The instruction the engine waits on after a step: the last waiting one (say/play only in Call Control; engine/verbs.ts). */
export function awaited(r: StepResult, mode: Mode): Instruction | undefined {
  return awaitedInstruction(r.instructions, mode);
}

/** What a scripted caller / Telnyx does next, given the instruction the engine waits on. */
export function nextEvent(waitOn: Instruction | undefined, s: Required<Pick<CallScript, 'digits' | 'speech' | 'dial' | 'recordSeconds'>> & CallScript): EngineEvent | undefined {
  s.screen ??= [];
  if (!waitOn) return s.hangupWhenDone === false ? undefined : { type: 'call.ended', cause: 'normal_clearing' };
  // A kind's own instruction: the kind says what the caller's next keys bring (engine/own-verbs.ts).
  if (isOwn(waitOn)) {
    const spec = ownVerb((waitOn as { verb: string }).verb)!;
    if (spec.keys === false) return spec.simulate(waitOn, undefined, s);
    // Its answers come from a list of its own (`ai`, `assistant`): the digits are left for the gathers.
    if (spec.scripted) {
      const list = (s as unknown as Record<string, unknown[] | undefined>)[spec.scripted.list];
      if (!list?.length && s.hangupWhenDone) return { type: 'call.ended', cause: 'normal_clearing' };
      return spec.scripted.answer(waitOn, list?.shift());
    }
    if (!s.digits.length && s.hangupWhenDone) return { type: 'call.ended', cause: 'normal_clearing' };
    return spec.simulate(waitOn, s.digits.shift(), s);
  }
  switch (waitOn.verb) {
    case 'gather': {
      if (s.digits.length) {
        const d = s.digits.shift()!;
        return d === '' ? { type: 'input.timeout' } : { type: 'input.digits', digits: d };
      }
      if (waitOn.input !== 'dtmf' && s.speech.length) return { type: 'input.speech', text: s.speech.shift()!, confidence: 0.9 };
      return s.hangupWhenDone ? { type: 'call.ended', cause: 'normal_clearing' } : { type: 'input.timeout' };
    }
    case 'dial': {
      const status = s.dial.shift() ?? 'connected';
      if (status !== 'connected' || !waitOn.screen) return { type: 'dial.ended', status, seconds: 30 };
      const r = screened(waitOn, s.screen);
      return { type: 'dial.ended', ...r, seconds: r.status === 'connected' ? 30 : 0 };
    }
    case 'record': {
      const secs = s.recordSeconds.length ? s.recordSeconds.shift()! : 12;
      return secs > 0 ? { type: 'recording.saved', url: `https://recordings.example.invalid/${waitOn.node}-${waitOn.seq}.mp3`, seconds: secs } : { type: 'recording.empty' };
    }
    default:
      return { type: 'prompt.ended' };
  }
}

/**
 * Runs a whole call through a flow with a scripted caller, offline and pure.
 * Each step's cursors carry into the next, as they would across webhooks.
 */
export function simulate(flow: Flow, script: CallScript): { steps: SimStep[]; cursors: Cursors } {
  // Every list is copied, the kinds' own (`ai`, ...) too: answering shifts them, and the script is the caller's.
  const lists = Object.fromEntries(Object.entries(script).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, [...(v as unknown[])]]));
  const s: Parameters<typeof nextEvent>[1] = {
    ...script, ...lists,
    digits: [...(script.digits ?? [])], speech: [...(script.speech ?? [])],
    dial: [...(script.dial ?? [])], recordSeconds: [...(script.recordSeconds ?? [])], screen: [...(script.screen ?? [])],
    // Each run its own lists, so a kind taking responses from them leaves the caller's script as it was.
    ...(script.http ? { http: Object.fromEntries(Object.entries(script.http).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) } : {}),
  };
  let cursors: Cursors = { ...(script.cursors ?? {}) };
  let snapshot: Snapshot | null = null;
  const steps: SimStep[] = [];
  const out = script.outbound;
  let event: EngineEvent | undefined = {
    type: 'call.started', from: script.from ?? '+13125550147', to: script.to ?? '+18445550199',
    callId: script.callId ?? 'sim-call', direction: out ? 'outbound' : 'inbound', ...(out?.vars ? { vars: out.vars } : {}),
  };
  const amd = amdScript(out?.amd, script.mode);
  let waitOn: Instruction | undefined;
  const max = script.maxEvents ?? 60;
  const start = Date.parse(script.at);
  while (event && steps.length < max) {
    // Each event happens a few seconds after the last: time moves on like a real call.
    const now = Number.isFinite(start) ? new Date(start + steps.length * 5000).toISOString() : script.at;
    const env: Env = { now: withOffset(script.at, now), mode: script.mode, team: script.team, cursors, company: script.company, ...(script.schedules ? { schedules: script.schedules } : {}), ...(amd ? { amd: amd.env } : {}) };
    const r = step(flow, snapshot, event, env);
    cursors = r.cursors;
    snapshot = r.snapshot;
    steps.push({ ...r, event, waitingIn: r.waiting ? r.snapshot.value : undefined });
    if (!r.waiting) break;
    // An AMD event the node it came to ignored changes nothing: the call still waits on what it waited on.
    if (!(amd?.sent(event) && !r.instructions.length)) waitOn = awaited(r, script.mode);
    event = amd?.next() ?? nextEvent(waitOn, s);
  }
  return { steps, cursors };
}

/**
 * The AMD events a Call Control call gets after it started (detection's result, then a machine's greeting end),
 * and what the server's call log says of them at each step (`env.amd`); TeXML's synchronous AMD knows it all
 * from the start and sends none.
 */
function amdScript(result: string | undefined, mode: Mode) {
  if (result === undefined) return undefined;
  const machine = result.startsWith('machine');
  const env: AmdEnv = mode === 'texml' ? { result, greeting: machine ? 'ended' : null, greetingReported: true } : { result: null, greeting: null, greetingReported: true };
  const queue: EngineEvent[] = mode === 'texml' ? [] : [{ type: 'amd.ended', result }, ...(machine ? [{ type: 'amd.greeting.ended', result: 'beep_detected' } as EngineEvent] : [])];
  return {
    get env(): AmdEnv { return { ...env }; },
    sent: (e: EngineEvent) => e.type === 'amd.ended' || e.type === 'amd.greeting.ended',
    next(): EngineEvent | undefined {
      const e = queue.shift();
      if (e?.type === 'amd.ended') env.result = result;
      if (e?.type === 'amd.greeting.ended') env.greeting = 'beep_detected';
      return e;
    },
  };
}

/** Keeps the caller's offset: `at` 10:00-08:00 plus 5 s is 10:00:05-08:00, not Z time. */
function withOffset(at: string, isoUtc: string): string {
  const m = /([+-]\d\d:\d\d|Z)$/.exec(at);
  if (!m || m[1] === 'Z') return isoUtc;
  const sign = m[1]!.startsWith('-') ? -1 : 1;
  const [h, mi] = m[1]!.slice(1).split(':').map(Number);
  const shifted = new Date(Date.parse(isoUtc) + sign * (h! * 60 + mi!) * 60000).toISOString();
  return shifted.replace('Z', m[1]!).replace(/\.\d{3}/, '');
}
