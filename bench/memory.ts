/**
 * Memory per live call, and the server's footprint with 10,000 stored call
 * sessions. Calls are started through the real voice URL (signed webhooks
 * over loopback), so every session, call log row and webhook row is real.
 * A live call's state is in SQLite, not in the process, so the heap per call
 * should stay near zero: this measures that it does.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp } from '../server/app.js';
import { benchFlow, TEXML_NUMBER } from './server.js';
import { median } from './stats.js';
import { installFlow } from '../server/seed.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

/** Rows: heap / RSS per live call, then with 10,000 stored sessions, plus one webhook's latency at that size. */
export async function benchMemory(o: { live?: number; stored?: number } = {}): Promise<{ rows: (string | number)[][] }> {
  const live = o.live ?? 1000, stored = o.stored ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'cf-mem-'));
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const db = join(dir, 'mem.db');
  const app = createApp({
    db, log: pino({ level: 'silent' }), publicUrl: () => 'http://bench.invalid', webhookPublicKeys: [pub],
    telnyx: new Telnyx({ apiKey: 'bench', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }), rateLimits: { webhooksPerMinute: 0 },
  });
  const store = app.locals.ctx.store;
  const { company } = await store.createCompany('Bench');
  const flow = benchFlow();
  await installFlow(store, company.id, flow, [{ e164: TEXML_NUMBER, mode: 'texml' }]);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, body: string) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const t0 = process.hrtime.bigint();
    const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'telnyx-timestamp': ts, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64') } });
    const text = await res.text();
    if (!text.includes('<Gather')) throw new Error(`${path} → ${res.status} ${text}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const start = (from: number, to: number) => post('/webhooks/texml', new URLSearchParams({ CallSid: `v3:mem-${from}`, From: '+13125550147', To: TEXML_NUMBER, CallStatus: 'in-progress' }).toString()).then(() => to);
  const startMany = async (from: number, to: number) => {
    for (let i = from; i < to; i += 20) await Promise.all(Array.from({ length: Math.min(20, to - i) }, (_, j) => start(i + j, 0)));
  };
  try {
    // Warm-up: JIT, statement caches, SQLite pages, and past the 2,000 commits after which a busy store
    // hands WAL checkpoints to a worker thread (its ~10 MiB would otherwise count as the live calls' RSS).
    const warm = 1100;
    await startMany(0, warm);
    const before = settle();
    await startMany(warm, warm + live);
    const after = settle();
    await startMany(warm + live, Math.max(stored, warm + live));
    const full = settle();
    // A wrong key on one of the 10,000 calls: the latency of a webhook once the tables are full.
    const lat: number[] = [];
    for (let i = 0; i < 200; i++) lat.push(await post('/webhooks/texml/gather-menu-1', new URLSearchParams({ CallSid: `v3:mem-${(100 + i * 37) % stored}`, Digits: '9' }).toString()));
    const size = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    return {
      rows: [
        [`heap per live call (${live} calls waiting in a menu)`, kib((after.heapUsed - before.heapUsed) / live)],
        [`RSS per live call (${live} calls, includes SQLite page cache)`, kib((after.rss - before.rss) / live)],
        [`heap with ${stored.toLocaleString('en-US')} stored call sessions`, mib(full.heapUsed)],
        [`RSS with ${stored.toLocaleString('en-US')} stored call sessions`, mib(full.rss)],
        [`SQLite file + WAL with ${stored.toLocaleString("en-US")} sessions (+ call log, webhook log; the WAL starts over past ~80 MiB)`, mib(size)],
        [`one webhook at ${stored.toLocaleString('en-US')} sessions, sequential: p50 of 200`, `${median(lat).toFixed(2)} ms`],
      ],
    };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
