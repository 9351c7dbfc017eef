import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openSqliteStore } from './store/sqlite.js';
import type { AppDeps, Ctx } from './deps.js';
import { AppError, SEND_JSON, errorHandler } from './errors.js';
import { authenticate, authorize } from './api/auth.js';
import { meRouter, publicAccountsRouter } from './api/session.js';
import { peopleRouter } from './api/people.js';
import { keysRouter } from './api/keys.js';
import { auditRouter } from './api/audit.js';
import { printLink } from './accounts/links.js';
import { flowsRouter, schemaRouter } from './api/flows.js';
import { numbersRouter } from './api/numbers.js';
import { callsRouter } from './api/calls.js';
import { signatureChecker } from './webhooks/verify.js';
import { mountTexml } from './webhooks/texml-routes.js';
import { callControlRouter } from './webhooks/call-control.js';
import { messagingRouter } from './webhooks/messaging.js';
import { numbersWebhookRouter } from './webhooks/numbers.js';
import { numbersMarketRouter } from './api/numbers-market.js';
import { messagesRouter } from './api/messages.js';
import { usageRouter } from './api/usage.js';
import { callActionsRouter } from './api/calls-actions.js';
import { callHistoryRouter } from './api/calls-history.js';
import { voicemailsRouter } from './api/voicemails.js';
import { teamRouter } from './api/team.js';
import { schedulesRouter } from './api/schedules.js';
import { trafficRouter } from './api/traffic.js';
import { apiRateLimit, authFailureLimit, rateLimitsFromEnv, webhookRateLimit } from './rate-limit.js';
import { noSniff, setBuilderHeaders } from './security-headers.js';
import { outboundPolicy } from './net/outbound-settings.js';
import { sandboxReadScope } from './api/sandbox-scope.js';
import { notificationsRouter } from './api/notifications.js';
import { mediaRouter } from './api/media.js';
import { queuesRouter } from './api/queues.js';
import { OutboxWorker } from './notify/worker.js';
import { healthRouter } from './ops/health.js';
import { createMetrics, metricsAccessFromEnv, metricsRouter, webhookKind } from './ops/metrics.js';

export type { AppDeps } from './deps.js';

/** The app plus what tests and main need to reach (the store, to close it). */
export type CallflowApp = Express & { locals: { ctx: Ctx } };

/** CALLFLOW_TRANSCRIPTION_WAIT_S (default 60) in ms: how long voicemail notifications wait for the transcription. */
function transcriptionWaitFromEnv(env: NodeJS.ProcessEnv): number {
  const s = Number(env.CALLFLOW_TRANSCRIPTION_WAIT_S ?? 60);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 60_000;
}

/**
 * Builds the express app without listening: webhooks (raw bodies, signature
 * checked), the `/api` routes (Bearer key, company-scoped), the sandbox and
 * the builder when given. `app.locals.ctx.store` is the open store.
 */
