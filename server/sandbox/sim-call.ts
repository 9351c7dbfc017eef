/**
 * One simulated call: the caller's script, a virtual clock (seconds into the
 * call, advanced by how long each prompt would take to hear) and the
 * transcript of what the caller heard and did.
 */
import { callControlId, uuid } from './util.js';

export type Mode = 'texml' | 'call-control';
/**
 * How a leg rung for the caller ends. `answer:KEYS`: a person answers and, when the app screens the call
 * (a whisper on the answering leg), presses KEYS at it; a plain `answer` presses nothing there, and a
 * `voicemail` answers (its greeting plays) and never presses anything.
 */
export type CalleeOutcome = 'answer' | 'no-answer' | 'busy' | 'voicemail' | 'failed' | `answer:${string}`;
/** `screened`: what the answering leg of a screened dial heard and pressed (the caller hears ringing meanwhile). */
export type EntryKind = 'heard' | 'pressed' | 'said' | 'silence' | 'ringing' | 'connected' | 'recorded' | 'sms' | 'hangup' | 'error' | 'screened';

/** Does the leg pick up (a person, with or without keys for a screening, or a voicemail)? */
export const picksUp = (o: CalleeOutcome): boolean => o === 'answer' || o === 'voicemail' || o.startsWith('answer:');
/** The keys the answering leg presses at a screening whisper: `answer:1` → '1'; a plain answer and a voicemail press none. */
export const screenKeys = (o: CalleeOutcome): string => (o.startsWith('answer:') ? o.slice('answer:'.length) : '');
/** Outcomes that do not pick up, with how Telnyx ends such a leg (cc-dial.ts CAUSES). */
export type Unanswered = Exclude<CalleeOutcome, 'answer' | 'voicemail' | `answer:${string}`>;
export interface TranscriptEntry { at: number; kind: EntryKind; text: string }
export interface Ended { by: 'caller' | 'app' | 'transfer' | 'error'; reason: string }

/** What the caller will do, in order (one digits/speech entry per prompt). */
export interface CallScript {
  digits?: string[];
  speech?: string[];
  callee?: CalleeOutcome[];
  hangupAfterSeconds?: number;
  /**
   * Real time (ms) the caller listens and thinks before answering each prompt
   * (Gather, gather_using_*, Record): a fixed number, or `[min, max]` picked per
   * prompt by `thinkDelay` from `thinkSeed`, so a replay waits the same. Virtual
   * time (`at`) does not include it: transcripts are the same with or without it.
   */
  thinkMs?: ThinkMs;
  /** Seed of the `[min, max]` think-time pick (default 0). */
  thinkSeed?: number;
  /** One entry per AI gather (TeXML `<AIGather>`, `gather_using_ai`): what Telnyx's AI reports (sandbox/ai.ts). */
  ai?: AiAnswer[];
  /** One entry per AI Assistant conversation (`<Connect><AIAssistant>`, `ai_assistant_start`): how it ends. */
  assistant?: AssistantEnd[];
}

/** A scripted AI gather: the structured result the AI returns (right or wrong), the AI giving up, or the caller hanging up. */
export type AiAnswer = { result: Record<string, unknown> } | { failed: true } | { hangup: true };
/** How a scripted assistant conversation ends: over with the caller still there, an error, or the caller hanging up. */
export type AssistantEnd = 'done' | 'failed' | 'hangup';

/** A fixed think time, or a range picked per prompt. */
export type ThinkMs = number | [number, number];

/** After the script runs dry, the caller stays silent this many prompts, then hangs up. */
const PATIENCE = 3;
/** Seconds a connected conversation lasts before both sides hang up. */
export const TALK_SECONDS = 30;

export class SimCall {
  readonly id = callControlId();
  readonly legId = uuid();
  /** Telnyx's call_session_id: shared by the legs of one call (a leg dialled with `link_to` joins its session). */
  readonly sessionId: string;
  readonly startedAt: Date;
  t = 0;
  webhooks = 0;
  steps = 0;
  readonly transcript: TranscriptEntry[] = [];
  ended?: Ended;
  /** Virtual seconds after which the caller hangs up (none: stays to the end). */
  readonly hangupAfter?: number;
  private digits: string[];
  private speech: string[];
  private callee: CalleeOutcome[];
  private ai: AiAnswer[];
  private assistant: AssistantEnd[];
  private silentAfterScript = 0;
  private readonly thinkMs?: ThinkMs;
  private readonly thinkSeed: number;
  /** Prompts answered so far (the think-time pick's index). */
  private prompts = 0;
  private resolve!: () => void;
  /** Resolves when the call has ended. */
  readonly done = new Promise<void>((r) => { this.resolve = r; });

