import express, { type RequestHandler } from 'express';
import type { Ctx } from '../deps.js';
import type { UnitOfWork, WebhookRow } from '../store/types.js';
import { withoutSignature } from './signature-headers.js';

/** A verified webhook as received. */
export interface Incoming {
  raw: string;
  headers: Record<string, string>;
  method: string;
  /** The path as received (with query), e.g. `/webhooks/texml/gather-menu-1?event=timeout`. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /**
   * This webhook's unit of work (store/unit-of-work.ts): the handler passes it to the writes that take part (its
   * step, its done flag). The wrapper adds the webhook's log row and awaits `unit.durable()` before answering, so
   * they commit together (one commit when nothing in between waited for I/O) and nothing is answered before.
   */
  unit: UnitOfWork;
}

/** What a webhook handler answers, plus what the webhook log should know. */
export interface Answer {
  status: number;
  contentType: 'text/xml' | 'application/json';
  body: string;
  callId?: string | null;
  companyId?: string | null;
  eventId?: string | null;
  /** What the webhook log keeps instead of the raw body: a redaction (e.g. of a deleted voicemail's words). */
  logBody?: string;
}

/** The request's headers, lower-cased, for the check and the webhook log. */
function requestHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** Raw body (signatures cover the exact bytes) with the 256 kB limit. */
export const rawBody = express.raw({ type: () => true, limit: '256kb' });

/**
 * Wraps a webhook handler: keeps the raw body, verifies the signature (401
 * `bad_signature` otherwise), calls the handler, and stores the webhook with
 * its headers (less the signature pair: withoutSignature), raw body and our answer — rejected ones too.
 */
export function webhook(
  ctx: Ctx,
  kind: WebhookRow['kind'],
  check: (raw: string, headers: Record<string, string>) => Promise<string | undefined>,
  handler: (inc: Incoming) => Promise<Answer>,
  onError: (err: unknown, inc: Incoming) => Answer,
): RequestHandler {
  return async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const headers = requestHeaders(req.headers);
    const query = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const inc: Incoming = { raw, headers, method: req.method, path: req.originalUrl, params: req.params as Record<string, string>, query, unit: ctx.store.unit() };
    const bad = await check(raw, headers);
    let answer: Answer;
    if (bad) {
      ctx.log.warn({ path: req.path, reason: bad }, 'webhook rejected: bad signature');
      answer = { status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'bad_signature', message: `Webhook signature rejected: ${bad}` } }) };
    } else {
      try {
        answer = await handler(inc);
      } catch (err) {
        ctx.log.error({ err, path: req.path }, 'webhook handler failed');
        answer = onError(err, inc);
      }
    }
    try {
      await ctx.store.recordWebhook({
        receivedAt: ctx.now().toISOString(), kind, method: req.method, path: req.originalUrl, headers: withoutSignature(headers), rawBody: answer.logBody ?? raw,
        eventId: answer.eventId ?? null, callId: answer.callId ?? null, companyId: answer.companyId ?? null, status: answer.status, answer: answer.body,
      }, inc.unit);
      // Nothing is answered before the step it describes is durable: the unit's commit, usually this very one.
      await inc.unit.durable();
    } catch (err) {
      // The log row shares its commit with this webhook's step (its unit) and the turn's other units: when it failed, so did they,
      // and the answer may describe a step that is not stored. The safe answer instead; Telnyx's retry steps again.
      ctx.log.error({ err }, 'could not store webhook');
      if (answer.status < 400) answer = onError(err, inc);
    }
    // Node's writeHead + end, not res.send: no ETag to hash, no express header plumbing for a fixed pair of headers
    // (the rate limiter's, set earlier with setHeader, are kept).
    res.writeHead(answer.status, { 'content-type': `${answer.contentType}; charset=utf-8`, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };
}
