/**
 * The httpRequest kind's pure parts: what a request's result is (the one shape the server records in a step's
 * StepEnv `http`, the transports carry in `http.ended` and the simulators script), which port it leads to, the
 * variables it fills by path, and the checks lint makes of a literal URL. No I/O: the server runs the request.
 */
import ipaddr from 'ipaddr.js';

/** What one request came to: an answer (any status), no answer within the timeout, or no answer at all (refused, unreachable, too large). */
export type HttpResult = { status: number; body: string } | { timeout: true } | { error: string };

/** The most characters of an answer's body the server keeps and the engine reads (a larger answer is an `error`). */
export const HTTP_MAX_BODY = 65_536;
/** Seconds a request may take at most (the caller waits no longer than this after the hold prompt). */
export const HTTP_MAX_TIMEOUT = 10;

/** `data.account.balance`, `items[0].name`, `items.0.name`: keys joined by dots, array indexes in brackets or as keys. */
const PATH = /^[A-Za-z_$][\w$-]*(?:\.[\w$-]+|\[\d+\])*$/;

/** Is `path` a JSON path this kind can follow? */
export const isVarPath = (path: string): boolean => PATH.test(path);

/** The keys of a path: `a.b[0].c` → `['a', 'b', '0', 'c']`. */
export function pathKeys(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.');
}

/** The value at `path` as a variable holds it: strings as they are, numbers and booleans as written, objects as JSON, missing or null as ''. */
export function valueAt(json: unknown, path: string): string {
  let at: unknown = json;
  for (const key of pathKeys(path)) {
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key)) return '';
    at = (at as Record<string, unknown>)[key];
  }
  if (at === null || at === undefined) return '';
  return typeof at === 'string' ? at : typeof at === 'object' ? JSON.stringify(at) : String(at);
}

/** Where a result leads, with the variables it fills: 2xx → `ok` (the body must be JSON when variables are read from it). */
export function routeResult(result: HttpResult, vars: Readonly<Record<string, string>>): { port: 'ok' | 'error' | 'timeout'; vars?: Record<string, string> } {
  if ('timeout' in result) return { port: 'timeout' };
  if ('error' in result || result.status < 200 || result.status > 299) return { port: 'error' };
  const names = Object.keys(vars);
  if (!names.length) return { port: 'ok' };
  let json: unknown;
  try { json = JSON.parse(result.body); } catch { return { port: 'error' }; }
  return { port: 'ok', vars: Object.fromEntries(names.map((name) => [name, valueAt(json, vars[name]!)])) };
}

/** A scripted result as a person writes one (`'timeout'`, `{status, body}` with a body object or text, `{error}`), as the engine reads it. */
export function scriptedResult(s: unknown): HttpResult {
  if (s === 'timeout' || (s && typeof s === 'object' && (s as { timeout?: unknown }).timeout === true)) return { timeout: true };
  if (s && typeof s === 'object' && typeof (s as { error?: unknown }).error === 'string') return { error: (s as { error: string }).error };
  if (s && typeof s === 'object' && typeof (s as { status?: unknown }).status === 'number') {
    const b = (s as { body?: unknown }).body;
    return { status: (s as { status: number }).status, body: b === undefined ? '' : typeof b === 'string' ? b : JSON.stringify(b) };
  }
  return { error: 'no scripted response for this request' };
}

const TEMPLATE = /\{\{[^}]*\}\}/;

/**
 * What is wrong with a URL as written, when it can be told before the call: not http(s), or a literal private,
 * loopback or link-local host (`localhost`, `10.0.0.5`, `[::1]`, `169.254.169.254`). A host or scheme that is
 * templated is the server's to check on each call (it checks every address when it connects).
 */
export function urlProblem(url: string): { code: 'httpRequest.scheme' | 'httpRequest.private'; message: string } | undefined {
  if (url.trimStart().startsWith('{{')) return undefined; // the whole address comes from a variable
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (!scheme) return { code: 'httpRequest.scheme', message: `"${url}" is not a web address: start it with https:// (or http://).` };
  if (!/^https?$/i.test(scheme)) return { code: 'httpRequest.scheme', message: `Only http and https addresses can be requested, not ${scheme}:.` };
  const authority = /^[A-Za-z]+:\/\/([^/?#]*)/.exec(url)?.[1] ?? '';
  if (TEMPLATE.test(authority)) return undefined;
  const host = authority.replace(/^.*@/, '').replace(/:\d*$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  const why = privateHost(host);
  return why ? { code: 'httpRequest.private', message: `${host} is ${why}: the server refuses to send requests there (set CALLFLOW_ALLOW_PRIVATE_WEBHOOKS to allow a range on purpose).` } : undefined;
}

/** Why a literal host is not a public address, or undefined (a name is judged when the server connects). */
function privateHost(host: string): string | undefined {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'this machine (localhost)';
  if (!ipaddr.isValid(host)) return undefined;
  const a = ipaddr.process(host);
  const range = a.range();
  if (range !== 'unicast') return `a ${range} address`;
  if (a.kind() === 'ipv6' && !a.match(ipaddr.parseCIDR('2000::/3'))) return 'not a global address';
  return undefined;
}
