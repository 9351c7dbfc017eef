import type { Router } from 'express';
import type { Logger } from 'pino';
import type Telnyx from 'telnyx';
import type { StepEnv, Store } from './store/types.js';
import type { RateLimits, TrustProxy } from './rate-limit.js';
import type { OutboundOptions, OutboundPolicy } from './net/outbound-settings.js';
import type { LinkSink } from './accounts/links.js';

/** Answers an httpRequest's request in place of the network (AppDeps.httpStandIn). */
export type HttpStandIn = (request: { node: string; method: string; url: string }) => import('../engine/nodes/http-result.js').HttpResult | undefined;

/** What `createApp` needs; everything with I/O comes in here so tests can swap it. */
export interface AppDeps {
  /** A store, or the path of the SQLite file to open. */
  db: string | Store;
  log: Logger;
  /** The official SDK client (its baseURL ends in /v2). */
  telnyx: Telnyx;
  /** How Telnyx reaches this server, no trailing slash (action URLs are built from it). */
  publicUrl: () => string;
  /** Base64 raw 32-byte Ed25519 public keys trusted for webhooks. */
  webhookPublicKeys: string[];
  /** Clock for the engine and timestamps (tests inject one). */
  now?: () => Date;
  /** The offline Telnyx sandbox, mounted at /sandbox. */
  sandbox?: Router;
  /** Built builder files, served at / with an SPA fallback. */
  builderDir?: string;
  /** Attempts per Call Control command before it counts as failed (default 3). */
  commandAttempts?: number;
  /** Telnyx connection ids a number is assigned to per mode (TELNYX_TEXML_APP_ID / TELNYX_CONNECTION_ID, or the sandbox's). */
  connections?: { texml?: string; callControl?: string };
  /** Milliseconds between command retries (default 200; tests use 0). */
  retryDelayMs?: number;
  /** Requests per minute on /api (per key), /webhooks (per IP), wrong API keys (per IP); default: env CALLFLOW_*_RATE_LIMIT / CALLFLOW_AUTH_FAILURE_LIMIT, else 600, 30000, 20; 0 = off. */
  rateLimits?: RateLimits;
  /**
   * Express 'trust proxy' (env TRUST_PROXY in main.ts): which X-Forwarded-For hops decide a request's IP for the
   * per-IP webhook limit. Default false (the socket's address): with it on and no proxy overwriting the header,
   * a client dodges the limit with a forged X-Forwarded-For. A number of hops or proxy addresses/subnets is safer than true.
   */
  trustProxy?: TrustProxy;
  /**
   * The server's own outbound requests (mailbox webhooks, recording downloads): private ranges allowed on purpose,
   * recording hosts, download bounds. Absent fields come from env CALLFLOW_ALLOW_PRIVATE_WEBHOOKS,
   * CALLFLOW_RECORDING_HOSTS, CALLFLOW_RECORDING_MAX_MB; by default only public addresses and Telnyx's recording storage.
   */
  outbound?: OutboundOptions;
  /**
   * Fixture replays only: the environment a step recorded (by its dedupe key, SessionRow.steps). A step that has
   * one is fed exactly that team and those cursors instead of the live ones; one without reads the live ones.
   */
  recordedEnv?: (key: string) => StepEnv | undefined;
  /**
   * Fixture recording only: answers an httpRequest node's request instead of the network (a scenario's scripted
   * answer, by node id), so recording needs no outside server; undefined lets the request go out as usual.
   */
  httpStandIn?: HttpStandIn;
  /**
   * Notifications (issue #16): the outbox worker's options (clock, backoff; `start: false` leaves it stopped, as a
   * fixture replay does) and how long a voicemail's notifications wait for its transcription (default 60 s, env
   * CALLFLOW_TRANSCRIPTION_WAIT_S).
   */
  notify?: { start?: boolean; transcriptionWaitMs?: number } & import('./notify/worker.js').OutboxWorkerOptions;
  /** Where password reset links go (default: printed on stderr; accounts/links.ts). Tests catch them here; #16 may email them. */
  links?: LinkSink;
  /** Who may read GET /metrics (default: env CALLFLOW_METRICS_TOKEN / CALLFLOW_METRICS; off when neither is set). */
  metricsAccess?: import('./ops/metrics.js').MetricsAccess;
}

/** Resolved deps shared by routes and services. */
export interface Ctx {
  store: Store;
  log: Logger;
  telnyx: Telnyx;
  publicUrl: () => string;
  now: () => Date;
  commandAttempts: number;
  retryDelayMs: number;
  connections: { texml?: string; callControl?: string };
  /** Where the server's own requests may go (see AppDeps.outbound). */
  outbound: OutboundPolicy;
  /** See AppDeps.recordedEnv (fixture replays). */
  recordedEnv?: (key: string) => StepEnv | undefined;
  /** See AppDeps.httpStandIn (fixture recording). */
  httpStandIn?: HttpStandIn;
  /** The outbox worker (server/notify/worker.ts): `kick()` once a notification is committed. */
  outbox?: { kick(): void; stop(): Promise<void>; attemptNow(row: import('./store/notify-types.js').OutboxRow): Promise<void> };
  /** How long a voicemail's notifications wait for its transcription (ms). */
  transcriptionWaitMs: number;
  /** See AppDeps.links. */
  links: LinkSink;
  /** Prometheus metrics (server/ops/metrics.ts): what the hot path counts. */
  metrics: import('./ops/metrics.js').Metrics;
  /** Set once a shutdown began (server/ops/shutdown.ts): /readyz answers 503 so the balancer stops sending. */
  draining?: boolean;
}
