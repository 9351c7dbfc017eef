/**
 * `npm start`: the server with working defaults. Settings (env): PORT [3000],
 * CALLFLOW_DB [./data/callflow.db], TELNYX_API_KEY (unset → offline sandbox),
 * TELNYX_PUBLIC_KEY, TELNYX_BASE_URL, PUBLIC_URL [http://localhost:PORT],
 * CALLFLOW_API_RATE_LIMIT [600/min per key], CALLFLOW_WEBHOOK_RATE_LIMIT [30000/min per IP] (0 = off),
 * HOST [127.0.0.1 with the sandbox, every interface with TELNYX_API_KEY], CALLFLOW_RECORDING_HOSTS,
 * CALLFLOW_ALLOW_PRIVATE_WEBHOOKS, CALLFLOW_RECORDING_MAX_MB (server/README.md).
 * CALLFLOW_HEADERS_TIMEOUT_MS / _REQUEST_TIMEOUT_MS / _KEEPALIVE_TIMEOUT_MS, CALLFLOW_MAX_CONNECTIONS (http-limits.ts),
 * CALLFLOW_SHUTDOWN_TIMEOUT_S [10] (ops/shutdown.ts), CALLFLOW_RETAIN_WEBHOOKS_DAYS [30], CALLFLOW_RETAIN_RECORDINGS_DAYS [0 = forever]
 * (ops/retention.ts), CALLFLOW_METRICS_TOKEN / CALLFLOW_METRICS=public (ops/metrics.ts).
 */
import { pino } from 'pino';
import { join } from 'node:path';
import type { Router } from 'express';
import { createApp } from './app.js';
import { openSqliteStore } from './store/sqlite.js';
import { createTelnyxClient } from './telnyx/client.js';
import { registerDemoNumbers, seedExamples } from './seed.js';
import { firstStartBanner, listenDescription, listenFailure, listenHost, testCallCommand } from './startup.js';
import { trustProxyFromEnv } from './rate-limit.js';
import { outboundPolicy } from './net/outbound-settings.js';
import { applyHttpLimits, httpLimitsFromEnv } from './http-limits.js';
import { startVoicemailPurger } from './calls/voicemail-purge.js';
import { startConversationSweeper } from './messaging/conversations.js';
import { createOwner, ownerEmail } from './accounts/first-owner.js';
import { gracefulShutdown, shutdownTimeoutFromEnv } from './ops/shutdown.js';
import { retentionFromEnv, startRetention } from './ops/retention.js';

