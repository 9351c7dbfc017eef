/**
 * What the numbers API does at Telnyx for a number a company holds: find the
 * number's `/phone_numbers/{id}` (and keep it), and release it. A release
 * Telnyx refuses leaves the number held, routed and billed, with the refusal
 * visible on it (`releaseStatus: 'failed'`, `releaseError`), never released
 * here while Telnyx still bills it.
 */
import { APIError } from 'telnyx';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { BizNumber } from '../store/business-types.js';
import { phoneNumberId } from '../telnyx/numbers.js';
import { telnyxError } from './telnyx-error.js';

/** Telnyx does not list the number on the account (any more). */
class NotListed extends AppError {}

/**
 * Telnyx's `/phone_numbers/{id}` of a number we hold: the stored one, else
 * looked up by number and stored (rows from before the id was kept, or
 * numbers whose id was not known yet). Throws NotListed when Telnyx does not
 * list it.
 */
export async function telnyxIdOf(ctx: Ctx, n: BizNumber): Promise<string> {
  if (n.telnyxId) return n.telnyxId;
  const id = await phoneNumberId(ctx.telnyx, n.e164);
  if (!id) throw new NotListed('not_found', `Telnyx does not list ${n.e164} on this account`, ['e164']);
  await ctx.store.configureNumber(n.companyId, n.e164, { telnyxId: id });
  return id;
}

/**
 * Runs `fn` with the number's Telnyx id. A stored id Telnyx answers 404 for
 * is looked up again by number once (the number may be listed under another
 * id: bought again, or a wrong id kept by an older version), so a number
 * Telnyx still holds is never taken for gone.
 */
export async function withTelnyxId<T>(ctx: Ctx, n: BizNumber, fn: (id: string) => Promise<T>): Promise<T> {
  const id = await telnyxIdOf(ctx, n);
  try { return await fn(id); } catch (err) {
    if (!n.telnyxId || !(err instanceof APIError && err.status === 404)) throw err;
    const again = await phoneNumberId(ctx.telnyx, n.e164);
    if (!again || again === id) throw err;
    await ctx.store.configureNumber(n.companyId, n.e164, { telnyxId: again });
    return fn(again);
  }
}

/**
 * After an order completed: looks up and stores each number's own id (the
 * order only names its entries). Best effort: a number Telnyx does not list
 * yet, or a failing lookup, is looked up again when it is first needed.
 */
export async function learnTelnyxIds(ctx: Ctx, numbers: BizNumber[]): Promise<void> {
  for (const n of numbers) {
    try { await telnyxIdOf(ctx, n); } catch (err) {
      ctx.log.warn({ number: n.e164, err: err instanceof Error ? err.message : String(err) }, 'number id not known yet: looked up again on first use');
    }
  }
}

/** Telnyx does not hold the number: not in its list, or a 404 for its id. */
function notHeld(err: unknown): boolean {
  return err instanceof NotListed || (err instanceof APIError && err.status === 404);
}

/** Telnyx's own words for a refusal (its first error's detail), else the SDK's message. */
function reason(err: unknown): string {
  const first = err instanceof APIError ? (err.error as { errors?: { detail?: string; title?: string }[] } | undefined)?.errors?.[0] : undefined;
  return first?.detail ?? first?.title ?? (err instanceof Error ? err.message : String(err));
}

/** What `releaseAtTelnyx` did: deleted there, or Telnyx did not hold it (released here only). */
export type ReleaseOutcome = 'released' | 'not held';

/**
 * Deletes an active number at Telnyx by its `/phone_numbers/{id}`. A number
 * Telnyx does not hold any more is released here only ('not held'). Any
 * other failure (Telnyx refusing, 4xx, or failing, 5xx) marks the number's
 * release failed with the reason and throws a 502 that says the number is
 * still held and billed; releasing again retries.
 */
export async function releaseAtTelnyx(ctx: Ctx, n: BizNumber): Promise<ReleaseOutcome> {
  try {
    await withTelnyxId(ctx, n, (id) => ctx.telnyx.phoneNumbers.delete(id));
    return 'released';
  } catch (err) {
    if (notHeld(err)) {
      ctx.log.warn({ company: n.companyId, number: n.e164, err: err instanceof Error ? err.message : String(err) }, 'releasing a number Telnyx does not hold: released here only');
      return 'not held';
    }
    const why = reason(err);
    await ctx.store.releaseFailed(n.companyId, n.e164, why);
    const refused = err instanceof APIError && typeof err.status === 'number' && err.status >= 400 && err.status < 500;
    const base = telnyxError(err, `Releasing ${n.e164}`);
    throw new AppError('telnyx', `${refused ? `Telnyx refused to release ${n.e164}: ${why}` : base.message}. The number is still yours: it still answers calls and Telnyx still bills it. Fix the cause, then release it again.`, ['e164'], {
      releaseStatus: 'failed', releaseError: why, ...(err instanceof APIError && err.status ? { telnyxStatus: err.status } : {}),
    });
  }
}
