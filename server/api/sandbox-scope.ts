/**
 * In front of the mounted sandbox: its reads (`GET /sandbox/calls`,
 * `/sandbox/calls/:id`, `/sandbox/messages`: transcripts and texts) need a
 * company API key or a signed-in session and show only calls and messages of that company's numbers.
 * Placing a test call or texting a number stays open, as a phone line is
 * (and the sandbox listens on loopback by default: server/startup.ts).
 */
import type { RequestHandler } from 'express';
import type { Ctx } from '../deps.js';
import { READ_SCOPE, type ReadScope } from '../sandbox/read-scope.js';
import { authenticate, companyOf } from './auth.js';
import type { AuthFailures } from '../rate-limit.js';

const READS = /^\/(calls|messages)(\/|$)/;

/** The numbers a company holds (pending or active; released ones are another's to hold). */
async function ownedNumbers(ctx: Ctx, companyId: string): Promise<Set<string>> {
  return new Set((await ctx.store.listBizNumbers(companyId)).filter((n) => n.status !== 'released').map((n) => n.e164));
}

/**
 * Mount at `/sandbox` before the sandbox router: a read without a valid key → 401 in the API's error shape;
 * `failures` is the API's per-IP wrong-key limit (the same bucket, so guessing here counts there too).
 */
export function sandboxReadScope(ctx: Ctx, failures?: AuthFailures): RequestHandler {
  const auth = authenticate(ctx, failures);
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !READS.test(req.path)) return next();
    Promise.resolve(auth(req, res, (err?: unknown) => {
      if (err) return next(err);
      ownedNumbers(ctx, companyOf(res).id).then((numbers) => {
        res.locals[READ_SCOPE] = { numbers } satisfies ReadScope;
        next();
      }, next);
    })).catch(next);
  };
}
