import type { Connection } from './connection.js';
import type { BusinessStore, MessageRow, MessageStatus } from './business-types.js';

type Row = Record<string, any>;
type Repo = Pick<BusinessStore, 'insertMessage' | 'advanceMessage' | 'getMessage' | 'messageByTelnyxId' | 'listMessages' | 'listConversations' | 'setOptOut' | 'isOptedOut' | 'markConversationRead'>;

const msgRow = (r: Row): MessageRow => ({
  id: r.id, companyId: r.company_id, telnyxId: r.telnyx_id, direction: r.direction, ourNumber: r.our_number, customer: r.customer,
  text: r.text, media: JSON.parse(r.media), segments: r.segments, encoding: r.encoding, status: r.status, error: r.error,
  createdAt: r.created_at, updatedAt: r.updated_at, readAt: r.read_at ?? null,
});

/** Delivery states only move forward; delivered and failed are final. */
const RANK: Record<MessageStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2, received: 2 };

/** Messages, conversations and opt-outs on SQLite. */
export function messageRepo(db: Connection, iso: () => string): Repo {
  return {
    async insertMessage(m) {
      return db.prepare(`INSERT INTO messages (id, company_id, telnyx_id, direction, our_number, customer, text, media, segments, encoding, status, error, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`).run(m.id, m.companyId, m.telnyxId, m.direction, m.ourNumber, m.customer, m.text,
        JSON.stringify(m.media), m.segments, m.encoding, m.status, m.error, m.createdAt, m.updatedAt).changes > 0;
    },
    async advanceMessage(telnyxId, status, error) {
      // One conditional write: only a status of higher rank replaces the stored one.
      const ranks = Object.entries(RANK).filter(([, r]) => r < RANK[status]).map(([s]) => s);
      if (ranks.length) {
        db.prepare(`UPDATE messages SET status = ?, error = COALESCE(?, error), updated_at = ? WHERE telnyx_id = ? AND status IN (${ranks.map(() => '?').join(',')})`)
          .run(status, error, iso(), telnyxId, ...ranks);
      }
      const r = db.prepare('SELECT * FROM messages WHERE telnyx_id = ?').get(telnyxId) as Row | undefined;
      return r && msgRow(r);
    },
    async messageByTelnyxId(telnyxId) {
      const r = db.prepare('SELECT * FROM messages WHERE telnyx_id = ?').get(telnyxId) as Row | undefined;
      return r && msgRow(r);
    },
    async getMessage(companyId, id) {
      const r = db.prepare('SELECT * FROM messages WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;
      return r && msgRow(r);
    },
    async listMessages(companyId, f) {
      const where = ['company_id = ?'];
      const args: unknown[] = [companyId];
      if (f.customer) { where.push('customer = ?'); args.push(f.customer); }
      if (f.number) { where.push('our_number = ?'); args.push(f.number); }
      return (db.prepare(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY created_at, rowid LIMIT ?`).all(...args, f.limit ?? 200) as Row[]).map(msgRow);
    },
    async listConversations(companyId) {
      const rows = db.prepare(`SELECT m.*, c.n AS n, c.unread AS unread, (o.customer IS NOT NULL) AS opted FROM messages m
        JOIN (SELECT customer, COUNT(*) AS n, SUM(direction = 'inbound' AND read_at IS NULL) AS unread, MAX(rowid) AS last
          FROM messages WHERE company_id = ? GROUP BY customer) c ON c.last = m.rowid
        LEFT JOIN opt_outs o ON o.company_id = m.company_id AND o.customer = m.customer
        ORDER BY m.created_at DESC`).all(companyId) as Row[];
      return rows.map((r) => ({ customer: r.customer, ourNumber: r.our_number, last: msgRow(r), count: r.n, unread: r.unread ?? 0, optedOut: !!r.opted }));
    },
    async markConversationRead(companyId, customer) {
      return db.prepare("UPDATE messages SET read_at = ? WHERE company_id = ? AND customer = ? AND direction = 'inbound' AND read_at IS NULL")
        .run(iso(), companyId, customer).changes;
    },
    async setOptOut(companyId, customer, out) {
      if (out) db.prepare('INSERT INTO opt_outs (company_id, customer, opted_out_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(companyId, customer, iso());
      else db.prepare('DELETE FROM opt_outs WHERE company_id = ? AND customer = ?').run(companyId, customer);
    },
    async isOptedOut(companyId, customer) {
      return !!db.prepare('SELECT 1 FROM opt_outs WHERE company_id = ? AND customer = ?').get(companyId, customer);
    },
  };
}
