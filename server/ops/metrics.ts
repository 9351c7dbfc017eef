/**
 * Prometheus metrics (prom-client) at `GET /metrics`, for the operator of one or many instances (issue #15).
 *
 * | metric | what |
 * |---|---|
 * | `callflow_webhooks_total{kind,status}` | webhooks answered, by kind (texml, call-control, messaging, numbers) and HTTP status |
 * | `callflow_webhook_duration_seconds{kind}` | histogram: receipt to answer, the whole path (verify, step, persist, commands) |
 * | `callflow_step_duration_seconds` | histogram: the engine step alone (restore, event, nodes entered) |
 * | `callflow_telnyx_command_errors_total{action,final}` | Call Control commands Telnyx refused or that failed to reach it; `final="true"` when no retry was left |
 * | `callflow_live_calls` | calls in progress (all companies; started in the last day and not ended) |
 * | `callflow_outbox_pending` | notifications waiting to be sent (the outbox's queue depth) |
 * | `process_*`, `nodejs_*` | prom-client's default process metrics (CPU, memory, event-loop lag, GC) |
 *
 * Each app has its own registry (tests build many apps in one process). The route is off unless
 * CALLFLOW_METRICS_TOKEN is set (then `Authorization: Bearer <token>` is required, as Prometheus's
 * `authorization.credentials` sends it) or CALLFLOW_METRICS=public (no check: only behind a network that keeps
 * strangers out). A balancer forwarding from loopback would defeat an address check, so there is none.
 */
import { Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/types.js';

export interface Metrics {
  readonly registry: Registry;
  webhook(kind: string, status: number, seconds: number): void;
  step(seconds: number): void;
  commandError(action: string, final: boolean): void;
}

const DAY_MS = 24 * 3600 * 1000;

export function createMetrics(store: Store, now: () => Date): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const webhooks = new Counter({ name: 'callflow_webhooks_total', help: 'Webhooks answered, by kind and HTTP status', labelNames: ['kind', 'status'], registers: [registry] });
  const webhookSeconds = new Histogram({
    name: 'callflow_webhook_duration_seconds', help: 'Time from receiving a webhook to answering it (the whole path)', labelNames: ['kind'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const stepSeconds = new Histogram({
    name: 'callflow_step_duration_seconds', help: 'The engine step alone (restore the call, apply the event, enter nodes)',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05], registers: [registry],
  });
  const commandErrors = new Counter({ name: 'callflow_telnyx_command_errors_total', help: 'Call Control commands that failed (final: no retry left)', labelNames: ['action', 'final'], registers: [registry] });
  // Read at scrape time only: nothing on the hot path.
  let counts: Promise<{ liveCalls: number; outboxPending: number }> | undefined;
  const read = () => (counts ??= store.opsCounts(new Date(now().getTime() - DAY_MS).toISOString()).finally(() => { counts = undefined; }));
  new Gauge({ name: 'callflow_live_calls', help: 'Calls in progress (started in the last day, not ended)', registers: [registry], async collect() { this.set((await read()).liveCalls); } });
  new Gauge({ name: 'callflow_outbox_pending', help: 'Notifications waiting in the outbox', registers: [registry], async collect() { this.set((await read()).outboxPending); } });
  return {
    registry,
    webhook: (kind, status, seconds) => { webhooks.inc({ kind, status }); webhookSeconds.observe({ kind }, seconds); },
    step: (seconds) => stepSeconds.observe(seconds),
    commandError: (action, final) => commandErrors.inc({ action, final: String(final) }),
  };
}

/** The kind of a webhook by its path (undefined: not a webhook). */
export function webhookKind(path: string): string | undefined {
  if (!path.startsWith('/webhooks/')) return undefined;
  const rest = path.slice(10).toLowerCase();
  for (const k of ['texml', 'call-control', 'messaging', 'numbers']) if (rest === k || rest.startsWith(`${k}/`)) return k;
  return 'other';
}

/** Who may read /metrics (see above); undefined: the route answers 404 as if it did not exist. */
export type MetricsAccess = { token: string } | 'public' | undefined;

export function metricsAccessFromEnv(env: NodeJS.ProcessEnv): MetricsAccess {
  if (env.CALLFLOW_METRICS_TOKEN) return { token: env.CALLFLOW_METRICS_TOKEN };
  return env.CALLFLOW_METRICS === 'public' ? 'public' : undefined;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRouter(metrics: Metrics, access: MetricsAccess): Router {
  const r = Router();
  r.get('/metrics', async (req, res) => {
    if (!access) return void res.status(404).type('text/plain').send('metrics are off: set CALLFLOW_METRICS_TOKEN (or CALLFLOW_METRICS=public)\n');
    if (access !== 'public') {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!sameToken(given, access.token)) return void res.status(401).set('www-authenticate', 'Bearer').type('text/plain').send('a Bearer token (CALLFLOW_METRICS_TOKEN) is required\n');
    }
    res.set('cache-control', 'no-store').type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return r;
}
