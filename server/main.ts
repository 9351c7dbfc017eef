/**
 * `npm start`: the server with working defaults. Settings (env): PORT [3000],
 * CALLFLOW_DB [./data/callflow.db], TELNYX_API_KEY (unset → offline sandbox),
 * TELNYX_PUBLIC_KEY, TELNYX_BASE_URL, PUBLIC_URL [http://localhost:PORT].
 */
import { pino } from 'pino';
import { join } from 'node:path';
import type { Router } from 'express';
import { createApp } from './app.js';
import { openSqliteStore } from './store/sqlite.js';
import { createTelnyxClient } from './telnyx/client.js';

const log = pino({ name: 'callflow' });
const port = Number(process.env.PORT ?? 3000);
const dbFile = process.env.CALLFLOW_DB ?? './data/callflow.db';
const publicUrl = (process.env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
const apiKey = process.env.TELNYX_API_KEY;
const keys = process.env.TELNYX_PUBLIC_KEY ? [process.env.TELNYX_PUBLIC_KEY] : [];

let sandbox: { router: Router; publicKeyBase64: string; close?: () => void } | undefined;
if (!apiKey) {
  try {
    // Guarded: the server runs even where the sandbox is not built.
    const mod = (await import('./sandbox/index.js')) as { createSandbox: (o: { publicUrl: () => string; log?: unknown; keySeed?: Buffer }) => typeof sandbox };
    // A stable key (data/sandbox-key beside the database) so `callflow replay` can sign webhooks the server trusts.
    const seeds = (await import('./sandbox/keys.js')) as { loadOrCreateKeySeed?: (file?: string) => Buffer };
    sandbox = mod.createSandbox({ publicUrl: () => publicUrl, log, keySeed: seeds.loadOrCreateKeySeed?.() });
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

const store = openSqliteStore(dbFile);
if ((await store.countCompanies()) === 0) {
  const { company, apiKey: key } = await store.createCompany('My company');
  log.info({ company: company.id }, 'created "My company". Open the builder at %s and sign in with this API key: %s', publicUrl, key);
}

const app = createApp({
  db: store, log, telnyx, publicUrl: () => publicUrl, webhookPublicKeys: keys,
  sandbox: sandbox?.router, builderDir: join(import.meta.dirname, '..', 'builder', 'dist'),
});
const server = app.listen(port, () => log.info('callflow listening on port %d (public URL %s, database %s)', port, publicUrl, dbFile));

function shutdown(signal: string) {
  log.info('%s: shutting down', signal);
  server.close(() => {
    sandbox?.close?.();
    void store.close().then(() => process.exit(0));
  });
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
