import Database from 'better-sqlite3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkpointer } from './checkpoint.js';
import { Connection } from './connection.js';
import { migrate, migrationState } from './migrate.js';
import { readCache } from './read-cache.js';
import { callRepo } from './sqlite-calls.js';
import { httpRepo } from './sqlite-http.js';
import { trafficRepo } from './sqlite-traffic.js';
import { retentionRepo } from './sqlite-retention.js';
import { marketRepo } from './sqlite-market.js';
import { callHistoryRepo } from './sqlite-call-history.js';
import { messageRepo } from './sqlite-messages.js';
import { voicemailRepo } from './sqlite-voicemail.js';
import { notifyRepo } from './sqlite-notify.js';
import { accountRepo } from './sqlite-accounts.js';
import { conversationRepo } from './sqlite-conversations.js';
import { scheduleRepo } from './sqlite-schedules.js';
import { outboundRepo } from './sqlite-outbound.js';
import { queueRepo } from './sqlite-queue.js';
import type { Company, FlowRow, FlowVersionRow, NumberRow, Store } from './types.js';
import { Batcher } from './unit-of-work.js';
import type { Mode } from '../../engine/types.js';

/** sha256 hex of an API key: what the database keeps instead of the key. */
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A new API key: `cf_` + 32 random bytes, base64url. */
export const newApiKey = () => `cf_${randomBytes(32).toString('base64url')}`;
const keyId = () => randomBytes(8).toString('hex');

type Row = Record<string, any>;
const flowRow = (r: Row): FlowRow => ({
  companyId: r.company_id, id: r.id, name: r.name, doc: JSON.parse(r.doc), revision: r.revision,
  updatedAt: r.updated_at, publishedVersion: r.published_version ?? null,
});
const numberRow = (r: Row): NumberRow => ({ e164: r.e164, companyId: r.company_id, flowId: r.flow_id, mode: r.mode as Mode, updatedAt: r.updated_at });

/**
 * Creates the database file (and its folder) readable by this user only, before SQLite opens it:
 * it holds call logs, recordings, transcriptions and the server's signing key. Created with mode
 * 0600 in one `open(O_CREAT|O_EXCL)`, so there is no moment when it is world-readable whatever the
 * umask; SQLite gives the -wal and -shm files the database file's mode. An existing file is left as it is.
 */
function createPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try { closeSync(openSync(file, 'wx', 0o600)); } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * Opens (creating folders and the file if needed) a SQLite store in WAL mode
 * and applies pending migrations. `now` stamps rows (injectable for tests).
 */
