import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import type { Company } from '../store/types.js';
import type { ApiKeyRow, PersonRow, Role } from '../store/account-types.js';
import type { Ctx } from '../deps.js';
import type { AuthFailures } from '../rate-limit.js';
import { aRole, atLeast, lowerOf, requiredRole } from '../accounts/roles.js';

/** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when PUBLIC_URL is https. */
export const SESSION_COOKIE = 'callflow_session';
/** A session ends this long after sign-in, whatever happens. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** …or after this long without a request. */
export const SESSION_IDLE_MS = 24 * 3600_000;
/** The header a cookie-signed-in browser sends on every write, with the token GET /api/me and sign-in answer. */
export const CSRF_HEADER = 'x-csrf-token';

/** Who is asking: a person (signed in, or through their key) or a key of no one (acts as an owner). */
export interface Actor {
  role: Role;
  via: 'session' | 'key';
  person?: PersonRow;
  key?: ApiKeyRow;
  /** For the audit log: the person's email, or `API key cf_ab12…`. */
  label: string;
  /** Session only: its token (to sign out) and CSRF token. */
  session?: { token: string; csrf: string };
}

/** The company of the request's key or session (set by {@link authenticate}). */
export function companyOf(res: Response): Company {
  return res.locals.company as Company;
}

/** Who is asking (set by {@link authenticate}). */
export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** A fresh random token (sessions, CSRF, invitations, resets): 32 bytes, base64url. */
export const newToken = () => randomBytes(32).toString('base64url');

/** The session token in the request's cookies, if any. */
export function sessionToken(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(i + 1).trim()) || undefined;
  }
  return undefined;
}

/** A readable cookie beside the session (no secret in it): the console asks GET /api/me only when it is there, instead of a 401 on every fresh visit. */
export const SIGNED_IN_COOKIE = 'callflow_signed_in';

/** Sets (token) or clears (undefined) the session cookie (and its readable marker). */
export function setSessionCookie(ctx: Ctx, res: Response, token: string | undefined): void {
  const opts = { httpOnly: true, sameSite: 'strict' as const, secure: ctx.publicUrl().startsWith('https:'), path: '/' };
  if (token) {
    res.cookie(SESSION_COOKIE, token, { ...opts, maxAge: SESSION_TTL_MS });
    res.cookie(SIGNED_IN_COOKIE, '1', { ...opts, httpOnly: false, maxAge: SESSION_TTL_MS });
  } else {
    res.clearCookie(SESSION_COOKIE, opts);
    res.clearCookie(SIGNED_IN_COOKIE, { ...opts, httpOnly: false });
  }
}

const keyLabel = (k: ApiKeyRow, p?: PersonRow) => `${p ? `${p.email} with ` : ''}API key ${k.prefix ?? '(issued before accounts)'}…`;

/** Counts a wrong credential against the client IP; past the limit the answer is 429 with Retry-After. */
export async function countFailure(req: Request, res: Response, failures: AuthFailures | undefined, what: string): Promise<AppError | undefined> {
  const wait = failures ? await failures.failed(req) : 0;
  if (!wait) return undefined;
  res.set('Retry-After', String(wait));
  return new AppError('rate_limited', `Too many wrong ${what} from this address (limit ${failures!.perMinute} a minute): try again in ${wait} s`);
}

/**
 * `Authorization: Bearer <key>` (scripts: unchanged, needs no CSRF token) or the session cookie (the console)
 * → the company and the {@link Actor}; 401 without either. A wrong key or session token counts against the
 * client IP (`failures`): past the limit it gets 429 with Retry-After instead. A Bearer header wins over a cookie.
 */
export function authenticate(ctx: Ctx, failures?: AuthFailures): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const at = ctx.now();
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (m || req.get('authorization')) {
      const found = m ? await ctx.store.keyAuth(m[1]!, at.toISOString()) : undefined;
      if (!found) {
        if (m) { const limited = await countFailure(req, res, failures, 'API keys'); if (limited) return next(limited); }
        return next(new AppError('unauthorized', m ? 'API key not recognised' : 'Send Authorization: Bearer <API key>'));
      }
      const { company, key, person } = found;
      const role = person ? lowerOf(key.role ?? person.role, person.role) : key.role ?? 'owner';
      res.locals.company = company;
      res.locals.actor = { role, via: 'key', key, ...(person ? { person } : {}), label: keyLabel(key, person) } satisfies Actor;
      return next();
    }
    const token = sessionToken(req);
    if (!token) return next(new AppError('unauthorized', 'Sign in, or send Authorization: Bearer <API key>'));
    const s = await ctx.store.webSessionByToken(token, at.toISOString(), new Date(at.getTime() - SESSION_IDLE_MS).toISOString());
    if (!s) {
      const limited = await countFailure(req, res, failures, 'session tokens');
      if (limited) return next(limited);
      setSessionCookie(ctx, res, undefined);
      return next(new AppError('unauthorized', 'Your session has ended: sign in again', undefined, { reason: 'session_ended' }));
    }
    // At most one write a minute per session for the idle timeout.
    if (Date.parse(s.lastSeenAt) < at.getTime() - 60_000) await ctx.store.touchWebSession(token, at.toISOString(), new Date(at.getTime() - 60_000).toISOString());
    res.locals.company = s.company;
    res.locals.actor = { role: s.person.role, via: 'session', person: s.person, label: s.person.email, session: { token, csrf: s.csrf } } satisfies Actor;
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * After {@link authenticate}, before every route: a cookie-signed-in write must carry the session's CSRF token
 * in `X-CSRF-Token` (another site can make the browser send the cookie, but cannot read the token); then the
 * role table (accounts/roles.ts) decides. A refusal is 403 naming the role needed and the role the caller has.
 */
export function authorize(): RequestHandler {
  return (req, res, next) => {
    const actor = actorOf(res);
    if (actor.session && !SAFE.has(req.method)) {
      const sent = req.get(CSRF_HEADER) ?? '';
      if (!sameToken(sent, actor.session.csrf)) {
        return next(new AppError('forbidden', `Missing or wrong ${CSRF_HEADER} header: a signed-in browser sends the token from GET /api/me with every change`, undefined, { reason: 'csrf' }));
      }
    }
    const need = requiredRole(req.method, req.baseUrl + req.path);
    if (!atLeast(actor.role, need.role)) {
      return next(new AppError('forbidden', `${need.what[0]!.toUpperCase()}${need.what.slice(1)} needs the ${need.role} role or above; you are ${aRole(actor.role)}`, undefined, { need: need.role, role: actor.role }));
    }
    next();
  };
}
