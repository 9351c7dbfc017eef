/**
 * Graceful shutdown (SIGTERM, SIGINT): what an orchestrator or a rolling restart expects.
 *
 * 1. /readyz turns 503 (`ctx.draining`) so a balancer stops sending new webhooks here.
 * 2. The listener closes: no new connections. Requests in flight (a webhook mid-step, its Call Control commands
 *    being sent: the answer waits for them) run to their end; idle keep-alive connections are closed as they
 *    become idle, so a balancer's pooled connection does not hold the process open.
 * 3. Then the sweepers and the outbox worker stop (the notification being sent finishes; what is pending is sent
 *    at the next start or by another instance), and the store closes (the open batch commits).
 * 4. A request still running after `timeoutMs` (CALLFLOW_SHUTDOWN_TIMEOUT_S, default 10) is cut off and the
 *    process exits 1: Telnyx redelivers that webhook, and the step's conditional write makes the retry safe.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Ctx } from '../deps.js';

export interface ShutdownParts {
  server: Server;
  ctx: Ctx;
  log: Logger;
  /** Stops what runs beside the requests (sweepers, the sandbox), before the store closes. */
  stop: (() => void | Promise<void>)[];
  timeoutMs: number;
  exit: (code: number) => void;
}

/** CALLFLOW_SHUTDOWN_TIMEOUT_S in ms (default 10 s; how long in-flight requests get to finish). */
export function shutdownTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const s = Number(env.CALLFLOW_SHUTDOWN_TIMEOUT_S ?? 10);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 10_000;
}

/** Returns the handler to call on a signal; a second signal while shutting down is ignored (the first one decides). */
export function gracefulShutdown(parts: ShutdownParts): (signal: string) => void {
  let started = false;
  return (signal) => {
    if (started) return;
    started = true;
    const { server, ctx, log } = parts;
    ctx.draining = true;
    log.info('%s: shutting down; requests in flight finish first (at most %d s)', signal, parts.timeoutMs / 1000);
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => {
      log.warn('shutdown: requests still running after %d s are cut off (Telnyx redelivers their webhooks)', parts.timeoutMs / 1000);
      server.closeAllConnections();
      parts.exit(1);
    }, parts.timeoutMs);
    deadline.unref();
    server.close(() => {
      clearInterval(idle);
      void (async () => {
        for (const f of parts.stop) await f();
        await ctx.outbox?.stop();
        await ctx.store.close();
        log.info('shutdown: done');
        clearTimeout(deadline);
        parts.exit(0);
      })().catch((err: unknown) => {
        log.error({ err }, 'shutdown: closing failed');
        parts.exit(1);
      });
    });
    server.closeIdleConnections();
  };
}
