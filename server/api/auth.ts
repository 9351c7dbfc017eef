import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import type { Company } from '../store/types.js';
import type { Ctx } from '../deps.js';
import type { AuthFailures } from '../rate-limit.js';

/** The company of the API key on this request (set by {@link requireKey}). */
export function companyOf(res: Response): Company {
  return res.locals.company as Company;
}

/**
 * `Authorization: Bearer <key>` → the key's company; 401 without a valid key. A wrong key counts
 * against its client IP (`failures`): past the limit it gets 429 with Retry-After instead.
 */
export function requireKey(ctx: Ctx, failures?: AuthFailures): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const company = m ? await ctx.store.companyByKey(m[1]!) : undefined;
    if (!company && m && failures) {
      const wait = await failures.failed(req);
      if (wait) {
        res.set('Retry-After', String(wait));
        return next(new AppError('rate_limited', `Too many wrong API keys from this address (limit ${failures.perMinute} a minute): try again in ${wait} s`));
      }
    }
    if (!company) return next(new AppError('unauthorized', m ? 'API key not recognised' : 'Send Authorization: Bearer <API key>'));
    res.locals.company = company;
    next();
  };
}
