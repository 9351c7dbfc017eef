/**
 * Fuzzing kit: a real app on a temp SQLite file (rate limits off, so 10,000
 * requests are all answered by the routes), our own Ed25519 signer, and a
 * runner that fires fast-check samples over loopback a few at a time.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';
import { installFlow } from '../../server/seed.js';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
export const PUB = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

/** Telnyx's signature headers over `timestamp|body`. */
export function signBody(body: string, ts = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  return { 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64'), 'telnyx-timestamp': ts };
}

export interface FuzzApp { app: CallflowApp; url: string; key: string; companyId: string; close(): Promise<void> }

/** The app with a published main line routed to +18445550199 (TeXML) and +18445550198 (Call Control). */
export async function fuzzApp(): Promise<FuzzApp> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-fuzz-'));
  const app = createApp({
    db: join(dir, 'fuzz.db'), log: pino({ level: 'silent' }), publicUrl: () => 'https://cf.example.test', webhookPublicKeys: [PUB],
    // Commands go nowhere fast: a refused connection is a transient failure the server must survive.
    telnyx: new Telnyx({ apiKey: 'KEY', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0, timeout: 500 }),
    retryDelayMs: 0, commandAttempts: 1, rateLimits: { apiPerMinute: 0, webhooksPerMinute: 0 },
  });
  const store = app.locals.ctx.store;
  const { company, apiKey } = await store.createCompany('Fuzz');
  const flow = JSON.parse(readFileSync('flows/main-line.json', 'utf8'));
  await installFlow(store, company.id, flow, [{ e164: '+18445550199', mode: 'texml' }, { e164: '+18445550198', mode: 'call-control' }]);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: apiKey, companyId: company.id,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Sent { method: string; path: string; headers: Record<string, string>; body?: string }
export interface Got { status: number; type: string; text: string }

/**
 * Sends `RUNS` samples of `arb` (seeded, so a failure reproduces), `concurrency`
 * at a time, and returns the first sample `check` rejects (or undefined).
 */
export async function fuzzHttp<T>(url: string, arb: fc.Arbitrary<T>, toRequest: (x: T) => Sent, check: (got: Got, sent: Sent) => string | undefined, o: { seed?: number; concurrency?: number; runs?: number } = {}): Promise<{ failure?: string; statuses: Record<number, number> }> {
  const samples = fc.sample(arb, { numRuns: o.runs ?? RUNS, seed: o.seed ?? 42 });
  const statuses: Record<number, number> = {};
  let failure: string | undefined;
  let i = 0;
  const worker = async () => {
    while (i < samples.length && !failure) {
      const sent = toRequest(samples[i++]!);
      let got: Got;
      try {
        const res = await fetch(url + sent.path, { method: sent.method, headers: sent.headers, body: sent.body });
        got = { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
      } catch (err) {
        failure = `no answer (crash?) for ${JSON.stringify(sent).slice(0, 500)}: ${String(err)}`;
        return;
      }
      statuses[got.status] = (statuses[got.status] ?? 0) + 1;
      const why = check(got, sent);
      if (why) failure = `${why}\n  request: ${JSON.stringify(sent).slice(0, 800)}\n  answer: ${got.status} ${got.text.slice(0, 400)}`;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
  return { failure, statuses };
}

/** Strings that stress parsers: unicode, control characters, path and encoding tricks. */
export const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '%', '%00', '%zz', '..', '../../etc/passwd', '__proto__', 'constructor', 'toString', '+', '&', '=', '\u0000', '\uFFFF', '\uD800', 'v3:', '9'.repeat(400), '{{caller.from}}', '<Hangup/>', ']]>', 'null', 'NaN', '-1', '1e309'),
);
