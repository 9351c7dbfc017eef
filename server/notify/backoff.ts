/**
 * When an outbox row is tried again: exponential backoff with jitter. Attempt n (1-based) that failed waits
 * base·2^(n−1), capped, times a random factor in [0.5, 1): retries of many rows that failed together (an SMTP
 * server down for a minute) spread out instead of arriving as one burst when it is back.
 */
export interface BackoffPolicy {
  /** Wait after the first failed attempt (ms). */
  baseMs: number;
  /** Longest wait (ms). */
  maxMs: number;
  /** Attempts in all; after the last failed one the row is failed permanently. */
  maxAttempts: number;
}

/** 30 s, 1, 2, 4, 8, 16, 32 min, 1 h, then give up: 8 attempts over about two hours. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 8 };

/** Milliseconds to wait after failed attempt `attempt` (1-based); `random` in [0, 1). */
export function backoffMs(p: BackoffPolicy, attempt: number, random: () => number): number {
  const raw = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + random() * 0.5));
}