export function openSqliteStore(file: string, now: () => Date = () => new Date()): Store {
  if (file !== ':memory:') createPrivate(file);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrate(sqlite);
  const iso = () => now().toISOString();
  // From here on every write goes through `db` (store/connection.ts): the batcher's units, or outside them.
  const batch = new Batcher(sqlite, file === ':memory:' ? file : resolve(file));
  const db = new Connection(sqlite, batch);
  const checkpoints = file === ':memory:' ? undefined : checkpointer(sqlite, file);
  const cache = readCache(db);
  // Company rows never change once created (no rename); the cache still drops them when another connection writes.
  const companies = cache.table<Company | undefined>();
  // Active numbers by E.164: read by the company check of every call webhook (webhooks/company-check.ts) and by
  // every new call or message. Dropped after any write of this store that may change a number (the connection
  // watches them all: buying, assigning, releasing, a company deleted, …) and when another connection commits.
  const activeNumbers = cache.table<NumberRow | undefined>();
  db.watch('numbers', () => activeNumbers.clear());

  const publishTx = db.transaction((companyId: string, flowId: string, doc: unknown, draft?: { name: string }) => {
    const max = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM flow_versions WHERE company_id = ? AND flow_id = ?').get(companyId, flowId) as { v: number };
    const version = max.v + 1;
    const json = JSON.stringify(doc);
    db.prepare('INSERT INTO flow_versions (company_id, flow_id, version, doc, created_at) VALUES (?, ?, ?, ?, ?)').run(companyId, flowId, version, json, iso());
    if (draft) {
      db.prepare('UPDATE flows SET published_version = ?, doc = ?, name = ?, revision = revision + 1, updated_at = ? WHERE company_id = ? AND id = ?').run(version, json, draft.name, iso(), companyId, flowId);
    } else {
      db.prepare('UPDATE flows SET published_version = ? WHERE company_id = ? AND id = ?').run(version, companyId, flowId);
    }
    const rev = db.prepare('SELECT revision FROM flows WHERE company_id = ? AND id = ?').get(companyId, flowId) as { revision: number };
    return { version, revision: rev.revision };
  });

  const store: Store = {
    async close() {
      batch.close();
      await checkpoints?.close();
      sqlite.close();
    },
    unit: () => batch.unit(),
    async health() {
      db.prepare('SELECT 1').get();
      return { migrations: migrationState(sqlite) };
    },
    async opsCounts(since) {
      const live = db.prepare('SELECT COUNT(*) AS n FROM call_log WHERE ended_at IS NULL AND started_at >= ?').get(since) as { n: number };
      const pending = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'").get() as { n: number };
      return { liveCalls: live.n, outboxPending: pending.n };
    },
    async backup(target) {
      const dest = resolve(target);
      if (file !== ':memory:' && dest === resolve(file)) throw new Error('the backup must go to another file than the database itself');
      // Refused rather than overwritten: an old backup is somebody's only copy.
      if (existsSync(dest)) throw new Error(`${dest} exists already`);
      createPrivate(dest);
      // Committed writes only: the open batch of this turn is not in the copy (it is not committed yet).
      await sqlite.backup(dest);
      return { bytes: statSync(dest).size };
    },
    async createCompany(name) {
      const company: Company = { id: randomUUID(), name, createdAt: iso() };
      const apiKey = newApiKey();
      db.transaction(() => {
        db.prepare('INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)').run(company.id, name, company.createdAt);
        db.prepare('INSERT INTO api_keys (hash, company_id, created_at, id, prefix) VALUES (?, ?, ?, ?, ?)').run(hashKey(apiKey), company.id, company.createdAt, keyId(), apiKey.slice(0, 9));
      })();
      return { company, apiKey };
    },
    async listCompanies() {
      return (db.prepare('SELECT * FROM companies ORDER BY created_at, id').all() as Row[]).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
    },
    async createApiKey(companyId) {
      const apiKey = newApiKey();
      const info = db.prepare('INSERT INTO api_keys (hash, company_id, created_at, id, prefix) SELECT ?, id, ?, ?, ? FROM companies WHERE id = ?').run(hashKey(apiKey), iso(), keyId(), apiKey.slice(0, 9), companyId);
      return info.changes ? apiKey : undefined;
    },
    async countCompanies() { return (db.prepare('SELECT COUNT(*) AS n FROM companies').get() as { n: number }).n; },
    async companyByKey(apiKey) {
      const r = db.prepare('SELECT c.* FROM api_keys k JOIN companies c ON c.id = k.company_id WHERE k.hash = ?').get(hashKey(apiKey)) as Row | undefined;
      return r && { id: r.id, name: r.name, createdAt: r.created_at };
    },
    // Keys are never cached (companyByKey reads the table each time), so a revoked key is refused on the very next request.
    async revokeApiKey(apiKey) {
      return db.transaction(() => {
        const r = db.prepare('DELETE FROM api_keys WHERE hash = ? RETURNING company_id').get(hashKey(apiKey)) as Row | undefined;
        if (!r) return undefined;
        const c = db.prepare('SELECT * FROM companies WHERE id = ?').get(r.company_id) as Row;
        const left = db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE company_id = ?').get(r.company_id) as { n: number };
        return { company: { id: c.id, name: c.name, createdAt: c.created_at }, remaining: left.n };
      })();
    },
    async revokeCompanyKeys(companyId) {
      return db.prepare('DELETE FROM api_keys WHERE company_id = ?').run(companyId).changes;
    },
    async company(id) {
      return companies.get(id, () => {
        const r = db.prepare('SELECT * FROM companies WHERE id = ?').get(id) as Row | undefined;
        return r && { id: r.id, name: r.name, createdAt: r.created_at };
      });
    },
    async listFlows(companyId) {
      return (db.prepare('SELECT * FROM flows WHERE company_id = ? ORDER BY updated_at DESC, id').all(companyId) as Row[]).map(flowRow);
    },
    async getFlow(companyId, id) {
      const r = db.prepare('SELECT * FROM flows WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;
      return r && flowRow(r);
    },
    async createFlow(companyId, id, name, doc) {
      const info = db.prepare('INSERT INTO flows (company_id, id, name, doc, revision, updated_at) VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING')
        .run(companyId, id, name, JSON.stringify(doc), iso());
      return info.changes ? store.getFlow(companyId, id) : undefined;
    },
    async updateFlow(companyId, id, revision, name, doc) {
      const info = db.prepare('UPDATE flows SET doc = ?, name = ?, revision = revision + 1, updated_at = ? WHERE company_id = ? AND id = ? AND revision = ?')
        .run(JSON.stringify(doc), name, iso(), companyId, id, revision);
      return info.changes ? store.getFlow(companyId, id) : undefined;
    },
    async deleteFlow(companyId, id) {
      return db.transaction(() => {
        const n = db.prepare('DELETE FROM flows WHERE company_id = ? AND id = ?').run(companyId, id).changes;
        // Versions stay: calls in progress still need the version they started on.
        if (n) db.prepare('UPDATE numbers SET flow_id = NULL WHERE company_id = ? AND flow_id = ?').run(companyId, id);
        return n > 0;
      })();
    },
    async listVersions(companyId, flowId) {
      return (db.prepare('SELECT version, doc, created_at FROM flow_versions WHERE company_id = ? AND flow_id = ? ORDER BY version').all(companyId, flowId) as Row[])
        .map((r): FlowVersionRow => ({ version: r.version, doc: JSON.parse(r.doc), createdAt: r.created_at }));
    },
    async getVersion(companyId, flowId, version) {
      const r = db.prepare('SELECT version, doc, created_at FROM flow_versions WHERE company_id = ? AND flow_id = ? AND version = ?').get(companyId, flowId, version) as Row | undefined;
      return r && { version: r.version, doc: JSON.parse(r.doc), createdAt: r.created_at };
    },
    async publish(companyId, flowId, doc, draft) { return publishTx(companyId, flowId, doc, draft); },
    async putNumber(companyId, e164, flowId, mode) {
      const info = db.prepare(`INSERT INTO numbers (e164, company_id, flow_id, mode, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (e164) DO UPDATE SET flow_id = excluded.flow_id, mode = excluded.mode, updated_at = excluded.updated_at
        WHERE numbers.company_id = excluded.company_id`).run(e164, companyId, flowId, mode, iso());
      if (!info.changes) return undefined;
      return numberRow(db.prepare('SELECT * FROM numbers WHERE e164 = ?').get(e164) as Row);
    },
    async listNumbers(companyId) {
      return (db.prepare('SELECT * FROM numbers WHERE company_id = ? ORDER BY e164').all(companyId) as Row[]).map(numberRow);
    },
    async numberByE164(e164) {
      // Only active numbers route calls and messages: pending ones are not ours yet, released ones no longer.
      return activeNumbers.get(e164, () => {
        const r = db.prepare("SELECT * FROM numbers WHERE e164 = ? AND status = 'active'").get(e164) as Row | undefined;
        return r && numberRow(r);
      });
    },
    ...callRepo(db, iso, cache, batch, () => checkpoints?.wrote()),
    ...marketRepo(db, iso), ...messageRepo(db, iso), ...voicemailRepo(db, iso, cache), ...notifyRepo(db, iso), ...callHistoryRepo(db),
    ...trafficRepo(db), ...retentionRepo(db), ...httpRepo(db, iso),
    ...scheduleRepo(db, iso, cache),
    ...accountRepo(db, iso, hashKey, newApiKey),
    ...conversationRepo(db, iso),
    ...outboundRepo(db, iso),
    ...queueRepo(db, iso),
  };
  return store;
}
