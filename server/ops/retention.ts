/**
 * The retention sweeper (store.prune, store/sqlite-retention.ts): once a minute after start, then hourly, deletes
 * webhook logs (with their dedupe rows and ended calls' snapshots) older than CALLFLOW_RETAIN_WEBHOOKS_DAYS [30] and,
 * when CALLFLOW_RETAIN_RECORDINGS_DAYS is set, the audio of recordings and voicemails older than that. 0 keeps
 * forever. The call log is never pruned. Every instance may run one: deleting rows already gone deletes nothing.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

export interface Retention { webhookDays: number; recordingDays: number }

function days(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of days (0 = keep forever), got "${v}"`);
  return n;
}

/** The retention settings; a value that is not a whole number of days stops the start with its name. */
export function retentionFromEnv(env: NodeJS.ProcessEnv): Retention {
  return {
    webhookDays: days(env.CALLFLOW_RETAIN_WEBHOOKS_DAYS, 30, 'CALLFLOW_RETAIN_WEBHOOKS_DAYS'),
    recordingDays: days(env.CALLFLOW_RETAIN_RECORDINGS_DAYS, 0, 'CALLFLOW_RETAIN_RECORDINGS_DAYS'),
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** One sweep at `now`: what it deleted. */
export function pruneOnce(store: Pick<Store, 'prune'>, r: Retention, now: Date) {
  const before = (d: number) => new Date(now.getTime() - d * DAY_MS).toISOString();
  return store.prune({
    ...(r.webhookDays ? { webhooksBefore: before(r.webhookDays) } : {}),
    ...(r.recordingDays ? { recordings: { before: before(r.recordingDays), days: r.recordingDays } } : {}),
  });
}

/** Starts the sweeper (unref'd timers: never what keeps the process alive); returns stop. */
export function startRetention(store: Pick<Store, 'prune'>, log: Pick<Logger, 'info' | 'warn'>, r: Retention, now: () => Date = () => new Date(), o: { firstMs?: number; everyMs?: number } = {}): () => void {
  if (!r.webhookDays && !r.recordingDays) return () => {};
  let running = false;
  const sweep = () => {
    if (running) return;
    running = true;
    pruneOnce(store, r, now())
      .then((n) => { if (n.webhooks || n.events || n.sessions || n.recordings) log.info({ pruned: n, retention: r }, 'retention: pruned old webhook logs and recordings'); })
      .catch((err: unknown) => log.warn({ err }, 'retention: pruning failed; the next sweep tries again'))
      .finally(() => { running = false; });
  };
  const first = setTimeout(sweep, o.firstMs ?? 60_000);
  const every = setInterval(sweep, o.everyMs ?? 3600_000);
  first.unref();
  every.unref();
  return () => { clearTimeout(first); clearInterval(every); };
}
