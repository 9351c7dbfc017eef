import type { FlowInput } from '../../engine/schema.js';

/** An error the server answered with (`{error:{code,message,path}}`) or a network failure. */
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public body: any = {}) {
    super(message);
  }
}

const KEY = 'callflow.apiKey';

/** The API key, when the user chose “Use an API key instead” (remembered in localStorage); empty = the session cookie. */
export const apiKey = {
  get: (): string => localStorage.getItem(KEY) ?? '',
  set: (k: string) => localStorage.setItem(KEY, k),
  clear: () => localStorage.removeItem(KEY),
};

// The session's CSRF token (from sign-in and GET /api/me), in memory only: the cookie itself is HttpOnly.
let csrf = '';
/** Remembers the CSRF token the server gave this session ('' to forget it). */
export const setCsrfToken = (t: string | undefined) => { csrf = t ?? ''; };

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One request: with the API key as Bearer when one is given, else with the session cookie (same origin) and, on
 * writes, the session's CSRF token in X-CSRF-Token. A network failure is an {@link ApiError} with status 0.
 */
async function request(method: string, path: string, body: unknown, key: string, headers: Record<string, string> = {}): Promise<Response> {
  const auth: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : csrf && WRITES.has(method.toUpperCase()) ? { 'X-CSRF-Token': csrf } : {};
  try {
    return await fetch(path, {
      method, credentials: 'same-origin',
      headers: { ...auth, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, 'network', `Cannot reach the server (${(e as Error).message})`);
  }
}

/** A non-2xx answer as an {@link ApiError} with the server's message and field path. */
async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  let json: any;
  try { json = text ? JSON.parse(text) : {}; } catch { json = { error: { code: 'bad_response', message: text.slice(0, 200) } }; }
  const err = json?.error ?? {};
  const where = Array.isArray(err.path) ? ` (at ${err.path.join('.')})` : err.path ? ` (at ${err.path})` : '';
  return new ApiError(res.status, err.code ?? `http_${res.status}`, (err.message ?? `HTTP ${res.status}`) + where, json);
}

/** Calls the server signed in (see {@link request}); throws {@link ApiError} on any non-2xx. */
export async function api<T = any>(method: string, path: string, body?: unknown, key = apiKey.get()): Promise<T> {
  const res = await request(method, path, body, key);
  if (res.status === 204) return undefined as T;
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  try { return (text ? JSON.parse(text) : {}) as T; } catch { throw new ApiError(res.status, 'bad_response', text.slice(0, 200)); }
}

/**
 * GETs `path` unless it is unchanged since `etag` (the server's ETag: If-None-Match, answered 304), for polling:
 * `undefined` when unchanged, else the data and its new ETag. `Cache-Control: max-age=0` is sent because fetch()
 * would add `no-cache` to a conditional request, and a server must answer `no-cache` in full.
 */
export async function apiIfChanged<T>(path: string, etag: string | null): Promise<{ data: T; etag: string | null } | undefined> {
  const res = await request('GET', path, undefined, apiKey.get(), etag ? { 'If-None-Match': etag, 'Cache-Control': 'max-age=0' } : {});
  if (res.status === 304) return undefined;
  if (!res.ok) throw await failure(res);
  return { data: (await res.json()) as T, etag: res.headers.get('ETag') };
}

/**
 * GETs a file (a CSV statement, a recording …) with the same auth as {@link api}, for a download a bare link could not make
 * (a link carries no Authorization header). Resolves to the body and the name the server gave it
 * (Content-Disposition), or `fallbackName`; throws {@link ApiError} on any non-2xx, as api() does.
 */
export async function apiBlob(path: string, fallbackName: string, key = apiKey.get()): Promise<{ blob: Blob; name: string }> {
  const res = await request('GET', path, undefined, key);
  if (!res.ok) throw await failure(res);
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  return { blob: await res.blob(), name };
}

/** One row of GET /api/flows. */
export interface FlowSummary { id: string; name: string; revision: number; updatedAt: string; publishedVersion: number | null }
/** GET /api/flows/:id. */
export interface FlowRecord { flow: FlowInput; revision: number; updatedAt?: string; publishedVersion: number | null }
export interface VersionRow { version: number; createdAt: string; published: boolean }
export interface Member { id: string; name: string; to: string; status?: string }

/** A role, highest first: owner > admin > editor > viewer. */
export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
/** GET /api/me and the sign-in answer. `person` is null for an API key of no one (it acts as an owner). */
export interface Me {
  company: { id: string; name: string };
  person: { id: string; email: string; name: string; role: Role } | null;
  role: Role; via: 'session' | 'key'; csrfToken?: string;
}
