import { APIConnectionError, APIError } from 'telnyx';
import type Telnyx from 'telnyx';
import type { Logger } from 'pino';
import type { Command } from '../../engine/call-control.js';
import { APOLOGY } from '../../engine/compile.js';

type Actions = Telnyx['calls']['actions'];
type Body = Record<string, unknown>;

/** Engine command name → SDK method (STACK.md gotcha 7: camelCase under `calls.actions`). */
const ACTIONS: Record<Exclude<Command['action'], 'dial' | 'bridge'>, (a: Actions, id: string, body: Body) => Promise<unknown>> = {
  answer: (a, id, b) => a.answer(id, b as never),
  speak: (a, id, b) => a.speak(id, b as never),
  playback_start: (a, id, b) => a.startPlayback(id, b as never),
  gather_using_speak: (a, id, b) => a.gatherUsingSpeak(id, b as never),
  gather_using_audio: (a, id, b) => a.gatherUsingAudio(id, b as never),
  gather: (a, id, b) => a.gather(id, b as never),
  transfer: (a, id, b) => a.transfer(id, b as never),
  record_start: (a, id, b) => a.startRecording(id, b as never),
  record_stop: (a, id, b) => a.stopRecording(id, b as never),
  hangup: (a, id, b) => a.hangup(id, b as never),
};

/** One command through the SDK: a new leg for `dial`, a call action otherwise. */
function call(client: Telnyx, ccid: string, cmd: Command): Promise<unknown> {
  // The wire field of bridge is `call_control_id` (TELNYX.md §4); the SDK takes it as `call_control_id_to_bridge_with`.
  if (cmd.action === 'bridge') {
    const { call_control_id, ...rest } = cmd.body;
    return client.calls.actions.bridge(ccid, { ...rest, call_control_id_to_bridge_with: String(call_control_id) } as never);
  }
  if (cmd.action === 'dial') return client.calls.dial(cmd.body as never);
  return ACTIONS[cmd.action](client.calls.actions, ccid, cmd.body);
}

/** Worth retrying with the same command_id: 5xx, 408, 429, timeouts and connection failures. */
export function transient(err: unknown): boolean {
  if (err instanceof APIConnectionError) return true;
  if (err instanceof APIError) return err.status === undefined || err.status >= 500 || err.status === 408 || err.status === 429;
  return false;
}

export interface ExecOptions { attempts: number; delayMs: number; log: Logger }

/** Sends one command, retrying transient failures with the same `command_id` (Telnyx drops repeats). */
export async function sendCommand(client: Telnyx, ccid: string, cmd: Command, o: ExecOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call(client, ccid, cmd);
      return;
    } catch (err) {
      if (!transient(err) || attempt >= o.attempts) throw err;
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
