import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from './nodes/common.js';
import { isCcLanguage, type CcLanguage, type Command, type DigitFields } from './cc-command.js';
import { isOwn, ownVerb } from './own-verbs.js';
import { assertNever, isEffect, type DialScreen, type EffectVerb, type Instruction, type Prompt } from './types.js';

export type { BodyOf, Command, CommandAction } from './cc-command.js';

/**
 * What travels in `client_state` (base64 of this JSON). `ring`: on a leg
 * dialled for a simultaneous ring, how many legs the step dialled.
 * `speech`: the step started a transcription for a speech menu, so the
 * server stops it (and the gather) when the answer comes. `own`: the command
 * carries a kind's own instruction (engine/own-verbs.ts) of that verb, so the
 * server maps its webhooks with the kind's `ccEvents`. `screen`: on a rung leg,
 * the dial is screened: when the leg answers the server plays the whisper and
 * gathers the key on it ({@link screenCommands}) before bridging.
 */
export interface ClientState { flow: string; node: string; seq: number; ring?: number; speech?: true; own?: string; screen?: true }

/**
 * Seconds of silence that end a Call Control recording (`record_start.timeout_secs`).
 * A recording no longer than this holds nothing but that silence: the server
 * takes it as no message, as TeXML's Record skips its action when nothing was said.
 */
export const RECORD_SILENCE_SECONDS = 5;

/** Telnyx refuses a speak / gather payload over 3000 characters. */
export const MAX_PAYLOAD = 3000;

// btoa/atob + TextEncoder work in Node 20 and in the browser (the builder's simulator runs the engine).
function toBase64(text: string): string {
  let bin = '';
  for (const byte of new TextEncoder().encode(text)) bin += String.fromCharCode(byte);
  return btoa(bin);
}

