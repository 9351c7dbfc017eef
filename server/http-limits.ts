/**
 * Limits on the HTTP server itself, against clients that open connections and
 * then send slowly (slowloris) or never finish: a request's headers must arrive
 * within `headersTimeout`, the whole request (body included) within
 * `requestTimeout`, or the server answers 408 and closes the connection; an idle
 * keep-alive connection closes after `keepAliveTimeout`; past `maxConnections`
 * open sockets, new ones are closed at once. Telnyx's webhooks and the builder's
 * API calls are small and quick, far inside these.
 */
import type { Server } from 'node:http';

export interface HttpLimits {
  /** Milliseconds to receive a request's headers (default 10,000). */
  headersTimeout: number;
  /** Milliseconds to receive the whole request, body included (default 30,000). */
  requestTimeout: number;
  /** Milliseconds an idle keep-alive connection stays open (default 5,000, Node's). */
  keepAliveTimeout: number;
  /** Open connections at most; more are closed on arrival (default 10,000). */
  maxConnections: number;
  /** How often the timeouts are checked, in ms (default 1,000; Node's is 30,000, which would let a slow client stay 30 s longer). */
  checkEveryMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, maxConnections: 10_000, checkEveryMs: 1_000 };

/**
 * Reads `CALLFLOW_HEADERS_TIMEOUT_MS`, `CALLFLOW_REQUEST_TIMEOUT_MS`, `CALLFLOW_KEEPALIVE_TIMEOUT_MS`,
 * `CALLFLOW_MAX_CONNECTIONS` (positive integers); unset or invalid → the default.
 */
export function httpLimitsFromEnv(env: Record<string, string | undefined>): HttpLimits {
  const read = (name: string, dflt: number) => {
    const n = Number(env[name]);
    return env[name]?.trim() && Number.isInteger(n) && n > 0 ? n : dflt;
  };
  return {
    headersTimeout: read('CALLFLOW_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.headersTimeout),
    requestTimeout: read('CALLFLOW_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.requestTimeout),
    keepAliveTimeout: read('CALLFLOW_KEEPALIVE_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.keepAliveTimeout),
    maxConnections: read('CALLFLOW_MAX_CONNECTIONS', DEFAULT_HTTP_LIMITS.maxConnections),
    checkEveryMs: DEFAULT_HTTP_LIMITS.checkEveryMs,
  };
}

/**
 * Applies `limits` to `server`. Call it right after `listen()` returns, before the
 * 'listening' event (Node starts its timeout checker then, with the interval set here).
 * The headers timeout is kept no longer than the request timeout (Node requires it).
 */
export function applyHttpLimits(server: Server, limits: Partial<HttpLimits> = {}): Server {
  const l = { ...DEFAULT_HTTP_LIMITS, ...limits };
  server.requestTimeout = l.requestTimeout;
  server.headersTimeout = Math.min(l.headersTimeout, l.requestTimeout);
  server.keepAliveTimeout = l.keepAliveTimeout;
  server.maxConnections = l.maxConnections;
  // A public property of http.Server (read when it starts listening) that @types/node 20 lists only as a createServer option.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(l.checkEveryMs, server.headersTimeout);
  return server;
}
