/**
 * `?open=<url>` opens a flow file read-only (the bench uses it). Only files on
 * this server are opened: a link that points the builder at another site's file
 * would show a stranger's flow as if it were ours (and fetch from wherever the
 * link says). The page's CSP (connect-src 'self') refuses such a fetch too;
 * this check turns it into a clear message instead of a failed load.
 */

/** What `?open=` asks for: the URL to load when it is on `origin`, or why it is refused. */
export type OpenRequest = { url: string } | { refused: string } | undefined;

/** Reads `?open=` from `search` against the page's `origin` (relative paths resolve against it); undefined when absent. */
export function openRequest(search: string, origin: string): OpenRequest {
  const raw = new URLSearchParams(search).get('open');
  if (raw === null || raw.trim() === '') return undefined;
  let u: URL;
  try { u = new URL(raw, origin); } catch { return { refused: `Not opened: "${raw}" is not a URL.` }; }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== origin) {
    return { refused: `Not opened: ?open= loads flow files from this server only (${origin}), and "${raw}" is elsewhere.` };
  }
  return { url: u.href };
}
