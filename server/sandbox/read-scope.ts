/**
 * Who may read the sandbox's calls and messages (transcripts, texts): they
 * belong to the companies whose numbers they involve. The app in front of the
 * sandbox (server/app.ts) checks the reader's company API key and puts the
 * numbers that company owns on `res.locals[READ_SCOPE]`; the sandbox shows only
 * calls and messages of those numbers. Without a scope a read is refused (401),
 * unless the sandbox was made with `openReads` (a test bench with no app in front).
 */
import type { Response } from 'express';

/** The `res.locals` key the app sets. */
export const READ_SCOPE = 'sandboxReadScope';

/** The 401 message of a read that carries no company scope. */
export const UNSCOPED = 'Send Authorization: Bearer <API key>: calls and messages are shown only to the company that owns their numbers';

/** The numbers whose calls and messages this reader may see. */
export interface ReadScope { numbers: ReadonlySet<string> }

/** The reader's scope: `'all'` for an open bench, undefined when the request carries none (refuse it). */
export function readScope(res: Response, openReads: boolean): ReadScope | 'all' | undefined {
  const scope = res.locals[READ_SCOPE] as ReadScope | undefined;
  return scope ?? (openReads ? 'all' : undefined);
}

/** True when `scope` holds `number` (a message's sender). */
export const inScope = (scope: ReadScope | 'all', number: string | undefined): boolean =>
  scope === 'all' || (number !== undefined && scope.numbers.has(number));

/**
 * A call is its line's: an inbound call belongs to the number called, an outbound dial to the number it is
 * from (a caller who gives some company's number as `from` does not show that company the call).
 */
export const callInScope = (scope: ReadScope | 'all', c: { direction: 'incoming' | 'outgoing'; from: string; to: string }): boolean =>
  inScope(scope, c.direction === 'incoming' ? c.to : c.from);
