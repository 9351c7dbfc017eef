import type { RequestHandler, Router } from 'express';
import type { Ctx } from '../deps.js';
import { rawBody } from './capture.js';
import { texmlHandlers } from './texml.js';
import { texmlTranscriptionHandler } from './texml-transcription.js';

/**
 * Mounts the TeXML webhooks on `app` itself (no sub-router to cross), each behind `limit` (the webhook rate
 * limiter) and the raw body: mounted first of all routes, a TeXML action callback — nearly every webhook a call
 * sends — meets two path tests (status, transcription) before its own route. GET is routed too, so that a TeXML
 * application left on GET gets the apology (and the log says to switch it to POST) rather than a 404.
 */
export function mountTexml(app: Router, ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>, limit: RequestHandler): void {
  const t = texmlHandlers(ctx, check);
  const routes: [string, RequestHandler][] = [
    // The fixed paths before `:step`, which would take them too.
    ['/webhooks/texml/status', t.status],
    ['/webhooks/texml/transcription', texmlTranscriptionHandler(ctx, check)],
    ['/webhooks/texml/:step', t.step],
    ['/webhooks/texml', t.voice],
  ];
  // POST first: what Telnyx sends (a route tries its methods in order).
  for (const [path, handle] of routes) app.route(path).post(limit, rawBody, handle).get(limit, rawBody, handle);
}
