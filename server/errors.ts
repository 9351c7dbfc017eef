import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';

/** Error codes the API answers with, sorted by who is at fault. */
export type ErrorCode =
  | 'bad_request' | 'unauthorized' | 'bad_signature' | 'not_found' | 'conflict'
  | 'too_large' | 'lint' | 'telnyx' | 'internal' | 'budget_exceeded' | 'rate_limited' | 'smtp' | 'forbidden';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400, unauthorized: 401, bad_signature: 401, not_found: 404, conflict: 409,
  too_large: 413, lint: 422, telnyx: 502, internal: 500, budget_exceeded: 402, rate_limited: 429, smtp: 502, forbidden: 403,
};

/** The one error class of the server; `extra` fields are merged into the rendered `error` object. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly path?: (string | number)[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** 404 for missing and foreign resources alike, so ids of other companies leak nothing. */
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

/** Writes `{error:{code,message,path,...extra}}`. */
export function sendError(res: Response, err: AppError): void {
  res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.path ? { path: err.path } : {}), ...err.extra } });
}

/** What a write route of /api expects. */
export const SEND_JSON = 'Send a JSON object with content-type: application/json';

const isJson = (text: string) => { try { JSON.parse(text); return true; } catch { return false; } };

/** One zod issue as `{path, message}`; an unknown key names the field (a typo would otherwise do nothing). */
function issueOf(i: ZodError['issues'][number]): { path: (string | number)[]; message: string } {
  const path = i.path as (string | number)[];
  if (i.code === 'unrecognized_keys') {
    const keys = (i as { keys: string[] }).keys;
    return { path: [...path, keys[0]!], message: `unknown field${keys.length > 1 ? `s ${keys.map((k) => `"${k}"`).join(', ')}` : ''}: check the spelling` };
  }
  return { path, message: i.message };
}

/** Maps anything thrown to an AppError: zod → 400 with the first issue's path, body-parser errors → 400/413. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const issues = err.issues.map(issueOf);
    const first = issues[0];
    // No body, `null`, an array, or a body that was not sent as JSON: say what to send.
    if (first && !first.path.length && err.issues[0]!.code === 'invalid_type' && (err.issues[0] as { expected?: string }).expected === 'object') {
      return new AppError('bad_request', SEND_JSON, [], { issues });
    }
    return new AppError('bad_request', first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid input', first?.path, { issues });
  }
  const e = err as { type?: string; status?: number; message?: string; body?: unknown };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new AppError('too_large', 'Request body is too large (limit 256 kB)');
  if (e?.type === 'entity.parse.failed') {
    // Valid JSON that is not an object or array (`null`, `"text"`, `3`) is refused by the strict parser.
    if (typeof e.body === 'string' && isJson(e.body)) return new AppError('bad_request', `${SEND_JSON} (got ${e.body.trim().slice(0, 20)})`);
    return new AppError('bad_request', `Body is not valid JSON: ${e.message ?? ''}. ${SEND_JSON}`);
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('bad_request', e.message ?? 'bad request');
  return new AppError('internal', 'Internal error');
}

/** Express error middleware: one renderer; 500s are logged as our bug. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const app = toAppError(err);
    if (app.status >= 500) log.error({ err, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    sendError(res, app);
  };
}
