/**
 * Small shared pieces of the sandbox: Telnyx-shaped errors, ids, E.164 checks
 * and reading query filters whichever way Express parsed them.
 */
import { randomUUID, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** One entry of Telnyx's `{errors:[…]}` body. */
export interface TelnyxErrorItem { code: string; title: string; detail: string; source?: { pointer: string } }

/** An error that the API routes turn into Telnyx's status code and body. */
export class TelnyxError extends Error {
  constructor(readonly status: number, readonly item: TelnyxErrorItem) { super(item.detail); }
}

/** Codes from Telnyx's published error catalog (developers.telnyx.com, API errors). */
export const errors = {
  auth: () => new TelnyxError(401, { code: '10009', title: 'Authentication failed', detail: 'The required authentication headers were either invalid or not included in the request.' }),
  notFound: (what = 'The requested resource or URL could not be found.') => new TelnyxError(404, { code: '10005', title: 'Resource not found', detail: what }),
  missing: (field: string) => new TelnyxError(422, { code: '10004', title: 'Missing required parameter', detail: `The '${field}' parameter is required.`, source: { pointer: `/${field.replace(/\./g, '/')}` } }),
  e164: (field: string) => new TelnyxError(422, { code: '10016', title: 'Phone number must be in +E.164 format', detail: `The '${field}' parameter must be a phone number in +E.164 format.`, source: { pointer: `/${field.replace(/\./g, '/')}` } }),
  invalid: (field: string, detail: string) => new TelnyxError(422, { code: '10015', title: 'Bad Request', detail, source: { pointer: `/${field.replace(/\./g, '/')}` } }),
  unknownAssoc: (field: string) => new TelnyxError(422, { code: '10017', title: 'Associated resource does not exist', detail: `The '${field}' does not exist.`, source: { pointer: `/${field}` } }),
  badCallId: () => new TelnyxError(404, { code: '90015', title: 'Invalid Call Control ID', detail: 'The call_control_id provided was not valid.' }),
  callEnded: () => new TelnyxError(422, { code: '90018', title: 'Call has already ended', detail: 'This call is no longer active and can\'t receive commands.' }),
  notAnswered: (action: string) => new TelnyxError(422, { code: '10015', title: 'Bad Request', detail: `The call must be answered before '${action}' (it is still parked).` }),
};

/** Writes a TelnyxError (or wraps anything else as Telnyx's 500) on `res`. */
export function sendError(res: Response, err: unknown): void {
  if (err instanceof TelnyxError) { res.status(err.status).json({ errors: [err.item] }); return; }
  res.status(500).json({ errors: [{ code: '10007', title: 'Unexpected error', detail: err instanceof Error ? err.message : String(err) }] });
}

/** Codes of the sandbox's own (non-Telnyx) routes, as the server's API names them. */
export type OwnErrorCode = 'bad_request' | 'unauthorized' | 'not_found' | 'too_large' | 'internal';
/** An error body of the sandbox's own routes: the server API's `{error:{code,message,path}}`, `path` an array. */
export interface OwnError { code: OwnErrorCode; message: string; path: (string | number)[] }
const OWN_STATUS: Record<OwnErrorCode, number> = { bad_request: 400, unauthorized: 401, not_found: 404, too_large: 413, internal: 500 };

/** Answers one of the sandbox's own routes (`/sandbox/calls`, `/sandbox/messages`, …) with an error. */
export function sendOwnError(res: Response, code: OwnErrorCode, message: string, path: (string | number)[] = []): void {
  const error: OwnError = { code, message, path };
  res.status(OWN_STATUS[code]).json({ error });
}

export const E164 = /^\+[1-9]\d{6,14}$/;
export const isE164 = (v: unknown): v is string => typeof v === 'string' && E164.test(v);

/** Throws Telnyx's 422 unless `body[field]` is a non-empty value. */
export function requireField(body: Record<string, unknown>, field: string): unknown {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw errors.missing(field);
  return v;
}

/** Throws unless `body[field]` (when required or present) is E.164. */
export function requireE164(body: Record<string, unknown>, field: string, required = true): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') { if (required) throw errors.missing(field); return undefined; }
  if (!isE164(v)) throw errors.e164(field);
  return v;
}

/**
 * Reads `filter[a][b]` from the query. Express 5's simple parser keeps the
 * bracketed key flat; the extended parser nests it. Both are accepted.
 */
export function queryParam(req: Request, ...path: string[]): string | undefined {
  const q = req.query as Record<string, unknown>;
  const flat = path[0] + path.slice(1).map((p) => `[${p}]`).join('');
  let v: unknown = q[flat];
  if (v === undefined) { v = q; for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p]; }
  if (Array.isArray(v)) return v.join(',');
  return typeof v === 'string' ? v : undefined;
}

export const uuid = (): string => randomUUID();
/** A numeric id as Telnyx gives phone numbers and connections (19 digits, e.g. `1293384261075731499`). */
export const numericId = (): string => `1${randomBytes(8).readBigUInt64BE().toString().padStart(20, '0').slice(-18)}`;
/** A Call Control id as Telnyx shapes them: `v3:` and an opaque url-safe token. */
export const callControlId = (): string => `v3:${randomBytes(36).toString('base64url')}`;
export const body = (req: Request): Record<string, unknown> =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