export function createApp(deps: AppDeps): CallflowApp {
  const now = deps.now ?? (() => new Date());
  const store = typeof deps.db === 'string' ? openSqliteStore(deps.db, now) : deps.db;
  const ctx: Ctx = {
    store, log: deps.log, telnyx: deps.telnyx, publicUrl: () => deps.publicUrl().replace(/\/+$/, ''), now,
    commandAttempts: deps.commandAttempts ?? 3, retryDelayMs: deps.retryDelayMs ?? 200, connections: deps.connections ?? {},
    outbound: outboundPolicy(deps.outbound, process.env, !!deps.sandbox), links: deps.links ?? printLink,
    ...(deps.recordedEnv ? { recordedEnv: deps.recordedEnv } : {}),
    ...(deps.httpStandIn ? { httpStandIn: deps.httpStandIn } : {}),
    transcriptionWaitMs: deps.notify?.transcriptionWaitMs ?? transcriptionWaitFromEnv(process.env),
    metrics: createMetrics(store, now),
  };
  // The outbox worker sends what the store holds as pending, after each commit; stopped by ctx.outbox.stop().
  const worker = new OutboxWorker(ctx, { now, ...deps.notify });
  ctx.outbox = worker;
  if (deps.notify?.start !== false) worker.start();
  const app = express() as CallflowApp;
  app.locals.ctx = ctx;
  app.disable('x-powered-by');
  // Off unless configured: a forged X-Forwarded-For must not pick the sender's rate-limit bucket.
  app.set('trust proxy', deps.trustProxy ?? false);
  // One structured line per request; webhook bodies are in the webhook log, not here.
  // Nothing at all per request when the logger would drop the line (the level is read once).
  // Webhooks are also counted and timed for /metrics (nothing else is, when the logger is off).
  const logInfo = ctx.log.isLevelEnabled('info'), logError = ctx.log.isLevelEnabled('error');
  app.use((req, res, next) => {
    const kind = webhookKind(req.path);
    if (!kind && !logInfo && !logError) return next();
    const t0 = performance.now();
    res.on('finish', () => {
      const ms = performance.now() - t0;
      if (kind) ctx.metrics.webhook(kind, res.statusCode, ms / 1000);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (level === 'info' ? !logInfo : !logError) return;
      ctx.log[level]({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  });

  // Health and readiness first: no key, no rate limit (a balancer polls them), nothing about any company.
  app.use(healthRouter(ctx));
  app.use(metricsRouter(ctx.metrics, deps.metricsAccess ?? metricsAccessFromEnv(process.env)));

  // Webhooks first: they need the raw body, before any JSON parser.
  const check = signatureChecker(deps.webhookPublicKeys);
  const fromEnv = rateLimitsFromEnv(process.env);
  const limits = {
    apiPerMinute: deps.rateLimits?.apiPerMinute ?? fromEnv.apiPerMinute, webhooksPerMinute: deps.rateLimits?.webhooksPerMinute ?? fromEnv.webhooksPerMinute,
    authFailuresPerMinute: deps.rateLimits?.authFailuresPerMinute ?? fromEnv.authFailuresPerMinute,
  };
  const webhookLimit = webhookRateLimit(limits.webhooksPerMinute);
  // TeXML first, as routes of the app itself, each behind the limiter: a TeXML action callback (nearly every
  // webhook a call sends) crosses no sub-router and no `/webhooks` mount (a URL rewrite) on its way.
  mountTexml(app, ctx, check, webhookLimit);
  app.use('/webhooks', webhookLimit);
  app.use(callControlRouter(ctx, check));
  app.use(messagingRouter(ctx, check));
  app.use(numbersWebhookRouter(ctx, check));
  // The sandbox's reads (transcripts, texts) are scoped to the reader's company: api/sandbox-scope.ts.
  // One wrong-key bucket per IP for every route that takes a key (the API and the sandbox's reads).
  const keyFailures = authFailureLimit(limits.authFailuresPerMinute);
  if (deps.sandbox) app.use('/sandbox', sandboxReadScope(ctx, keyFailures), deps.sandbox);
  app.use(mediaRouter());

  app.use('/api', noSniff, apiRateLimit(limits.apiPerMinute));
  app.use('/api', express.json({ limit: '256kb' }));
  app.use(schemaRouter());
  // Sign in, reset links and invitations come before a key or session; then every route needs one, and the
  // role table (accounts/roles.ts) with the CSRF check for cookie sessions decides before any route runs.
  app.use(publicAccountsRouter(ctx, keyFailures));
  app.use('/api', authenticate(ctx, keyFailures), authorize());
  // A body in another type (text/plain, a form) would reach the routes as "no body": say what to send instead.
  app.use('/api', (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) return next(new AppError('bad_request', `${SEND_JSON} (got ${req.headers['content-type'] ? `content-type: ${req.headers['content-type']}` : 'no content-type'})`));
    next();
  });
  app.use(meRouter(ctx, keyFailures));
  app.use(peopleRouter(ctx));
  app.use(keysRouter(ctx));
  app.use(auditRouter(ctx));
  app.use(flowsRouter(ctx));
  app.use(numbersMarketRouter(ctx));
  app.use(numbersRouter(ctx));
  app.use(messagesRouter(ctx));
  app.use(usageRouter(ctx));
  app.use(callHistoryRouter(ctx));
  app.use(callActionsRouter(ctx));
  app.use(callsRouter(ctx));
  app.use(voicemailsRouter(ctx));
  app.use(teamRouter(ctx));
  app.use(schedulesRouter(ctx));
  app.use(trafficRouter(ctx));
  app.use(notificationsRouter(ctx));
  app.use(queuesRouter(ctx));
  app.use('/api', (req, _res, next) => next(new AppError('not_found', `No route ${req.method} ${req.originalUrl}`)));

  if (deps.builderDir && existsSync(deps.builderDir)) {
    const dir = resolve(deps.builderDir);
    app.use(express.static(dir, { index: 'index.html', setHeaders: setBuilderHeaders }));
    app.get('/{*splat}', (req, res, next) => {
      if (req.path.startsWith('/webhooks') || req.path.startsWith('/sandbox')) return next();
      setBuilderHeaders(res);
      res.sendFile(join(dir, 'index.html'));
    });
  }
  app.use(errorHandler(ctx.log));
  return app;
}
