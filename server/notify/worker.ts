/**
 * The outbox worker: sends the notifications the store holds as pending (server/store/sqlite-notify.ts), each
 * after the commit of what caused it, retrying with backoff (backoff.ts) and giving up after the last attempt.
 *
 * - At least once, never lost: a row is claimed by one conditional write (attempts + 1, due again after a lease)
 *   before it is sent, and marked sent after. A process that dies mid-send leaves it pending; it is tried again
 *   when the lease ends, here or on another instance. Two workers never send one attempt twice.
 * - A failure the receiver will repeat (a 5xx SMTP answer, an opted-out number, a refused webhook address) is
 *   permanent at once ({@link PermanentFailure}); others (a 4xx SMTP answer, a refused connection, a 500 from a
 *   webhook) are retried.
 * - No timer while nothing is pending: the worker sleeps until the earliest due row, or until `kick()` (a new
 *   row was committed). Time comes from the injected clock and timers, so tests step through retries.
 */
import type { Ctx } from '../deps.js';
import type { OutboxRow } from '../store/notify-types.js';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { sendOutboxRow } from './senders.js';
import { PermanentFailure } from './failure.js';

export { PermanentFailure } from './failure.js';

export interface OutboxWorkerOptions {
  now?: () => Date;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** How long an attempt may take before its row is due again (ms, default 5 min). */
  leaseMs?: number;
  /** Longest sleep between looks at the table (ms, default 60 s): rows another instance wrote are found. */
  pollMs?: number;
  /** Sent rows are kept this long, then deleted (ms, default 30 days); failed and pending rows stay. */
  keepSentMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  /** Sends one row (default: the channel senders); throws to fail the attempt. */
  send?: (ctx: Ctx, row: OutboxRow) => Promise<void>;
}

export class OutboxWorker {
  readonly #ctx: Ctx;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #policy: BackoffPolicy;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #keepSentMs: number;
  #prunedAt = -Infinity;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (t: unknown) => void;
  readonly #send: (ctx: Ctx, row: OutboxRow) => Promise<void>;
  #timer: unknown;
  #running: Promise<void> | undefined;
  #again = false;
  #started = false;

  constructor(ctx: Ctx, o: OutboxWorkerOptions = {}) {
    this.#ctx = ctx;
    this.#now = o.now ?? ctx.now;
    this.#random = o.random ?? Math.random;
    this.#policy = { ...DEFAULT_BACKOFF, ...o.backoff };
    this.#leaseMs = o.leaseMs ?? 300_000;
    this.#pollMs = o.pollMs ?? 60_000;
    this.#keepSentMs = o.keepSentMs ?? 30 * 86_400_000;
    this.#setTimer = o.setTimer ?? ((fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t; });
    this.#clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
    this.#send = o.send ?? sendOutboxRow;
  }

  /** Starts: rows left pending by an earlier process are sent now. */
  start(): void {
    this.#started = true;
    this.kick();
  }

  /** Stops the timer and waits for the attempt in flight; rows stay pending for the next start. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) this.#clearTimer(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** A row was committed: look at the table now (no-op when stopped). */
  kick(): void {
    if (!this.#started) return;
    if (this.#running) { this.#again = true; return; }
    this.#running = this.#loop().finally(() => { this.#running = undefined; });
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try { await this.tick(); } catch (err) { this.#ctx.log.error({ err }, 'outbox worker failed'); }
    } while (this.#again && this.#started);
    if (this.#started) await this.#schedule();
  }

  async #schedule(): Promise<void> {
    if (this.#timer !== undefined) this.#clearTimer(this.#timer);
    this.#timer = undefined;
    let next: string | undefined;
    try { next = await this.#ctx.store.nextOutboxAt(); } catch { return; } // the store is closing
    const wait = next === undefined ? this.#pollMs : Math.max(0, Math.min(this.#pollMs, Date.parse(next) - this.#now().getTime()));
    this.#timer = this.#setTimer(() => { this.#timer = undefined; this.kick(); }, wait);
  }

  /** One pass: every row due now gets one attempt, in due order. Returns how many were attempted. */
  async tick(): Promise<number> {
    let attempted = 0;
    const t = this.#now().getTime();
    // At most once an hour: the table keeps what the console shows (pending, failed, a month of sent), not every row ever.
    if (t - this.#prunedAt >= 3_600_000) {
      this.#prunedAt = t;
      await this.#ctx.store.pruneOutbox(new Date(t - this.#keepSentMs).toISOString());
    }
    for (;;) {
      const due = await this.#ctx.store.dueOutbox(this.#now().toISOString(), 20);
      if (!due.length) return attempted;
      for (const row of due) if (await this.#attempt(row)) attempted++;
    }
  }

  /** One attempt of `row` now, whatever its due time (a test email: the person waits for the answer). */
  async attemptNow(row: OutboxRow): Promise<void> {
    await this.#attempt(row);
  }

  async #attempt(row: OutboxRow): Promise<boolean> {
    const { store, log } = this.#ctx;
    const lease = new Date(this.#now().getTime() + this.#leaseMs).toISOString();
    if (!(await store.leaseOutbox(row.id, row.attempts, lease))) return false;
    const attempt = row.attempts + 1;
    try {
      await this.#send(this.#ctx, row);
      await store.finishOutbox(row.id, { state: 'sent' }, this.#now().toISOString(), attempt);
      log.info({ outbox: row.id, channel: row.channel, kind: row.kind, attempt }, 'notification sent');
    } catch (err) {
      const error = (err as Error).message || String(err);
      // A test email is tried once: the person who asked saw the answer, a later retry would surprise them.
      const final = err instanceof PermanentFailure || attempt >= this.#policy.maxAttempts || row.kind === 'test';
      const nextAttemptAt = new Date(this.#now().getTime() + backoffMs(this.#policy, attempt, this.#random)).toISOString();
      await store.finishOutbox(row.id, final ? { state: 'failed', error } : { state: 'pending', nextAttemptAt, error }, this.#now().toISOString(), attempt);
      log.warn({ outbox: row.id, channel: row.channel, kind: row.kind, attempt, error, ...(final ? {} : { nextAttemptAt }) }, final ? 'notification failed permanently' : 'notification failed; will retry');
    }
    return true;
  }
}
