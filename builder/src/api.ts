import type { FlowInput } from '../../engine/schema.js';

/** An error the server answered with (`{error:{code,message,path}}`) or a network failure. */
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public body: any = {}) {
    super(message);
  }
}

const KEY = 'callflow.apiKey';

/** The API key, entered once and remembered in localStorage. */
export const apiKey = {
  get: (): string => localStorage.getItem(KEY) ?? '',
  set: (k: string) => localStorage.setItem(KEY, k),
  clear: () => localStorage.removeItem(KEY),
};

/** Calls the server with the remembered key; throws {@link ApiError} on any non-2xx. */
export async function api<T = any>(method: string, path: string, body?: unknown, key = apiKey.get()): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, 'network', `Cannot reach the server (${(e as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: any;
  try { json = text ? JSON.parse(text) : {}; } catch { json = { error: { code: 'bad_response', message: text.slice(0, 200) } }; }
  if (!res.ok) {
    const err = json?.error ?? {};
    const where = Array.isArray(err.path) ? ` (at ${err.path.join('.')})` : err.path ? ` (at ${err.path})` : '';
    throw new ApiError(res.status, err.code ?? `http_${res.status}`, (err.message ?? `HTTP ${res.status}`) + where, json);
  }
  return json as T;
}

/**
 * GETs a file (a CSV statement …) with the same auth as {@link api}, for a download a bare link could not make
 * (a link carries no Authorization header). Resolves to the body and the name the server gave it
 * (Content-Disposition), or `fallbackName`; throws {@link ApiError} on any non-2xx, as api() does.
 */
export async function apiBlob(path: string, fallbackName: string, key = apiKey.get()): Promise<{ blob: Blob; name: string }> {
  let res: Response;
  try { res = await fetch(path, { headers: { Authorization: `Bearer ${key}` } }); } catch (e) {
    throw new ApiError(0, 'network', `Cannot reach the server (${(e as Error).message})`);
  }
  if (!res.ok) {
    let err: any = {};
    try { err = (await res.json())?.error ?? {}; } catch { /* not JSON: the status says it */ }
    throw new ApiError(res.status, err.code ?? `http_${res.status}`, err.message ?? `HTTP ${res.status}`, { error: err });
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  return { blob: await res.blob(), name };
}

/** One row of GET /api/flows. */
export interface FlowSummary { id: string; name: string; revision: number; updatedAt: string; publishedVersion: number | null }
/** GET /api/flows/:id. */
export interface FlowRecord { flow: FlowInput; revision: number; updatedAt?: string; publishedVersion: number | null }
export interface VersionRow { version: number; createdAt: string; published: boolean }
export interface Member { id: string; name: string; to: string; status?: string }
