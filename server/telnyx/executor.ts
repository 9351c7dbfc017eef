import { APIConnectionError, APIError } from 'telnyx';
import type Telnyx from 'telnyx';
import type { Logger } from 'pino';
import type {
  ActionAnswerParams, ActionGatherParams, ActionGatherUsingAudioParams, ActionGatherUsingSpeakParams, ActionHangupParams, ActionSpeakParams,
  ActionStartPlaybackParams, ActionStartRecordingParams, ActionStartTranscriptionParams, ActionStopGatherParams, ActionStopRecordingParams,
  ActionStopTranscriptionParams, ActionTransferParams, ActionBridgeParams, ActionGatherUsingAIParams, ActionStartAIAssistantParams,
  ActionRejectParams,
} from 'telnyx/resources/calls/actions';
import type { CallDialParams } from 'telnyx/resources/calls/calls';
import type { BodyOf, Command } from '../../engine/call-control.js';
import { APOLOGY } from '../../engine/compile.js';


/** The SDK's own body type of each action the engine emits. */
interface SdkBodies {
  answer: ActionAnswerParams; speak: ActionSpeakParams; playback_start: ActionStartPlaybackParams;
  gather_using_speak: ActionGatherUsingSpeakParams; gather_using_audio: ActionGatherUsingAudioParams; gather: ActionGatherParams;
  gather_stop: ActionStopGatherParams; transcription_start: ActionStartTranscriptionParams; transcription_stop: ActionStopTranscriptionParams;
  transfer: ActionTransferParams; record_start: ActionStartRecordingParams; record_stop: ActionStopRecordingParams; hangup: ActionHangupParams;
  gather_using_ai: ActionGatherUsingAIParams; ai_assistant_start: ActionStartAIAssistantParams;
  reject: ActionRejectParams;
  /** Partial: the server fills connection_id and from before sending (checked in {@link send}). */
  dial: Partial<CallDialParams>;
  /** The wire shape (TELNYX.md §4): `call_control_id`, which the SDK takes as `call_control_id_to_bridge_with`. */
  bridge: Omit<ActionBridgeParams, 'call_control_id_to_bridge_with'> & { call_control_id: string };
}

/**
 * True when every field of our body E is a field the SDK declares for the
 * action (S), with a type S accepts. Plain assignability would let an
 * unknown field through (TypeScript checks excess fields only on literals).
 */
type Fits<E, S> = [Exclude<keyof E, keyof S>] extends [never] ? (E extends S ? true : false) : false;

/**
 * Compile-time proof that each engine command body fits the SDK's param
 * type: a field Telnyx does not document (the old `maximum_tries` on plain
 * `gather`) makes its entry `false` and this does not compile. Every
 * action of {@link Command} must be listed (the mapped type requires it).
 */
export const BODIES_FIT: { [A in Command['action']]: Fits<BodyOf<A>, SdkBodies[A]> } = {
  answer: true, speak: true, playback_start: true, gather_using_speak: true, gather_using_audio: true, gather: true,
  gather_stop: true, transcription_start: true, transcription_stop: true, transfer: true, record_start: true, record_stop: true, hangup: true,
  dial: true, bridge: true, gather_using_ai: true, ai_assistant_start: true, reject: true,
};

/**
 * Sends one command through its SDK method (STACK.md gotcha 7: camelCase
 * under `calls.actions`): a new leg for `dial`, a call action otherwise.
 */