/** UTF-8 text of base64 (what `client_state` and TeXML's base64 fields carry); throws on bad input. */
export function fromBase64(b64: string): string {
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** base64 of the JSON `{flow, node, seq}`: Telnyx echoes it on every later webhook of the call. */
export function encodeClientState(s: ClientState): string {
  const o: ClientState = { flow: s.flow, node: s.node, seq: s.seq };
  if (s.ring !== undefined) o.ring = s.ring;
  if (s.speech) o.speech = true;
  if (s.own) o.own = s.own;
  if (s.screen) o.screen = true;
  return toBase64(JSON.stringify(o));
}

/** Decodes `client_state`; undefined when it is empty or not ours. Never throws. */
export function decodeClientState(b64: string | null | undefined): ClientState | undefined {
  if (typeof b64 !== 'string' || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  try {
    const v: unknown = JSON.parse(fromBase64(b64));
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const { flow, node, seq, ring, speech, own, screen } = v as Record<string, unknown>;
    if (typeof flow !== 'string' || !flow || typeof node !== 'string' || !node) return undefined;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) return undefined;
    if (ring !== undefined && (typeof ring !== 'number' || !Number.isInteger(ring) || ring < 1)) return undefined;
    const out: ClientState = { flow, node, seq };
    if (ring !== undefined) out.ring = ring;
    if (speech === true) out.speech = true;
    if (typeof own === 'string' && own) out.own = own;
    if (screen === true) out.screen = true;
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Same call, step, node and position → same id, so a retried webhook that
 * re-sends a command is ignored by Telnyx (duplicates within 60 s are dropped).
 * `part` numbers the extra commands of one instruction (a gather's leading prompts).
 */
export function commandId(callId: string, seq: number, node: string, index: number, part = 0): string {
  return `${node}-${seq}-${index}${part ? `.${part}` : ''}-${callId}`;
}

/** Drops undefined fields (in place) so bodies compare and serialise cleanly; they are all optional. */
function compact(c: Command): Command {
  for (const [k, v] of Object.entries(c.body)) if (v === undefined) Reflect.deleteProperty(c.body, k);
  return c;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));
const cut = (text: string) => [...text].slice(0, MAX_PAYLOAD).join('');
const language = (l: string | undefined): CcLanguage | undefined => {
  const lang = l ?? DEFAULT_LANGUAGE;
  return isCcLanguage(lang) ? lang : undefined;
};

type Say = Extract<Prompt, { verb: 'say' }>;
/** A run of prompts one command plays: consecutive says (spoken as one payload), or one recording. */
type Run = { says: Say[] } | { play: Extract<Prompt, { verb: 'play' }> };

function runs(prompts: Prompt[]): Run[] {
  const out: Run[] = [];
  for (const p of prompts) {
    const last = out[out.length - 1];
    if (p.verb === 'play') out.push({ play: p });
    else if (last && 'says' in last) last.says.push(p);
    else out.push({ says: [p] });
  }
  return out;
}

const speech = (says: Say[]) => ({
  payload: cut(says.map((p) => p.text).join(' ')),
  voice: says.find((p) => p.voice)?.voice ?? DEFAULT_VOICE,
  language: language(says.find((p) => p.language)?.language),
});

/** Ids for the n-th command of an instruction. */
type Ids = (part: number) => { client_state: string; command_id: string };

/**
 * A gather: its last run of prompts goes in the gather command itself; the
 * runs before it (a re-prompt's "not a valid choice" before the menu's own
 * recording) are speak / playback_start commands just before it, which
 * Telnyx queues and plays in order. So a re-prompt keeps every prompt, as
 * TeXML's `<Gather>` does. A speech menu starts a transcription first.
 */
function gatherCommands(i: Extract<Instruction, { verb: 'gather' }>, ids: Ids): Command[] {
  const all = runs(i.prompts);
  const own = all.pop();
  const out: Command[] = all.map((r, k): Command => ('play' in r
    ? { action: 'playback_start', body: { ...ids(k + 1), audio_url: r.play.url, loop: r.play.loop } }
    : { action: 'speak', body: { ...ids(k + 1), ...speech(r.says) } }));
  if (i.input === 'dtmf speech') {
    const hints = i.hints?.length ? i.hints : undefined;
    out.push({ action: 'transcription_start', body: { ...ids(all.length + 1), transcription_engine: 'Google', transcription_tracks: 'inbound', transcription_engine_config: { transcription_engine: 'Google', hints } } });
  }
  const digits: DigitFields = {
    ...ids(0),
    minimum_digits: 1,
    maximum_digits: i.numDigits ?? 128,
    valid_digits: i.validDigits,
    // Always sent: Telnyx's default is `#`, so an empty finishOnKey must say '' to make `#` a key.
    terminating_digit: i.finishOnKey ?? '#',
    timeout_millis: clamp(i.timeoutSeconds, 1, 600) * 1000,
    inter_digit_timeout_millis: clamp(i.timeoutSeconds, 1, 600) * 1000,
  };
  // One try per command: the engine counts retries itself (menu maxRetries). Plain `gather` has no such field.
  if (!own) out.push({ action: 'gather', body: digits });
  else if ('play' in own) out.push({ action: 'gather_using_audio', body: { ...digits, audio_url: own.play.url, maximum_tries: 1 } });
  else out.push({ action: 'gather_using_speak', body: { ...digits, ...speech(own.says), maximum_tries: 1 } });
  return out;
}

/** The commands for one instruction (none when skipped). */
function commandsFor(i: Instruction, ids: Ids): Command[] {
  // A kind's own instruction: its spec says the commands (engine/own-verbs.ts).
  if (isOwn(i)) return ownVerb((i as { verb: string }).verb)!.callControl(i, ids);
  switch (i.verb) {
    case 'say':
      return [{ action: 'speak', body: { ...ids(0), payload: cut(i.text), voice: i.voice ?? DEFAULT_VOICE, language: language(i.language), loop: i.loop && i.loop > 1 ? i.loop : undefined } }];
    case 'play':
      return [{ action: 'playback_start', body: { ...ids(0), audio_url: i.url, loop: i.loop } }];
    case 'gather':
      return gatherCommands(i, ids);
    case 'dial': {
      // One target (a transfer, a sequential ring's turn): Telnyx's transfer. `park_after_unbridge:
      // 'self'` keeps the caller's leg when the far end hangs up, so the flow carries on from
      // `connected` as TeXML's Dial action does (the default would hang the caller up too).
      const clientState = ids(0).client_state;
      return [{
        action: 'transfer',
        body: {
          ...ids(0), to: i.targets[0]!, from: i.callerId, timeout_secs: clamp(i.timeoutSeconds, 5, 600), record: i.record ? 'record-from-answer' : undefined,
          park_after_unbridge: 'self', target_leg_client_state: clientState,
        },
      }];
    }
    case 'record':
      return [{ action: 'record_start', body: { ...ids(0), format: 'mp3', channels: 'single', max_length: clamp(i.maxSeconds, 0, 14400), play_beep: i.playBeep, timeout_secs: RECORD_SILENCE_SECONDS, transcription: i.transcribe ? true : undefined } }];
    case 'hangup':
      return [{ action: 'hangup', body: ids(0) }];
    case 'sms': // effects (types.ts Effect): the server runs them, no command does
    case 'voicemail.save':
    case 'member.release':
    case 'reply.await':
    case 'queue.update':
    case 'pause': // no Call Control equivalent; the next command follows at once
    case 'redirect': // TeXML only
      return [];
    // A new instruction is a compile error here until it maps to a command (or is listed as skipped above).
    default:
      return assertNever(i, 'instruction');
  }
}

/**
 * Whether an effect takes a place in the step's command ids (`node-seq-INDEX-call`). `sms` always has: ids
 * are stored with each answer and in golden fixtures, and Telnyx drops a repeated id, so they must not move
 * under a call in progress. Effects added since take none. A new effect must say (compile error here).
 */
const EFFECT_IN_IDS = { sms: true, 'voicemail.save': false, 'member.release': false, 'reply.await': false, 'queue.update': false } satisfies Record<EffectVerb, boolean>;
const takesAPlace = (i: Instruction): boolean => !isEffect(i) || EFFECT_IN_IDS[i.verb];

/**
 * A simultaneous ring of several targets: one `dial` per target (a new leg each,
 * rung for `timeout_secs`), its `client_state` carrying `ring` = how many. The
 * server links each to the caller's leg, bridges the first to answer and hangs
 * up the rest; `bridge_intent` shows the caller's number, as a transfer does.
 */
function ringCommands(i: Extract<Instruction, { verb: 'dial' }>, flowId: string, callId: string, index: number): Command[] {
  const clientState = encodeClientState({ flow: flowId, node: i.node, seq: i.seq, ring: i.targets.length, ...(i.screen ? { screen: true as const } : {}) });
  return i.targets.map((to, leg): Command => compact({
    action: 'dial',
    body: {
      to, from: i.callerId, bridge_intent: i.callerId ? undefined : true, timeout_secs: clamp(i.timeoutSeconds, 5, 600),
      record: i.record ? 'record-from-answer' : undefined, client_state: clientState, command_id: `${commandId(callId, i.seq, i.node, index)}-${leg}`,
    },
  }));
}

/**
 * Telnyx v2 call commands for one step's instructions (`sms`, `pause` and
 * `redirect` are skipped). Every command carries `client_state` =
 * base64 `{flow, node, seq}` and a deterministic `command_id`.
 * A dial of one target (or a sequential ring's turn) becomes a `transfer`; a
 * simultaneous ring of several becomes one `dial` per target ({@link ringCommands});
 * a gather may be preceded by its leading prompts (see {@link gatherCommands}).
 */
export function toCommands(instructions: Instruction[], opts: { callId: string; flowId: string }): Command[] {
  return instructions.filter(takesAPlace).flatMap((i, index) => {
    // A screened dial rings its own legs (one or several) so the whisper and the key can run on each before the bridge.
    if (i.verb === 'dial' && (i.screen || (i.ring === 'simultaneous' && i.targets.length > 1))) return ringCommands(i, opts.flowId, opts.callId, index);
    const speech = i.verb === 'gather' && i.input === 'dtmf speech' ? true : undefined;
    const own = ownVerb(i.verb) ? i.verb : undefined;
    const client_state = encodeClientState({ flow: opts.flowId, node: i.node, seq: i.seq, speech, own });
    const ids: Ids = (part) => ({ client_state, command_id: commandId(opts.callId, i.seq, i.node, index, part) });
    return commandsFor(i, ids).map(compact);
  });
}

/**
 * What a screened dial's answering leg gets (sent by the server on that leg's `call.answered`): with
 * `requireKeypress`, a one-key gather whose prompt is the whisper (`gather_using_speak` / `_audio`, or a plain
 * `gather` when there is none); without, the whisper alone (`speak` / `playback_start`). Every command carries
 * `clientState` (the leg's ring state), so the leg's `call.gather.ended` / `call.speak.ended` find the ring.
 */
export function screenCommands(s: DialScreen, clientState: string, commandIdBase: string): Command[] {
  const ids: Ids = (part) => ({ client_state: clientState, command_id: `${commandIdBase}${part ? `.${part}` : ''}` });
  const at = { node: 'screen', seq: 0 };
  if (!s.requireKeypress) return s.whisper ? commandsFor({ ...at, ...s.whisper }, ids).map(compact) : [];
  const gather: Extract<Instruction, { verb: 'gather' }> = {
    ...at, verb: 'gather', prompts: s.whisper ? [s.whisper] : [], input: 'dtmf', numDigits: 1, timeoutSeconds: s.timeoutSeconds,
    // `#` ends an entry by default (terminating_digit): when it is the accept key it must count as a key.
    finishOnKey: s.acceptKey === '#' ? '' : '#',
  };
  return gatherCommands(gather, ids).map(compact);
}

/** The `answer` command sent on `call.initiated`; its id is `answer-<callId>` so a repeated webhook answers once. */
export function answerCommand(callId: string, flowId: string): Command {
  return { action: 'answer', body: { client_state: encodeClientState({ flow: flowId, node: 'answer', seq: 0 }), command_id: `answer-${callId}` } };
}
