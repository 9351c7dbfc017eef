/**
 * How the sandbox's webhook deliveries went: how many, how many needed a
 * retry or never got a 2xx, and how long the app took to answer an attempt
 * (connection included). Load tests read it to see a server falling behind
 * before the sandbox's timeout turns that into retries.
 */

/** What `Sandbox.webhookStats()` reports (times in ms, per attempt). */
export interface WebhookStats { webhooks: number; attempts: number; retried: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number }

/** Attempt durations kept for the percentiles (the oldest are dropped beyond this). */
const KEEP = 100_000;

export class DeliveryStats {
  private webhooks = 0;
  private attempts = 0;
  private retried = 0;
  private failed = 0;
  private maxMs = 0;
  private readonly ms: number[] = [];
  private next = 0;

  /** One attempt took `ms` (answered or not). */
  attempt(ms: number): void {
    this.attempts++;
    this.maxMs = Math.max(this.maxMs, ms);
    if (this.ms.length < KEEP) this.ms.push(ms);
    else { this.ms[this.next] = ms; this.next = (this.next + 1) % KEEP; }
  }

  /** One webhook is done: after `attempts` attempts, with a 2xx or not. */
  done(attempts: number, ok: boolean): void {
    this.webhooks++;
    if (attempts > 1) this.retried++;
    if (!ok) this.failed++;
  }

  summary(): WebhookStats {
    const sorted = [...this.ms].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!) : 0);
    return { webhooks: this.webhooks, attempts: this.attempts, retried: this.retried, failed: this.failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(this.maxMs) };
  }
}
