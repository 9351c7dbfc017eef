import { randomUUID } from 'node:crypto';
import type { Connection } from './connection.js';
import type { NotifyStore, OutboxItem, OutboxRow } from './notify-types.js';

type Row = Record<string, any>;

const outboxRow = (r: Row): OutboxRow => ({
  id: r.id, companyId: r.company_id, channel: r.channel, kind: r.kind, target: r.target, payload: JSON.parse(r.payload), ref: r.ref,
  state: r.state, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at,
});

/**
 * Writes outbox items with the connection's statements, so it runs inside whatever transaction the caller is in
 * (a step's saveSnapshot, a voicemail's notice claim): the notification is committed with its cause or not at all.
 * An item with `once` is written only when its window claim wins.
 */
export function insertOutbox(db: Connection, iso: string, items: readonly OutboxItem[]): OutboxRow[] {
  const rows: OutboxRow[] = [];
  for (const i of items) {
    if (i.once) {
      const claimed = db.prepare('INSERT INTO notify_once (key, at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE notify_once.at <= ?')
        .run(i.once.key, iso, i.once.since).changes > 0;
      if (!claimed) continue;
    }
    const r: OutboxRow = {
      id: randomUUID(), companyId: i.companyId, channel: i.channel, kind: i.kind, target: i.target, payload: i.payload, ref: i.ref ?? null,
      state: 'pending', attempts: 0, nextAttemptAt: i.notBefore ?? iso, lastError: null, createdAt: iso, sentAt: null,
    };
    db.prepare(`INSERT INTO outbox (id, company_id, channel, kind, target, payload, ref, state, attempts, next_attempt_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`).run(r.id, r.companyId, r.channel, r.kind, r.target, JSON.stringify(r.payload), r.ref, r.nextAttemptAt, r.createdAt);
    rows.push(r);
  }
  return rows;
}

/** The outbox, SMTP settings and missed-call settings on SQLite. */
export function notifyRepo(db: Connection, iso: () => string): NotifyStore {
  const enqueue = db.transaction((items: OutboxItem[]) => insertOutbox(db, iso(), items));
  return {
    async enqueue(items) { return enqueue(items); },
    async dueOutbox(now, limit) {
      return (db.prepare("SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?").all(now, limit) as Row[]).map(outboxRow);
    },
    async nextOutboxAt() {
      const r = db.prepare("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending'").get() as Row;
      return r.t ?? undefined;
    },
    async leaseOutbox(id, attempts, leaseUntil) {
      return db.prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, lease_until = ? WHERE id = ? AND state = 'pending' AND attempts = ?").run(leaseUntil, leaseUntil, id, attempts).changes > 0;
    },
    async finishOutbox(id, o, at, attempt) {
      // A failure counts only for the attempt that holds the row: a late answer of an attempt whose lease ran out
      // (another worker took the row since) changes nothing. A delivery always counts.
      if (o.state === 'sent') db.prepare("UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL, lease_until = NULL WHERE id = ?").run(at, id);
      else if (o.state === 'pending') db.prepare("UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_until = NULL WHERE id = ? AND state = 'pending' AND attempts = ?").run(o.nextAttemptAt, o.error, id, attempt);
      else db.prepare("UPDATE outbox SET state = 'failed', last_error = ?, lease_until = NULL WHERE id = ? AND state = 'pending' AND attempts = ?").run(o.error, id, attempt);
    },
    async getOutbox(companyId, id) {
      const r = db.prepare('SELECT * FROM outbox WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;
      return r && outboxRow(r);
    },
    async listOutbox(companyId, f) {
      const where = ['company_id = ?'], args: unknown[] = [companyId];
      if (f.state) { where.push('state = ?'); args.push(f.state); }
      return (db.prepare(`SELECT * FROM outbox WHERE ${where.join(' AND ')} ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(...args, f.limit ?? 100) as Row[]).map(outboxRow);
    },
    async retryOutbox(companyId, id, now) {
      const n = db.prepare(`UPDATE outbox SET state = 'pending', next_attempt_at = ?, attempts = CASE WHEN state = 'failed' THEN 0 ELSE attempts END
        WHERE company_id = ? AND id = ? AND state IN ('pending', 'failed') AND (lease_until IS NULL OR lease_until <= ?)`).run(now, companyId, id, now).changes;
      if (!n) return undefined;
      return outboxRow(db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row);
    },
    async releaseOutbox(ref, now) {
      return db.prepare("UPDATE outbox SET next_attempt_at = ? WHERE ref = ? AND state = 'pending' AND attempts = 0 AND next_attempt_at > ?").run(now, ref, now).changes;
    },
    async pruneOutbox(before) {
      return db.prepare("DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?").run(before).changes;
    },
    async smtpSettings(companyId) {
      const r = db.prepare('SELECT settings FROM smtp_settings WHERE company_id = ?').get(companyId) as Row | undefined;
      return r ? JSON.parse(r.settings) : undefined;
    },
    async putSmtpSettings(companyId, s) {
      db.prepare('INSERT INTO smtp_settings (company_id, settings) VALUES (?, ?) ON CONFLICT DO UPDATE SET settings = excluded.settings').run(companyId, JSON.stringify(s));
    },
    async missedCallSettings(companyId, e164) {
      const r = db.prepare('SELECT settings FROM missed_call_settings WHERE company_id = ? AND e164 = ?').get(companyId, e164) as Row | undefined;
      return r ? JSON.parse(r.settings) : undefined;
    },
    async putMissedCallSettings(companyId, e164, s) {
      db.prepare('INSERT INTO missed_call_settings (company_id, e164, settings, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at')
        .run(companyId, e164, JSON.stringify(s), iso());
    },
    async listMissedCallSettings(companyId) {
      return (db.prepare('SELECT e164, settings FROM missed_call_settings WHERE company_id = ? ORDER BY e164').all(companyId) as Row[]).map((r) => ({ e164: r.e164, ...JSON.parse(r.settings) }));
    },
  };
}
