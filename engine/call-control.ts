// STUB — replaced by the engine-output work. Signatures are the contract.
import type { Instruction } from './types.js';

/** A Call Control action: POST /v2/calls/{call_control_id}/actions/{action} with `body`. */
export interface Command {
  action: 'answer' | 'speak' | 'playback_start' | 'gather_using_speak' | 'gather_using_audio' | 'transfer' | 'record_start' | 'record_stop' | 'hangup';
  /** Telnyx's own field names; always has `client_state` (base64) and a deterministic `command_id`. */
  body: Record<string, unknown>;
}

/** What travels in `client_state` (base64 of this JSON). */
export interface ClientState { flow: string; node: string; seq: number }

/** Commands for one step's instructions (`sms` and `pause` are skipped). */
export function toCommands(_instructions: Instruction[], _opts: { callId: string; flowId: string }): Command[] {
  throw new Error('toCommands: not built yet');
}

/** The `answer` command sent on `call.initiated`. */
export function answerCommand(_callId: string, _flowId: string): Command {
  throw new Error('answerCommand: not built yet');
}

export function encodeClientState(_s: ClientState): string {
  throw new Error('not built yet');
}

/** Decodes `client_state`; undefined when it is empty or not ours. */
export function decodeClientState(_b64: string | null | undefined): ClientState | undefined {
  throw new Error('not built yet');
}
