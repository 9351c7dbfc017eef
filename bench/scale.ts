/**
 * How cost grows (issue #15): the engine step in flows of 10 to 2,000 nodes, one webhook's latency with 10,000 and
 * 1,000,000 stored calls, and the database bytes a finished call costs before and after retention.
 *
 * - Flow size: a menu whose key 1 leads down a chain of N − 2 say nodes to a hang-up; each step is a wrong key at the
 *   menu (re-prompt), so only the size of the flow changes. Compiling is once per flow version (cached), reported apart.
 * - Stored calls: the rows of finished calls (session, call log, a webhook, a dedupe row) written straight into the
 *   SQLite file in bulk, then live calls started through the signed voice URL of the real app on that file and one
 *   wrong key each timed, sequentially.
 * - Bytes per call: N calls through the real app (voice URL, a wrong key, the key that ends it, the status callback),
 *   the file's growth per call; then the retention prune (everything older than the calls) and VACUUM, again.
 */
import Database from 'better-sqlite3';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { parseFlow } from '../engine/schema.js';
import { step } from '../engine/step.js';
import type { EngineEvent, Env, Snapshot } from '../engine/types.js';
import { createApp } from '../server/app.js';
import { installFlow } from '../server/seed.js';
import { benchFlow, TEXML_NUMBER } from './server.js';
import { interleavedRates, median } from './stats.js';

/** A flow of `size` nodes: menu → (1) say × (size − 2) → hang-up; wrong keys and silence re-prompt. */
export function sizedFlow(size: number) {
  const n = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
  const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
  const says = Array.from({ length: size - 2 }, (_, i) => n(`s${i}`, 'say', { text: `Step ${i}.` }));
  return {
    format: 'callflow/1', id: `sized-${size}`, name: `Sized ${size}`, timezone: 'UTC', start: 'menu',
    nodes: [n('menu', 'menu', { prompt: { text: 'Press 1.' }, options: { '1': 'One' }, timeoutSeconds: 5, maxRetries: 0 }), ...says, n('bye', 'hangup', {})],
    edges: [
      e('menu', '1', says.length ? 's0' : 'bye'), e('menu', 'invalid', 'menu'), e('menu', 'timeout', 'menu'),
      ...says.map((s, i) => e(s.id, 'next', i + 1 < says.length ? `s${i + 1}` : 'bye')),
    ],
  };
}

/** Engine steps per second at each flow size, interleaved; the ratio to the smallest flow. */
export function benchFlowSizes(sizes = [10, 100, 500, 2000]): { rows: (string | number)[][] } {
  const env: Env = { now: '2026-11-23T10:00:00Z', mode: 'texml' };
  const wrongKey: EngineEvent = { type: 'input.digits', digits: '9' };
  const fns: Record<string, () => void> = {};
  const compileMs: Record<number, number> = {};
  for (const size of sizes) {
    const flow = parseFlow(sizedFlow(size));
    const t0 = performance.now();
    const first = step(flow, null, { type: 'call.started', from: '+13125550147', to: '+18445550199', callId: `c${size}`, direction: 'inbound' }, env, { version: `sized-${size}@1` });
    compileMs[size] = performance.now() - t0;
    const stored = JSON.stringify(first.snapshot);
    fns[size] = () => { JSON.stringify(step(flow, JSON.parse(stored) as Snapshot, wrongKey, env, { version: `sized-${size}@1` }).snapshot); };
  }
  const r = interleavedRates(fns, 2000, 9);
  const base = r.rounds[String(sizes[0])]!;
  return {
    rows: sizes.map((size) => {
      const ratio = median(r.rounds[String(size)]!.map((x, i) => x / base[i]!));
      return [`${size.toLocaleString('en-US')} nodes`, Math.round(r.median[String(size)]!), size === sizes[0] ? '1.00 (baseline)' : ratio.toFixed(2), `${compileMs[size]!.toFixed(1)} ms`, size === sizes[0] ? '' : `flat ±20 %: ${Math.abs(ratio - 1) <= 0.2 ? 'yes' : 'NO'}`];
    }),
  };
}

