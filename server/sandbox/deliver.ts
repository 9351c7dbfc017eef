/**
 * Sends signed webhooks the way Telnyx does: a fresh timestamp and signature
 * per attempt, retried with backoff when the answer is not 2xx or the
 * connection fails. Delays are configurable so tests stay fast.
 */
import type { DeliveryStats } from './delivery-stats.js';
import type { Signer } from './keys.js';
import { sleep } from './util.js';

/** What came back from the customer's app (null status: no connection). */
export interface Delivery { status: number | null; text: string; contentType: string; attempts: number }

export interface DeliverOptions {
  signer: Signer;
  /** Waits before attempts 2, 3, …; its length is the number of retries. */
  retryDelaysMs: number[];
  timeoutMs: number;
  log?: { warn(obj: unknown, msg?: string): void };
  /** Counts deliveries and times attempts when given. */
  stats?: DeliveryStats;
}

/**
 * POSTs `makeBody(attempt)` to `url`. With `retry: false` (TeXML instruction
 * fetches, whose answer the call is waiting on) only one attempt is made.
 */
export async function deliver(
  opts: DeliverOptions, url: string, contentType: string, makeBody: (attempt: number) => string, retry = true, method: 'GET' | 'POST' = 'POST',
): Promise<Delivery> {
  const max = retry ? opts.retryDelaysMs.length + 1 : 1;
  let last: Delivery = { status: null, text: '', contentType: '', attempts: 0 };
  for (let attempt = 1; attempt <= max; attempt++) {
    if (attempt > 1) await sleep(opts.retryDelaysMs[attempt - 2] ?? 0);
    const raw = makeBody(attempt);
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method,
        headers: { ...(method === 'POST' ? { 'content-type': contentType } : {}), 'user-agent': 'telnyx-sandbox', ...opts.signer.headers(raw) },
        body: method === 'POST' ? raw : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      last = { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '', attempts: attempt };
      opts.stats?.attempt(performance.now() - started);
      if (res.status >= 200 && res.status < 300) { opts.stats?.done(attempt, true); return last; }
    } catch (err) {
      opts.stats?.attempt(performance.now() - started);
      last = { status: null, text: err instanceof Error ? err.message : String(err), contentType: '', attempts: attempt };
    }
  }
  opts.stats?.done(last.attempts, false);
  opts.log?.warn({ url, attempts: last.attempts, status: last.status }, 'sandbox webhook not accepted');
  return last;
}

/** Form-encodes TeXML callback fields (PascalCase, all strings). */
export function formBody(fields: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.append(k, String(v));
  return p.toString();
}
