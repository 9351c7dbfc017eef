/**
 * The offline Telnyx sandbox: Telnyx API v2 under `/v2`, simulated calls
 * under `/calls`, its public key at `/public-key`. The server mounts the
 * router at `/sandbox` when no TELNYX_API_KEY is set. It never imports
 * engine/: it plays Telnyx from Telnyx's documentation.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { CcLeg } from './cc-leg.js';
import { callControlRouter } from './cc-routes.js';
import { callsRouter } from './calls.js';
import type { Logger, SandboxContext } from './context.js';
import { DeliveryStats, type WebhookStats } from './delivery-stats.js';
import { signerFromSeed } from './keys.js';
import { inboundMessagesRouter, messagesRouter, type SentMessage } from './messages.js';
import { NumberStore, numbersRouter } from './numbers.js';
import { recordingsRouter } from './recordings.js';
import { replayRouter } from './replay-routes.js';
import { texmlCallsRouter } from './texml-calls.js';
import { calleesRouter } from './callees.js';
import { errors, sendError, sendOwnError } from './util.js';
import { inScope, readScope, UNSCOPED } from './read-scope.js';

export { defaultStateFile } from './state.js';

export interface SandboxOptions {
  /** This server's public base URL (webhooks go to `${publicUrl()}/webhooks/...`). */
  publicUrl: () => string;
  log?: Logger;
  /** 32-byte Ed25519 seed; random when absent (see keys.ts `loadOrCreateKeySeed`). */
  keySeed?: Buffer;
  now?: () => Date;
  /** Waits between webhook retries (ms); default [250, 1000, 3000]. */
  retryDelaysMs?: number[];
  /** How long an idle Call Control call waits for a command (ms); default 2000. */
  idleMs?: number;
  /** Number order completion delay (ms); default 200. */
  orderDelayMs?: number;
  /** Longest `POST /calls` waits for the call to end (ms); default 60000. */
  callTimeoutMs?: number;
  /** How long one webhook attempt waits for the app's answer (ms); default 10000. */
  webhookTimeoutMs?: number;
  /**
   * JSON file that keeps the account's numbers (and their settings) across
   * restarts (see state.ts `defaultStateFile`); in memory only when absent.
   */
  stateFile?: string;
  /**
   * Serve `GET /calls`, `/calls/:id` and `/messages` to anyone (default false: the app in front must scope each
   * read to a company's numbers, see read-scope.ts; without that scope they answer 401). For a bare test bench.
   */
  openReads?: boolean;
}

export interface Sandbox {
  router: Router;
  publicKeyBase64: string;
  texmlConnectionId: string;
  callControlConnectionId: string;
  /** Simulated calls (inbound and outbound) that have started and not ended yet. */
  liveCalls(): number;
  /** Webhooks sent so far: retried, failed, and how long the app took to answer an attempt. */
  webhookStats(): WebhookStats;
  /**
   * Test switch: Telnyx refuses `DELETE /phone_numbers/{id}` for this number
   * (422, code 10015, `detail` as the reason) until called again with `null`.
   */
  refuseRelease(e164: string, detail?: string | null): void;
  close(): void;
}

export function createSandbox(opts: SandboxOptions): Sandbox {
  const now = opts.now ?? (() => new Date());
  const signer = signerFromSeed(opts.keySeed ?? randomBytes(32), now);
  const stats = new DeliveryStats();
  const ctx: SandboxContext = {
    publicUrl: () => opts.publicUrl().replace(/\/+$/, ''), now, log: opts.log,
    delivery: { signer, retryDelaysMs: opts.retryDelaysMs ?? [250, 1000, 3000], timeoutMs: opts.webhookTimeoutMs ?? 10_000, log: opts.log, stats },
    texmlConnectionId: '1684641123236054244', callControlConnectionId: '1684641123236054245',
    accountSid: 'a1b2c3d4-0000-4000-8000-5a4db0c5a4db',
    orderDelayMs: opts.orderDelayMs ?? 200, idleMs: opts.idleMs ?? 2000, callTimeoutMs: opts.callTimeoutMs ?? 60_000,
    calls: new Map(), callees: new Map(), timers: new Set(), openReads: opts.openReads ?? false,
  };
  const numbers = new NumberStore(opts.stateFile, opts.log);
  const legs = new Map<string, CcLeg>();
  const sent: SentMessage[] = [];
  const onMessage = (m: SentMessage) => {
    // A text to a caller who is still on a simulated call shows in that call's transcript.
    for (const call of ctx.calls.values()) if (!call.ended && (call.direction === 'incoming' ? call.from : call.to) === m.to[0]?.phone_number) call.add('sms', m.text ?? '[media]');
  };

  const v2 = Router();
  v2.use(express.json({ limit: '1mb' }));
  v2.use((req, _res, next) => { if (!/^Bearer\s+\S+/.test(req.get('authorization') ?? '')) throw errors.auth(); next(); });
  v2.use(numbersRouter(ctx, numbers), messagesRouter(ctx, sent, onMessage), callControlRouter(ctx, legs), texmlCallsRouter(ctx));
  v2.use((_req: Request, _res: Response) => { throw errors.notFound(); });
  v2.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') { res.status(400).json({ errors: [{ code: '10015', title: 'Bad Request', detail: 'The request body is not valid JSON.' }] }); return; }
    sendError(res, err);
  });

  const router = Router();
  router.use('/v2', v2);
  router.get('/public-key', (_req, res) => { res.type('text/plain').send(signer.publicKeyBase64); });
  router.get('/messages', (_req, res) => {
    const scope = readScope(res, ctx.openReads);
    if (!scope) { sendOwnError(res, 'unauthorized', UNSCOPED); return; }
    res.json({ data: sent.filter((m) => inScope(scope, m.from.phone_number)) });
  });
  router.use(express.json({ limit: '100kb' }), callsRouter(ctx, numbers, legs), calleesRouter(ctx), inboundMessagesRouter(ctx), recordingsRouter(), replayRouter(ctx, legs));
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; message?: string };
    opts.log?.warn({ err }, 'sandbox error');
    if (e.type === 'entity.parse.failed') sendOwnError(res, 'bad_request', `Body is not valid JSON: ${e.message ?? ''}`);
    else if (e.type === 'entity.too.large') sendOwnError(res, 'too_large', 'Request body is too large (limit 100 kB)');
    else sendOwnError(res, 'internal', e.message ?? String(err));
  });

  return {
    router, publicKeyBase64: signer.publicKeyBase64,
    texmlConnectionId: ctx.texmlConnectionId, callControlConnectionId: ctx.callControlConnectionId,
    webhookStats: () => stats.summary(),
    refuseRelease(e164, detail = `Phone number ${e164} cannot be deleted right now: it has a pending port-out order.`) {
      if (detail === null) numbers.refusals.delete(e164); else numbers.refusals.set(e164, detail);
    },
    liveCalls() { let n = 0; for (const c of ctx.calls.values()) if (!c.ended) n++; return n; },
    close() {
      for (const t of ctx.timers) clearTimeout(t);
      ctx.timers.clear();
      for (const c of ctx.calls.values()) c.end({ by: 'error', reason: 'sandbox closed' });
    },
  };
}