interface Harness { url: string; post: (path: string, body: string) => Promise<{ ms: number; text: string }>; close: () => Promise<void>; db: string; store: ReturnType<typeof createApp>['locals']['ctx']['store'] }

async function harness(db: string): Promise<Harness> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const app = createApp({
    db, log: pino({ level: 'silent' }), publicUrl: () => 'http://bench.invalid', webhookPublicKeys: [pub],
    telnyx: new Telnyx({ apiKey: 'bench', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }), rateLimits: { webhooksPerMinute: 0 }, notify: { start: false },
  });
  const store = app.locals.ctx.store;
  if (!(await store.countCompanies())) {
    const { company } = await store.createCompany('Bench');
    await installFlow(store, company.id, benchFlow(), [{ e164: TEXML_NUMBER, mode: 'texml' }]);
  }
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, db, store,
    async post(path, body) {
      const ts = String(Math.floor(Date.now() / 1000));
      const t0 = performance.now();
      const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'telnyx-timestamp': ts, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64') } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${text}`);
      return { ms: performance.now() - t0, text };
    },
    async close() { server.closeAllConnections(); await new Promise((r) => server.close(r)); await store.close(); },
  };
}

/** Writes `n` finished calls' rows straight into the file (bulk, one transaction per 50,000). */
function seedFinishedCalls(db: string, n: number): void {
  const sql = new Database(db);
  sql.pragma('journal_mode = WAL');
  const company = (sql.prepare('SELECT id FROM companies LIMIT 1').get() as { id: string }).id;
  const ins = {
    session: sql.prepare("INSERT INTO call_sessions (call_id, company_id, flow_id, version, mode, snapshot, seq, status, created_at, updated_at) VALUES (?, ?, 'bench-menu', 1, 'texml', ?, 3, 'done', ?, ?)"),
    log: sql.prepare("INSERT INTO call_log (call_id, company_id, flow_id, version, mode, direction, from_number, to_number, started_at, ended_at, hangup_cause) VALUES (?, ?, 'bench-menu', 1, 'texml', 'inbound', '+13125550147', ?, ?, ?, 'normal_clearing')"),
    hook: sql.prepare("INSERT INTO webhooks (received_at, kind, method, path, headers, raw_body, event_id, call_id, company_id, status, answer) VALUES (?, 'texml', 'POST', '/webhooks/texml', '{}', ?, ?, ?, ?, 200, '<Response><Hangup/></Response>')"),
    event: sql.prepare('INSERT INTO processed_events (event_id, answer, created_at, done) VALUES (?, ?, ?, 1)'),
  };
  const snap = JSON.stringify({ status: 'done', value: '__end', context: { seq: 3, vars: {} } });
  const at = '2026-10-01T10:00:00.000Z';
  const batch = sql.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `v3:old-${i}`;
      ins.session.run(id, company, snap, at, at);
      ins.log.run(id, company, TEXML_NUMBER, at, at);
      ins.hook.run(at, `CallSid=${encodeURIComponent(id)}&CallStatus=completed&From=%2B13125550147&To=%2B18445550100`, `texml:${id}:3`, id, company);
      ins.event.run(`texml:${id}:3`, '<Response><Hangup/></Response>', at);
    }
  });
  for (let i = 0; i < n; i += 50_000) batch(i, Math.min(n, i + 50_000));
  sql.close();
}

const size = (db: string) => statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);

