/**
 * Where a recording may be downloaded from. Telnyx reports a recording by URL
 * (TeXML `RecordingUrl`, Call Control `recording_urls`), and whoever can make
 * a status callback reach the server chooses that URL: so the server fetches
 * only from Telnyx's recording storage (CALLFLOW_RECORDING_HOSTS), over https,
 * follows redirects by hand and only to allowed places, and bounds the size
 * and the time. In sandbox mode the sandbox's own recordings are added.
 */
import type { Ctx } from '../deps.js';
import { guardedRequest, RefusedTarget } from '../net/guarded-request.js';

/**
 * Telnyx's recording storage, from Telnyx's docs ("Storing call recordings": recording_urls are pre-signed
 * `https://s3.amazonaws.com/telephony-recorder-prod/…` URLs) and URLs seen from regional accounts
 * (`https://s3.eu-central-1.amazonaws.com/telephony-recorder-prod-fr5/…`). The path is a prefix, so the
 * regional `telephony-recorder-prod-*` buckets match; other buckets on the same S3 hosts do not.
 */
export const TELNYX_RECORDING_HOSTS = ['s3.amazonaws.com/telephony-recorder-prod', 's3.*.amazonaws.com/telephony-recorder-prod', 'telephony-recorder-prod.s3.amazonaws.com'];

/** One allowed place: a host pattern (a `*` label matches one DNS label), an optional port and a path prefix. */
export interface RecordingSource { host: string; port: string; path: string }

/** Redirect hops followed at most (each to an allowed place). */
export const MAX_RECORDING_REDIRECTS = 3;

/** Parses CALLFLOW_RECORDING_HOSTS (comma list of `host[:port][/path-prefix]`); throws on an entry that is not one. */
export function parseRecordingHosts(list: string | readonly string[] | undefined): RecordingSource[] {
  const items = (list === undefined ? TELNYX_RECORDING_HOSTS : typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter(Boolean);
  return items.map((item) => {
    const m = /^(?:https:\/\/)?((?:\*|[a-z0-9-]+)(?:\.(?:\*|[a-z0-9-]+))*)(?::(\d+))?(\/[^?#]*)?$/i.exec(item);
    if (!m) throw new Error(`CALLFLOW_RECORDING_HOSTS: "${item}" is not host[:port][/path] (e.g. s3.amazonaws.com/telephony-recorder-prod)`);
    return { host: m[1]!.toLowerCase(), port: m[2] ?? '', path: m[3] ?? '/' };
  });
}

const hostMatches = (pattern: string, host: string) => {
  const p = pattern.split('.'), h = host.split('.');
  return p.length === h.length && p.every((label, i) => label === '*' || label === h[i]);
};

/**
 * How the server may fetch `url`: `'sandbox'` (its own sandbox's recording, no address check), `'telnyx'`
 * (an allowed https place, address checked), or the reason it may not.
 */
export function recordingSourceOf(ctx: Ctx, url: URL): 'sandbox' | 'telnyx' | { refused: string } {
  if (ctx.outbound.sandbox) {
    const own = new URL(`${ctx.publicUrl()}/sandbox/recordings/`);
    if (url.origin === own.origin && url.pathname.startsWith(own.pathname)) return 'sandbox';
  }
  if (url.protocol !== 'https:') return { refused: `${url.protocol} URL (recordings are fetched over https only)` };
  const ok = ctx.outbound.recordingSources.some((s) => hostMatches(s.host, url.hostname) && s.port === url.port && url.pathname.startsWith(s.path));
  return ok ? 'telnyx' : { refused: `${url.host}${url.pathname.split('/').slice(0, 2).join('/')} is not a recording host (CALLFLOW_RECORDING_HOSTS)` };
}

/**
 * Downloads a recording: only from allowed places, redirects followed by hand (at most
 * {@link MAX_RECORDING_REDIRECTS}, each checked again), within the size and time bounds.
 * Throws RefusedTarget when the URL (or a redirect) is not allowed, an Error when the download failed.
 */
export async function downloadRecording(ctx: Ctx, first: string): Promise<{ audio: Buffer; type: string | undefined }> {
  const { maxBytes, timeoutMs } = ctx.outbound.recordingLimits;
  const deadline = Date.now() + timeoutMs;
  let href = first;
  for (let hop = 0; hop <= MAX_RECORDING_REDIRECTS; hop++) {
    let url: URL;
    try { url = new URL(href); } catch { throw new RefusedTarget('not a URL'); }
    const source = recordingSourceOf(ctx, url);
    if (typeof source === 'object') throw new RefusedTarget(source.refused);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no complete answer within ${timeoutMs} ms`);
    const res = await guardedRequest(url, { timeoutMs: left, maxBytes, allow: ctx.outbound.allowPrivate, trusted: source === 'sandbox' });
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location) { href = new URL(location, url).href; continue; }
    if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
    const type = res.headers['content-type'];
    return { audio: res.body, type: typeof type === 'string' ? type : undefined };
  }
  throw new RefusedTarget(`more than ${MAX_RECORDING_REDIRECTS} redirects`);
}
