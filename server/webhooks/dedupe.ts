/**
 * Retries and races of one webhook (a Call Control event id, a TeXML CallSid +
 * step), without a claim that a crash could leave behind:
 *
 * - the answer is stored in the same transaction as the snapshot the step
 *   produced (store `saveSnapshot(…, {answer})`), so "stepped" ⇔ "answered";
 * - an event with no stored answer is simply processed again (the first
 *   attempt died before its snapshot, or is still running: the engine step is
 *   deterministic and only one conditional snapshot write can win);
 * - the loser of that write returns the winner's stored answer and causes no
 *   side effect;
 * - a Call Control event is marked done only after its commands were sent: an
 *   answer that is not done is re-sent (same `command_id`s, which Telnyx drops
 *   as repeats) once the attempt that stored it has had a moment to finish.
 */
import type { Ctx } from '../deps.js';
import type { EventState } from '../store/types.js';

/** How long after an answer was stored its own attempt is presumed alive (still sending its commands). */
export const GRACE_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `ok(state)` or until the attempt that stored the answer has had
 * GRACE_MS since storing it (a crashed one never will); returns the last state.
 */
export async function waitFor(ctx: Ctx, key: string, ok: (s: EventState) => boolean, graceMs = GRACE_MS): Promise<EventState | undefined> {
  for (;;) {
    const s = await ctx.store.eventState(key);
    if (!s || ok(s)) return s;
    const left = (s.answeredMs ?? 0) + graceMs - Date.now();
    if (left <= 0) return s;
    await sleep(Math.min(left, 20));
  }
}
