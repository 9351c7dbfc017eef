import type { Emit, NodeContext, Outcome } from '../node-kind.js';

/** Why an answer did not count: a wrong entry, or nothing at all. */
export type Failure = 'invalid' | 'timeout';

/** Re-prompts already used in this visit of the node (kept in `local.retries`). */
export function retriesUsed(ctx: NodeContext): number {
  const n = ctx.local.retries;
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

/**
 * One failed answer: re-prompt while re-prompts remain, otherwise leave by the
 * port named after the failure (`invalid` or `timeout`). Retries are shared by
 * both kinds of failure, as Twilio/Kazoo menus count "tries" overall.
 */
export function retryOrLeave(ctx: NodeContext, maxRetries: number, failure: Failure, reprompt: () => Emit[]): Outcome {
  const used = retriesUsed(ctx);
  if (used >= maxRetries) return { port: failure, local: { ...ctx.local, retries: used } };
  return { emit: reprompt(), local: { ...ctx.local, retries: used + 1 } };
}
