/**
 * The console's hash routes: `#/numbers`, `#/calls/<id>`, `#/flows/<id>` …
 * Pure, so it is tested without a browser.
 */
export interface Route {
  /** The first segment (`numbers`, `calls`, `flows`); `flows` for `#/` and an empty hash. */
  page: string;
  /** The segments after it, URI-decoded (`['c_123']` for `#/calls/c_123`). */
  rest: string[];
  /** The hash's own query (`#/calls?number=%2B1844…` → `{ number: '+1844…' }`). */
  query: URLSearchParams;
}

/** Reads a `location.hash`; anything unreadable is the flows list rather than an error page. */
export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : h.slice(q + 1));
  const parts = path.split('/').filter(Boolean).map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
  return { page: parts[0] ?? 'flows', rest: parts.slice(1), query };
}

/** The hash for a page: `href('calls', 'c_1')` → `#/calls/c_1`; query values that are empty are left out. */
export function href(page: string, ...rest: Array<string | Record<string, string | undefined>>): string {
  const segs = rest.filter((r): r is string => typeof r === 'string').map(encodeURIComponent);
  const q = rest.find((r): r is Record<string, string | undefined> => typeof r === 'object');
  const qs = q ? new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString() : '';
  return `#/${[page, ...segs].join('/')}${qs ? `?${qs}` : ''}`;
}
