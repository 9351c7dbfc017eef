/**
 * Rate limits (express-rate-limit, in-memory): `/api` per API key (or per IP
 * without one) and the webhooks per sender IP. Defaults are generous — a busy
 * line's Telnyx traffic stays far below them — and a config can change them.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
import { renderApology } from '../engine/texml.js';

/** Requests per minute; 0 turns a limit off. */
export interface RateLimits {
  /** Per API key on `/api` (default 600/min). */
  apiPerMinute?: number;
  /** Per sender IP on `/webhooks` (default 30,000/min: 1,000 live calls send 15,000–20,000 a minute). */
  webhooksPerMinute?: number;
  /** Wrong API keys per client IP on `/api` (default 20/min); past it a wrong key gets 429, a right key still passes. */
  authFailuresPerMinute?: number;
}

export const DEFAULT_RATE_LIMITS: Required<RateLimits> = { apiPerMinute: 600, webhooksPerMinute: 30_000, authFailuresPerMinute: 20 };

/** Reads `CALLFLOW_API_RATE_LIMIT` / `CALLFLOW_WEBHOOK_RATE_LIMIT` / `CALLFLOW_AUTH_FAILURE_LIMIT` (per minute, 0 = off); unset or invalid → default. */
export function rateLimitsFromEnv(env: Record<string, string | undefined>): Required<RateLimits> {
  const read = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return dflt;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : dflt;
  };
  return {
    apiPerMinute: read('CALLFLOW_API_RATE_LIMIT', DEFAULT_RATE_LIMITS.apiPerMinute),
    webhooksPerMinute: read('CALLFLOW_WEBHOOK_RATE_LIMIT', DEFAULT_RATE_LIMITS.webhooksPerMinute),
    authFailuresPerMinute: read('CALLFLOW_AUTH_FAILURE_LIMIT', DEFAULT_RATE_LIMITS.authFailuresPerMinute),
  };
}

/**
 * Express's 'trust proxy' setting: which X-Forwarded-For hops to believe
 * when deciding a request's IP (the webhook limit is per IP).
 * `false` (the default): the socket's address, so a client cannot pick its
 * own bucket with a forged header; a number: that many proxies in front;
 * a string: the proxies' addresses or subnets (`loopback`, `10.0.0.0/8`, …).
 */
export type TrustProxy = boolean | number | string;

/** Reads `TRUST_PROXY`: unset, empty, `false` or `0` → off; `true` → every hop (only behind a proxy that overwrites the header); `N` → N hops; anything else → addresses/subnets. */
export function trustProxyFromEnv(env: Record<string, string | undefined>): TrustProxy {
  const v = env.TRUST_PROXY?.trim();
  if (!v || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

const ip = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
const pass: RequestHandler = (_req, _res, next) => next();

/**
 * Per-key limit for `/api`. The key is hashed before it is used as the bucket
 * name so raw keys never sit in the limiter's memory.
 */
export function apiRateLimit(perMinute: number): RequestHandler {
  if (!perMinute) return pass;
  return rateLimit({
    windowMs: 60_000, limit: perMinute, standardHeaders: 'draft-8', legacyHeaders: false,
    // 'trust proxy' is the operator's choice (TRUST_PROXY, off by default; see server/README); a forged
    // X-Forwarded-For with it off is just ignored, not worth a warning per process.
    validate: { trustProxy: false, xForwardedForHeader: false },
    keyGenerator: (req) => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      return m ? `key:${createHash('sha256').update(m[1]!).digest('base64url')}` : `ip:${ip(req)}`;
    },
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'rate_limited', message: `Too many requests: the limit is ${perMinute} per minute per API key` } });
    },
  });
}

/**
 * Per-IP limit for `/webhooks`. A refused TeXML request still gets valid TeXML
 * (the apology, then hangup) so a caller is never left in silence; Telnyx
 * retries other webhooks on a 429.
 */
export function webhookRateLimit(perMinute: number): RequestHandler {
  if (!perMinute) return pass;
  return rateLimit({
    // No RateLimit headers on webhook answers: Telnyx does not read them, and draft-8's per-request
    // SHA-256 of the bucket name was ~10 % of a webhook's event-loop time (bench/README.md).
    // A refused webhook says when to come back (Retry-After, below).
    windowMs: 60_000, limit: perMinute, standardHeaders: false, legacyHeaders: false,
    // 'trust proxy' is the operator's choice (TRUST_PROXY, off by default; see server/README); a forged
    // X-Forwarded-For with it off is just ignored, not worth a warning per process.
    validate: { trustProxy: false, xForwardedForHeader: false },
    keyGenerator: (req) => ip(req),
    handler: (req, res) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      res.set('Retry-After', String(reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60));
      if (req.originalUrl.startsWith('/webhooks/texml')) res.status(429).type('text/xml').send(renderApology());
      else res.status(429).json({ error: { code: 'rate_limited', message: `Too many webhooks: the limit is ${perMinute} per minute per sender` } });
    },
  });
}

/** Counts wrong API keys per client IP; see {@link authFailureLimit}. */
export interface AuthFailures {
  /** Counts one wrong key from this request's IP; the seconds to wait when that IP is past the limit, else 0. */
  failed(req: Request): Promise<number>;
  /** The seconds this request's IP must still wait (it is past the limit), else 0; counts nothing. */
  waiting(req: Request): Promise<number>;
  readonly perMinute: number;
}

/**
 * Wrong API keys per client IP (the per-key limit above cannot see them: each
 * guess is a new key, so a new bucket). Only failures count, and a right key
 * is never refused by it, so a client that mistyped its key, or a shared office
 * address, is not locked out once it sends the right one. 0 turns it off.
 */
export function authFailureLimit(perMinute: number): AuthFailures | undefined {
  if (!perMinute) return undefined;
  const store = new MemoryStore();
  store.init({ windowMs: 60_000 } as Options);
  return {
    perMinute,
    async failed(req) {
      const { totalHits, resetTime } = await store.increment(`ip:${ip(req)}`);
      if (totalHits <= perMinute) return 0;
      return resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
    },
    async waiting(req) {
      const hit = await store.get(`ip:${ip(req)}`);
      if (!hit || hit.totalHits <= perMinute) return 0;
      return hit.resetTime ? Math.max(1, Math.ceil((hit.resetTime.getTime() - Date.now()) / 1000)) : 60;
    },
  };
}