const log = pino({ name: 'callflow' });
const port = Number(process.env.PORT ?? 3000);
const dbFile = process.env.CALLFLOW_DB ?? './data/callflow.db';
const publicUrl = (process.env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
const apiKey = process.env.TELNYX_API_KEY;
const keys = process.env.TELNYX_PUBLIC_KEY ? [process.env.TELNYX_PUBLIC_KEY] : [];

let sandbox: { router: Router; publicKeyBase64: string; texmlConnectionId?: string; callControlConnectionId?: string; close?: () => void } | undefined;
if (!apiKey) {
  try {
    // Guarded: the server runs even where the sandbox is not built.
    const mod = (await import('./sandbox/index.js')) as { createSandbox: (o: { publicUrl: () => string; log?: unknown; keySeed?: Buffer; stateFile?: string }) => typeof sandbox; defaultStateFile?: () => string };
    // A stable key (data/sandbox-key beside the database) so `callflow replay` can sign webhooks the server trusts;
    // the sandbox's numbers in data/sandbox-state.json beside it, so they outlive a restart.
    const seeds = (await import('./sandbox/keys.js')) as { loadOrCreateKeySeed?: (file?: string) => Buffer };
    sandbox = mod.createSandbox({ publicUrl: () => publicUrl, log, keySeed: seeds.loadOrCreateKeySeed?.(), stateFile: mod.defaultStateFile?.() });
    if (sandbox) keys.push(sandbox.publicKeyBase64);
    log.info('TELNYX_API_KEY is unset: the offline Telnyx sandbox serves the API at %s/sandbox/v2', publicUrl);
  } catch (err) {
    log.warn({ err }, 'TELNYX_API_KEY is unset and the sandbox could not be loaded; Telnyx calls will fail');
  }
}
if (!keys.length) log.warn('no webhook public key: set TELNYX_PUBLIC_KEY, or every webhook is rejected with 401');

const telnyx = createTelnyxClient(apiKey
  ? { apiKey, baseURL: process.env.TELNYX_BASE_URL }
  : { apiKey: 'sandbox', baseURL: `${publicUrl}/sandbox/v2` });

// With the sandbox mounted, loopback only unless HOST says otherwise (its test routes have no key to place calls).
const host = listenHost(process.env, !!sandbox);
// A setting that does not parse stops the start here: before the first company (and its one-time key) is made.
let retention: ReturnType<typeof retentionFromEnv>;
try { outboundPolicy({}, process.env, !!sandbox); retention = retentionFromEnv(process.env); } catch (err) {
  process.stderr.write(`callflow: ${(err as Error).message}\n`);
  process.exit(1);
}
const store = openSqliteStore(dbFile);
let banner: string | undefined;
if ((await store.countCompanies()) === 0) {
  const { company, apiKey: key } = await store.createCompany('My company');
  // The key goes to the console banner only: JSON logs are shipped and kept, and a key in them is a key anyone with the logs can use.
  log.info({ company: company.id }, 'created "My company"; its API key is in the start-up banner on stderr (shown once). Open the builder at %s', publicUrl);
  const seeded = await seedExamples(store, company.id, join(import.meta.dirname, '..', 'flows'));
  log.info('imported the example flows (%s) and routed %s to the main line', seeded.flows.join(', '), seeded.numbers.join(' (TeXML) and ') + ' (Call Control)');
  // The owner's set-password link is a secret like the key: on the banner only.
  const owner = await createOwner(store, company.id, ownerEmail(process.env), publicUrl);
  if (owner) log.info('created the owner %s; the link to set their password is in the start-up banner on stderr', owner.email);
  banner = firstStartBanner({ publicUrl, port, apiKey: key, company: company.name, testNumber: seeded.numbers[0], sandbox: !!sandbox, host, ...(owner ? { owner } : {}) });
} else if ((await store.countPeople()) === 0 && (await store.countCompanies()) === 1) {
  // A database from before accounts: its company gets an owner the same way (its API keys keep working).
  const [company] = await store.listCompanies();
  const owner = await createOwner(store, company!.id, ownerEmail(process.env), publicUrl);
  if (owner) {
    log.info('accounts are new: created the owner %s of "%s"; the link to set their password is in the banner on stderr', owner.email, company!.name);
    banner = firstStartBanner({ publicUrl, port, company: company!.name, sandbox: !!sandbox, host, owner });
  }
}

const app = createApp({
  db: store, log, telnyx, publicUrl: () => publicUrl, webhookPublicKeys: keys,
  connections: {
    texml: process.env.TELNYX_TEXML_APP_ID ?? sandbox?.texmlConnectionId,
    callControl: process.env.TELNYX_CONNECTION_ID ?? sandbox?.callControlConnectionId,
  },
  sandbox: sandbox?.router, builderDir: join(import.meta.dirname, '..', 'builder', 'dist'),
  trustProxy: trustProxyFromEnv(process.env),
});
// A deep accept queue: a busy line's webhooks arrive in bursts, and Node's default (511) overflows,
// costing each dropped connection 1–3 s before the kernel retries it (test/load measured 953 overflows).
const server = app.listen({ port, host, backlog: 4096 }, (err?: Error) => {
  if (err) {
    // Express 5 hands the listen error here; nothing else would report it.
    const line = listenFailure(err as NodeJS.ErrnoException, port);
    log.fatal({ err }, line);
    // The new company's key was created already: keep it visible, or it is lost.
    if (banner) process.stderr.write(banner);
    process.stderr.write(`callflow: ${line}\n`);
    sandbox?.close?.();
    void store.close().finally(() => process.exit(1));
    return;
  }
  log.info('callflow listening on port %d: %s (public URL %s, database %s)', port, listenDescription(host, port), publicUrl, dbFile);
  if (banner) process.stderr.write(banner);
  if (sandbox) {
    registerDemoNumbers(telnyx, store, { texml: sandbox.texmlConnectionId, callControl: sandbox.callControlConnectionId })
      .then((nums) => nums.length && log.info('sandbox: demo numbers %s are live; try `%s`', nums.join(', '), testCallCommand(nums[0]!, publicUrl, port)))
      .catch((err: unknown) => log.warn({ err }, 'sandbox: could not register the demo numbers'));
  }
});
// Voicemails deleted with undo are purged when their window passes, even with nobody in the inbox.
const stopPurger = startVoicemailPurger(store, log);
// Old webhook logs (and, when set, recordings) are pruned hourly; the call log is kept.
const stopRetention = startRetention(store, log, retention);
// A text conversation's waitForReply times out when due (server/messaging/conversations.ts), whoever is looking.
const stopConversationSweeper = startConversationSweeper(app.locals.ctx);
// Slow or stalled clients (headers or body trickling in) are cut off, and open connections are capped.
applyHttpLimits(server, httpLimitsFromEnv(process.env));

const shutdown = gracefulShutdown({
  server, ctx: app.locals.ctx, log, timeoutMs: shutdownTimeoutFromEnv(process.env), exit: (code) => process.exit(code),
  stop: [stopPurger, stopRetention, stopConversationSweeper, () => sandbox?.close?.()],
});
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