function send(client: Telnyx, id: string, c: Command): Promise<unknown> {
  const a = client.calls.actions;
  switch (c.action) {
    case 'answer': return a.answer(id, c.body);
    case 'speak': return a.speak(id, c.body);
    case 'playback_start': return a.startPlayback(id, c.body);
    case 'gather_using_speak': return a.gatherUsingSpeak(id, c.body);
    case 'gather_using_audio': return a.gatherUsingAudio(id, c.body);
    case 'gather': return a.gather(id, c.body);
    case 'gather_stop': return a.stopGather(id, c.body);
    case 'transcription_start': return a.startTranscription(id, c.body);
    case 'transcription_stop': return a.stopTranscription(id, c.body);
    case 'transfer': return a.transfer(id, c.body);
    case 'record_start': return a.startRecording(id, c.body);
    case 'record_stop': return a.stopRecording(id, c.body);
    case 'hangup': return a.hangup(id, c.body);
    case 'gather_using_ai': return a.gatherUsingAI(id, c.body);
    case 'ai_assistant_start': return a.startAIAssistant(id, c.body);
    case 'reject': return a.reject(id, c.body);
    case 'bridge': {
      const { call_control_id, ...rest } = c.body;
      return a.bridge(id, { ...rest, call_control_id_to_bridge_with: call_control_id });
    }
    case 'dial': {
      const { connection_id, from, ...rest } = c.body;
      // The engine leaves these to the server (linkDials); a dial without them is our bug, not Telnyx's 422.
      if (!connection_id || !from) return Promise.reject(new Error('dial command without connection_id or from'));
      return client.calls.dial({ ...rest, connection_id, from });
    }
  }
}

/** Worth retrying with the same command_id: 5xx, 408, 429, timeouts and connection failures. */
export function transient(err: unknown): boolean {
  if (err instanceof APIConnectionError) return true;
  if (err instanceof APIError) return err.status === undefined || err.status >= 500 || err.status === 408 || err.status === 429;
  return false;
}

export interface ExecOptions {
  attempts: number; delayMs: number; log: Logger;
  /** Told of every failed attempt (`final`: it will not be retried): the metrics count them. */
  onError?: (action: string, final: boolean) => void;
}

/** Sends one command, retrying transient failures with the same `command_id` (Telnyx drops repeats). */
export async function sendCommand(client: Telnyx, ccid: string, cmd: Command, o: ExecOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send(client, ccid, cmd);
      return;
    } catch (err) {
      const final = !transient(err) || attempt >= o.attempts;
      o.onError?.(cmd.action, final);
      if (final) throw err;
      o.log.warn({ err: (err as Error).message, ccid, action: cmd.action, attempt }, 'telnyx command failed; retrying');
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs * attempt));
    }
  }
}

/** What happened to a step's commands. */
export interface ExecResult { ok: boolean; failed?: { action: string; error: string } }

/** Executes a step's commands in order and stops at the first that fails for good. */
export async function executeCommands(client: Telnyx, ccid: string, commands: Command[], o: ExecOptions): Promise<ExecResult> {
  for (const cmd of commands) {
    try {
      await sendCommand(client, ccid, cmd, o);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      o.log.error({ err: error, ccid, action: cmd.action }, 'telnyx command failed; ending the call safely');
      return { ok: false, failed: { action: cmd.action, error } };
    }
  }
  return { ok: true };
}

/** The node name in `client_state` of the apology: its `call.speak.ended` triggers the hangup. */
export const APOLOGY_NODE = '__apology';

/**
 * The safe ending after a hard failure: speak an apology (the hangup follows
 * on its `call.speak.ended`, so the words are not cut off); when even that
 * fails, hang up at once. Never leaves the caller in silence.
 */
export async function endSafely(client: Telnyx, ccid: string, clientState: string, tag: string, o: ExecOptions): Promise<'apology' | 'hangup' | 'none'> {
  try {
    await sendCommand(client, ccid, { action: 'speak', body: { payload: APOLOGY, voice: 'female', language: 'en-US', client_state: clientState, command_id: `apology-${tag}` } }, o);
    return 'apology';
  } catch {
    try {
      await sendCommand(client, ccid, { action: 'hangup', body: { command_id: `fallback-hangup-${tag}` } }, o);
      return 'hangup';
    } catch {
      return 'none';
    }
  }
}