  constructor(
    readonly mode: Mode, readonly from: string, readonly to: string, readonly connectionId: string,
    readonly direction: 'incoming' | 'outgoing', script: CallScript, now: Date, sessionId?: string,
  ) {
    this.sessionId = sessionId ?? uuid();
    this.digits = [...(script.digits ?? [])];
    this.speech = [...(script.speech ?? [])];
    this.callee = [...(script.callee ?? [])];
    this.ai = [...(script.ai ?? [])];
    this.assistant = [...(script.assistant ?? [])];
    this.hangupAfter = script.hangupAfterSeconds;
    this.thinkMs = script.thinkMs;
    this.thinkSeed = script.thinkSeed ?? 0;
    this.startedAt = now;
  }

  add(kind: EntryKind, text: string, seconds = 0): void {
    if (this.ended) return;
    this.transcript.push({ at: Math.round(this.t * 10) / 10, kind, text });
    this.t += seconds;
  }

  /** Adds what the caller hears; time passes as if spoken at ~2.5 words/s. */
  hear(text: string): void { this.add('heard', text, speakSeconds(text)); }

  /** True once the caller's `hangupAfterSeconds` has passed. */
  callerWantsOut(): boolean { return this.hangupAfter !== undefined && this.t >= this.hangupAfter; }

  /** Next scripted keypad entry; '' means silence. undefined: the caller gives up. */
  nextDigits(): string | undefined { return this.next(this.digits); }
  nextSpeech(): string | undefined { return this.next(this.speech); }
  /** A leg rung for a caller that picked up: who answered (a person or a voicemail) and that caller (screening shows there). */
  answeredBy?: { who: 'person' | 'voicemail'; caller: SimCall };

  /**
   * A leg rung for `caller` picked up: what it will press if the app screens it (`keys` at the first prompt, then
   * nothing), and who it is. A voicemail gets no keys: it never presses anything.
   */
  scriptKeys(keys: string, who: 'person' | 'voicemail', caller: SimCall): void {
    this.digits = keys && who === 'person' ? [keys] : [];
    this.answeredBy = { who, caller };
  }

  /** The next callee outcome; answered when the script has none. */
  nextCallee(): CalleeOutcome { return this.callee.shift() ?? 'answer'; }
  hasSpeech(): boolean { return this.speech.length > 0; }
  /** The next AI gather answer; once the script has none the AI gets nothing usable, and after 3 such the caller hangs up. */
  nextAi(): AiAnswer {
    if (this.ai.length) return this.ai.shift()!;
    return ++this.silentAfterScript > PATIENCE ? { hangup: true } : { failed: true };
  }
  /** How the next assistant conversation ends; `done` when the script has none. */
  nextAssistant(): AssistantEnd { return this.assistant.shift() ?? 'done'; }

  /**
   * The caller's answer to one prompt that listens for keys and/or speech:
   * the next keys, or, when speech is heard and no keys come, the next
   * scripted phrase (the same rule in TeXML's Gather and Call Control's
   * gather with a transcription). `digits` undefined: the caller gives up.
   */
  answer(dtmf: boolean, speech: boolean): { digits: string | undefined; said: string } {
    const digits = dtmf ? this.nextDigits() : '';
    const said = speech && (!dtmf || digits === '') && this.hasSpeech() ? this.nextSpeech() ?? '' : '';
    return { digits, said };
  }

  private next(q: string[]): string | undefined {
    if (q.length) return q.shift();
    this.silentAfterScript++;
    return this.silentAfterScript > PATIENCE ? undefined : '';
  }

  /**
   * Waits (real time) while the caller thinks about the prompt just heard;
   * resolves at once with no think time, or early when the call ends meanwhile
   * (the sandbox closed, or `callTimeoutMs` passed), so players check `ended` after it.
   */
  think(): Promise<void> {
    const ms = thinkDelay(this.thinkMs, this.thinkSeed, this.prompts++);
    if (ms <= 0 || this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      void this.done.then(() => { clearTimeout(t); resolve(); });
    });
  }

  end(e: Ended, entry?: { kind: EntryKind; text: string }): void {
    if (this.ended) return;
    if (entry) this.add(entry.kind, entry.text);
    this.ended = e;
    this.resolve();
  }

  summary() {
    return { callId: this.id, mode: this.mode, from: this.from, to: this.to, transcript: this.transcript, ended: this.ended ?? null, webhooks: this.webhooks };
  }
}

/** How long a prompt takes to say, in seconds (at least one). */
export function speakSeconds(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round((words / 2.5) * 10) / 10);
}

/**
 * The think time before prompt `n` (0-based): `spec` itself when a number; for
 * `[min, max]` a whole number in that range from a 32-bit hash of `seed` and
 * `n`. Deterministic (no Math.random), so the same script waits the same.
 */
export function thinkDelay(spec: ThinkMs | undefined, seed: number, n: number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  const [min, max] = spec;
  return min + (mix32(seed, n) % (max - min + 1));
}

/** murmur3's 32-bit finaliser over seed and index: well spread for neighbouring seeds. */
function mix32(seed: number, n: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
