import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from './nodes/common.js';
import type { Instruction, Prompt } from './types.js';

/** A Call Control action: POST /v2/calls/{call_control_id}/actions/{action} with `body`. */
export interface Command {
  /**
   * `gather` (digits with no prompt) is only used for a gather that has no
   * prompt at all, since gather_using_speak requires a payload.
   */
  action: 'answer' | 'speak' | 'playback_start' | 'gather_using_speak' | 'gather_using_audio' | 'gather' | 'transfer' | 'record_start' | 'record_stop' | 'hangup'
    /** `POST /v2/calls` (a new leg, linked to this call): the server adds `connection_id` and `link_to`. */
    | 'dial'
    /** Bridges this call with `call_control_id` (sent by the server when a rung leg answers). */
    | 'bridge';
  /** Telnyx's own field names; always has `client_state` (base64) and a deterministic `command_id`. */
  body: Record<string, unknown>;
}

/**
 * What travels in `client_state` (base64 of this JSON). `ring`: on a leg
 * dialled for a simultaneous ring, how many legs the step dialled.
 */
export interface ClientState { flow: string; node: string; seq: number; ring?: number }

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

function fromBase64(b64: string): string {
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** base64 of the JSON `{flow, node, seq}`: Telnyx echoes it on every later webhook of the call. */
export function encodeClientState(s: ClientState): string {
  return toBase64(JSON.stringify(s.ring === undefined ? { flow: s.flow, node: s.node, seq: s.seq } : { flow: s.flow, node: s.node, seq: s.seq, ring: s.ring }));
}

/** Decodes `client_state`; undefined when it is empty or not ours. Never throws. */
export function decodeClientState(b64: string | null | undefined): ClientState | undefined {
  if (typeof b64 !== 'string' || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  try {
    const v: unknown = JSON.parse(fromBase64(b64));
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const { flow, node, seq, ring } = v as Record<string, unknown>;
    if (typeof flow !== 'string' || !flow || typeof node !== 'string' || !node) return undefined;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) return undefined;
    if (ring !== undefined && (typeof ring !== 'number' || !Number.isInteger(ring) || ring < 1)) return undefined;
    return ring === undefined ? { flow, node, seq } : { flow, node, seq, ring };
  } catch {
    return undefined;
  }
}

/**
 * Same call, step, node and position → same id, so a retried webhook that
 * re-sends a command is ignored by Telnyx (duplicates within 60 s are dropped).
 */
export function commandId(callId: string, seq: number, node: string, index: number): string {
  return `${node}-${seq}-${index}-${callId}`;
}

/** Drops undefined fields so bodies compare and serialise cleanly. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));
const cut = (text: string) => [...text].slice(0, MAX_PAYLOAD).join('');

function gatherBody(i: Extract<Instruction, { verb: 'gather' }>): { action: Command['action']; body: Record<string, unknown> } {
  const digits = {
    minimum_digits: 1,
    maximum_digits: i.numDigits ?? 128,
    valid_digits: i.validDigits,
    terminating_digit: i.finishOnKey,
    timeout_millis: clamp(i.timeoutSeconds, 1, 600) * 1000,
    inter_digit_timeout_millis: clamp(i.timeoutSeconds, 1, 600) * 1000,
    // The engine counts retries itself (menu maxRetries): one try per command.
    maximum_tries: 1,
  };
  const first = i.prompts[0];
  if (first?.verb === 'play') return { action: 'gather_using_audio', body: { audio_url: first.url, ...digits } };
  const says = i.prompts.filter((p): p is Extract<Prompt, { verb: 'say' }> => p.verb === 'say');
  if (!says.length) return { action: 'gather', body: digits };
  return {
    action: 'gather_using_speak',
    body: {
      payload: cut(says.map((p) => p.text).join(' ')),
      voice: says.find((p) => p.voice)?.voice ?? DEFAULT_VOICE,
      language: says.find((p) => p.language)?.language ?? DEFAULT_LANGUAGE,
      ...digits,
    },
  };
}

/** The command for one instruction, without client_state / command_id; undefined when skipped. */
function commandFor(i: Instruction, clientState: string): Command | undefined {
  switch (i.verb) {
    case 'say':
      return { action: 'speak', body: { payload: cut(i.text), voice: i.voice ?? DEFAULT_VOICE, language: i.language ?? DEFAULT_LANGUAGE, loop: i.loop && i.loop > 1 ? i.loop : undefined } };
    case 'play':
      return { action: 'playback_start', body: { audio_url: i.url, loop: i.loop } };
    case 'gather':
      return gatherBody(i);
    case 'dial':
      // One target (a transfer, a sequential ring's turn): Telnyx's transfer. `park_after_unbridge:
      // 'self'` keeps the caller's leg when the far end hangs up, so the flow carries on from
      // `connected` as TeXML's Dial action does (the default would hang the caller up too).
      return {
        action: 'transfer',
        body: {
          to: i.targets[0], from: i.callerId, timeout_secs: clamp(i.timeoutSeconds, 5, 600), record: i.record ? 'record-from-answer' : undefined,
          park_after_unbridge: 'self', target_leg_client_state: clientState,
        },
      };
    case 'record':
      return {
        action: 'record_start',
        body: { format: 'mp3', channels: 'single', max_length: clamp(i.maxSeconds, 0, 14400), play_beep: i.playBeep, timeout_secs: RECORD_SILENCE_SECONDS, transcription: i.transcribe ? true : undefined },
      };
    case 'hangup':
      return { action: 'hangup', body: {} };
    case 'sms': // sent by the server through the messaging API
    case 'pause': // no Call Control equivalent; the next command follows at once
    case 'redirect': // TeXML only
      return undefined;
  }
}

/**
 * A simultaneous ring of several targets: one `dial` per target (a new leg each,
 * rung for `timeout_secs`), its `client_state` carrying `ring` = how many. The
 * server links each to the caller's leg, bridges the first to answer and hangs
 * up the rest; `bridge_intent` shows the caller's number, as a transfer does.
 */
function ringCommands(i: Extract<Instruction, { verb: 'dial' }>, flowId: string, callId: string, index: number): Command[] {
  const clientState = encodeClientState({ flow: flowId, node: i.node, seq: i.seq, ring: i.targets.length });
  return i.targets.map((to, leg) => ({
    action: 'dial' as const,
    body: compact({
      to, from: i.callerId, bridge_intent: i.callerId ? undefined : true, timeout_secs: clamp(i.timeoutSeconds, 5, 600),
      record: i.record ? 'record-from-answer' : undefined, client_state: clientState, command_id: `${commandId(callId, i.seq, i.node, index)}-${leg}`,
    }),
  }));
}

/**
 * Telnyx v2 call commands for one step's instructions (`sms`, `pause` and
 * `redirect` are skipped). Every command carries `client_state` =
 * base64 `{flow, node, seq}` and a deterministic `command_id`.
 * A dial of one target (or a sequential ring's turn) becomes a `transfer`; a
 * simultaneous ring of several becomes one `dial` per target ({@link ringCommands}).
 */
export function toCommands(instructions: Instruction[], opts: { callId: string; flowId: string }): Command[] {
  const out: Command[] = [];
  instructions.forEach((i, index) => {
    if (i.verb === 'dial' && i.ring === 'simultaneous' && i.targets.length > 1) { out.push(...ringCommands(i, opts.flowId, opts.callId, index)); return; }
    const clientState = encodeClientState({ flow: opts.flowId, node: i.node, seq: i.seq });
    const c = commandFor(i, clientState);
    if (!c) return;
    out.push({ action: c.action, body: compact({ ...c.body, client_state: clientState, command_id: commandId(opts.callId, i.seq, i.node, index) }) });
  });
  return out;
}

/** The `answer` command sent on `call.initiated`; its id is `answer-<callId>` so a repeated webhook answers once. */
export function answerCommand(callId: string, flowId: string): Command {
  return { action: 'answer', body: { client_state: encodeClientState({ flow: flowId, node: 'answer', seq: 0 }), command_id: `answer-${callId}` } };
}