/** One wrong key's latency (sequential, p50 of 200) with `stored` finished calls in the database. */
async function webhookAt(stored: number): Promise<{ p50: number; seedSeconds: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-scale-'));
  const db = join(dir, 'scale.db');
  try {
    (await harness(db).then(async (h) => { await h.close(); return h; }));
    const t0 = performance.now();
    seedFinishedCalls(db, stored);
    const seedSeconds = (performance.now() - t0) / 1000;
    const h = await harness(db);
    try {
      const start = (i: number) => h.post('/webhooks/texml', new URLSearchParams({ CallSid: `v3:live-${i}`, From: '+13125550147', To: TEXML_NUMBER, CallStatus: 'in-progress' }).toString());
      for (let i = 0; i < 200; i++) await start(i);
      const lat: number[] = [];
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 200; i++) lat.push((await h.post(`/webhooks/texml/gather-menu-${round + 1}`, new URLSearchParams({ CallSid: `v3:live-${i}`, Digits: '9' }).toString())).ms);
      }
      return { p50: median(lat.slice(200)), seedSeconds, bytes: size(db) };
    } finally { await h.close(); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** Database bytes per finished call: `calls` real calls through the app, before and after retention + VACUUM. */
async function bytesPerCall(calls: number): Promise<{ before: number; after: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-bytes-'));
  const db = join(dir, 'bytes.db');
  try {
    const h = await harness(db);
    let base = 0;
    try {
      const checkpoint = () => { const s = new Database(db); s.pragma('wal_checkpoint(TRUNCATE)'); s.close(); };
      checkpoint();
      base = size(db);
      for (let i = 0; i < calls; i += 20) {
        await Promise.all(Array.from({ length: Math.min(20, calls - i) }, async (_, j) => {
          const sid = `v3:bytes-${i + j}`;
          await h.post('/webhooks/texml', new URLSearchParams({ CallSid: sid, From: '+13125550147', To: TEXML_NUMBER, CallStatus: 'in-progress' }).toString());
          await h.post('/webhooks/texml/gather-menu-1', new URLSearchParams({ CallSid: sid, Digits: '9' }).toString());
          await h.post('/webhooks/texml/gather-menu-2', new URLSearchParams({ CallSid: sid, Digits: '1' }).toString());
          await h.post('/webhooks/texml/status', new URLSearchParams({ CallSid: sid, CallStatus: 'completed', CallDuration: '40' }).toString());
        }));
      }
      await h.store.prune({});
    } finally { await h.close(); }
    const s = new Database(db);
    s.pragma('wal_checkpoint(TRUNCATE)');
    const before = (size(db) - base) / calls;
    s.close();
    // Retention as the sweeper runs it once their period has passed: everything from before now goes but the call log.
    const h2 = await harness(db);
    try { await h2.store.prune({ webhooksBefore: new Date(Date.now() + 3600_000).toISOString() }); } finally { await h2.close(); }
    const v = new Database(db);
    v.exec('VACUUM');
    v.pragma('wal_checkpoint(TRUNCATE)');
    v.close();
    return { before, after: (size(db) - base) / calls };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** Rows of the stored-calls table and the bytes-per-call table. */
export async function benchStorage(o: { small?: number; large?: number; calls?: number } = {}): Promise<{ latency: (string | number)[][]; bytes: (string | number)[][] }> {
  const small = o.small ?? 10_000, large = o.large ?? 1_000_000;
  const a = await webhookAt(small);
  const b = await webhookAt(large);
  const ratio = b.p50 / a.p50;
  const mib = (x: number) => `${(x / 2 ** 20).toFixed(0)} MiB`;
  const per = await bytesPerCall(o.calls ?? 2000);
  const kb = (x: number) => `${(x / 1000).toFixed(2)} KB`;
  return {
    latency: [
      [`${small.toLocaleString('en-US')} stored calls`, `${a.p50.toFixed(2)} ms`, '1.00 (baseline)', mib(a.bytes), `${a.seedSeconds.toFixed(1)} s`, ''],
      [`${large.toLocaleString('en-US')} stored calls`, `${b.p50.toFixed(2)} ms`, ratio.toFixed(2), mib(b.bytes), `${b.seedSeconds.toFixed(1)} s`, `flat ±20 %: ${Math.abs(ratio - 1) <= 0.2 ? 'yes' : 'NO'}`],
    ],
    bytes: [
      ['a finished call, as stored (4 webhooks logged, session, call log, dedupe rows)', kb(per.before), ''],
      ['the same after retention (webhook logs, dedupe rows and snapshot pruned; call log kept) and VACUUM', kb(per.after), `< 3 KB: ${per.after < 3000 ? 'yes' : 'NO'}`],
    ],
  };
}
