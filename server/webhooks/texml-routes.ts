import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Ctx } from '../deps.js';
import { rawBody } from './capture.js';
import { texmlHandlers } from './texml.js';
import { texmlTranscriptionHandler } from './texml-transcription.js';

/** What a TeXML path below `/webhooks/texml` is: the voice URL (no segment), a fixed callback, else an action callback's `:step`. */
export type TexmlRoute = { kind: 'voice' } | { kind: 'fixed'; name: string } | { kind: 'step'; step: string };

const TEXML_PREFIX = /^\/webhooks\/texml(?=\/|$)/i;
const PREFIX_LENGTH = '/webhooks/texml'.length;

/**
 * The route of a request path (`req.path`: `/webhooks/texml`, `/webhooks/texml/status`,
 * `/webhooks/texml/gather-menu-3`, one trailing slash allowed), given the fixed names; undefined for a path that
 * is not below `/webhooks/texml` (matched as express matches a mount path: case-insensitive, on a segment
 * boundary) or is deeper than one segment (not a webhook: a 404).
 */
export function texmlRoute(path: string, fixed: ReadonlySet<string>): TexmlRoute | undefined {
  if (!TEXML_PREFIX.test(path)) return undefined;
  const rest = path.endsWith('/') ? path.slice(PREFIX_LENGTH + 1, -1) : path.slice(PREFIX_LENGTH + 1);
  if (!rest) return { kind: 'voice' };
  if (rest.includes('/')) return undefined;
  return fixed.has(rest) ? { kind: 'fixed', name: rest } : { kind: 'step', step: rest };
}

/**
 * Mounts the TeXML webhooks on `app` itself, first of all routes, each behind `limit` (the webhook rate limiter)
 * and the raw body. POST and GET: a TeXML application left on GET gets the apology (and the log says to switch it
 * to POST) rather than a 404.
 *
 * One mount and the table below, not an express route per path: a TeXML action callback is nearly every webhook a
 * call sends, and four routes with a `:step` parameter (each a path match, the parameter's decoding, the route's
 * own method dispatch) cost about 2.7 µs more per request than one mount (measured in isolation; about 2 % of the
 * whole path's event-loop time in a `--cpu-prof` of the TeXML bench). The table is the only place TeXML paths are
 * routed, so there is no second list to keep in step with it. The handlers see the whole URL (`req.path`,
 * `req.originalUrl`: `/webhooks/texml/...`; `req.baseUrl` empty).
 */
export function mountTexml(app: Router, ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>, limit: RequestHandler): void {
  const t = texmlHandlers(ctx, check);
  // The fixed paths; any other single segment is an action callback's `<verb>-<node>-<seq>`.
  const fixedHandlers: Record<string, RequestHandler> = { status: t.status, transcription: texmlTranscriptionHandler(ctx, check) };
  const fixed = new Set(Object.keys(fixedHandlers));
  const run = (handle: RequestHandler, req: Request, res: Response, next: NextFunction) =>
    limit(req, res, (err?: unknown) => {
      if (err) return next(err);
      rawBody(req, res, (err2?: unknown) => {
        if (err2) return next(err2);
        // The handlers are async (capture.ts webhook): a rejection goes to the error handler, as a route's would.
        Promise.resolve(handle(req, res, next)).catch(next);
      });
    });
  // Pathless, the prefix tested by texmlRoute: a mount path would make the router rewrite req.url (and req.path be
  // parsed again) on the way in and back out, for every TeXML webhook (+37 ms per ≈23,000 requests in the profile).
  app.use((req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'GET') return next();
    const route = texmlRoute(req.path, fixed);
    if (!route) return next();
    if (route.kind === 'voice') return run(t.voice, req, res, next);
    if (route.kind === 'fixed') return run(fixedHandlers[route.name]!, req, res, next);
    req.params = { step: route.step };
    run(t.step, req, res, next);
  });
}
