/**
 * Call screening (engine `dial.screen`): a step that emits a screened dial keeps its screen (the whisper filled,
 * the accept key, the wait) with its snapshot, in the same transaction (runner.ts `advance`, StepWrites.screen),
 * under `screen:<call>:<seq>`. The callee-leg webhooks of that dial read it back: TeXML's `<Number url>` fetch
 * and its Gather's key (webhooks/texml-screen.ts), Call Control's answered / gather.ended legs (webhooks/cc-ring.ts).
 * The server never reads the node's data: only the instruction the engine emitted.
 */
import type { DialScreen, Instruction } from '../../engine/types.js';
import type { Ctx } from '../deps.js';

/** Where the screen of the dial `callId` waits on at step `seq` is kept. */
export const screenKey = (callId: string, seq: number) => `screen:${callId}:${seq}`;

/** The screened dial among a step's instructions, as the store keeps it; undefined when the step has none. */
export function screenWrite(callId: string, instructions: Instruction[]): { key: string; body: string } | undefined {
  const dial = instructions.find((i): i is Extract<Instruction, { verb: 'dial' }> => i.verb === 'dial' && !!i.screen);
  return dial ? { key: screenKey(callId, dial.seq), body: JSON.stringify(dial.screen) } : undefined;
}

/** The screen of the dial `callId` waits on at `seq`; undefined when that step's dial was not screened. */
export async function storedScreen(ctx: Ctx, callId: string, seq: number): Promise<DialScreen | undefined> {
  const body = await ctx.store.eventAnswer(screenKey(callId, seq));
  if (!body) return undefined;
  try { return JSON.parse(body) as DialScreen; } catch { return undefined; }
}

/** Did the person who answered take the call? Digits as Telnyx reports them (TeXML `Digits`, Call Control `digits`). */
export function accepts(s: DialScreen, digits: string | undefined): boolean {
  return !s.requireKeypress || (digits ?? '') === s.acceptKey;
}
