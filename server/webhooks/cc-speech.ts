/**
 * The speech half of a Call Control menu: what the server sends around a
 * step whose event answered a menu that was listening for speech
 * (`client_state.speech`, see engine/call-control.ts).
 */
import { decodeClientState, encodeClientState, type ClientState, type Command } from '../../engine/call-control.js';

/**
 * A speech menu answered (by a final transcript or by keys): stop its
 * transcription, and, when speech won, the gather still waiting for keys
 * (it ends `cancelled`, which moves nothing). Sent before the next step's
 * commands, with ids of this step so a retried webhook sends them once.
 */
export function stopSpeech(type: string, cs: ClientState, ccid: string): Command[] {
  const ids = (what: string) => ({ client_state: encodeClientState(cs), command_id: `${what}-${cs.seq}-${ccid}` });
  const stop: Command[] = [{ action: 'transcription_stop', body: ids('transcription-stop') }];
  return type === 'call.transcription' ? [{ action: 'gather_stop', body: ids('gather-stop') }, ...stop] : stop;
}

/**
 * `before` then `next`, except that a speech menu asking again (its own
 * re-prompt) keeps its transcription running: the stop and the new start
 * are both left out (two commands fewer per re-prompt, same hints).
 */
export function joinSpeech(before: Command[], next: Command[]): Command[] {
  const stop = before.find((c) => c.action === 'transcription_stop');
  const node = decodeClientState(stop?.body.client_state)?.node;
  const start = next.find((c) => c.action === 'transcription_start' && decodeClientState(c.body.client_state)?.node === node);
  if (!stop || !start) return [...before, ...next];
  return [...before.filter((c) => c !== stop), ...next.filter((c) => c !== start)];
}
