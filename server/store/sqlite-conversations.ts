import type { Connection } from './connection.js';
import type { ConversationRow, ConversationStore } from './conversation-types.js';

type Row = Record<string, any>;
const convRow = (r: Row): ConversationRow => ({
  id: r.id, companyId: r.company_id, number: r.number, customer: r.customer, flowId: r.flow_id, version: r.version,
  snapshot: r.snapshot ? JSON.parse(r.snapshot) : null, seq: r.seq, status: r.status, dueAt: r.due_at ?? null,
  endedReason: r.ended_reason ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Text conversations and numbers' SMS flows on SQLite. */
export function conversationRepo(db: Connection, iso: () => string): ConversationStore {
  return {
    async setSmsFlow(companyId, e164, flowId) {
      return db.prepare('UPDATE numbers SET sms_flow_id = ?, updated_at = ? WHERE company_id = ? AND e164 = ?').run(flowId, iso(), companyId, e164).changes > 0;
    },
    async smsFlowOf(e164) {
      const r = db.prepare("SELECT sms_flow_id FROM numbers WHERE e164 = ? AND status = 'active'").get(e164) as Row | undefined;
      return r ? (r.sms_flow_id ?? null) : undefined;
    },
    async activeConversation(number, customer) {
      const r = db.prepare("SELECT * FROM conversation_sessions WHERE number = ? AND customer = ? AND status = 'active'").get(number, customer) as Row | undefined;
      return r && convRow(r);
    },
    async startConversation(c) {
      const t = iso();
      const info = db.prepare(`INSERT INTO conversation_sessions (id, company_id, number, customer, flow_id, version, seq, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 0, 'active', ?, ?) ON CONFLICT DO NOTHING`).run(c.id, c.companyId, c.number, c.customer, c.flowId, c.version, t, t);
      if (!info.changes) return undefined;
      return convRow(db.prepare('SELECT * FROM conversation_sessions WHERE id = ?').get(c.id) as Row);
    },
    async saveConversation(id, expectedSeq, snapshot, o) {
      return db.prepare(`UPDATE conversation_sessions SET snapshot = ?, seq = seq + 1, due_at = ?, status = ?, ended_reason = ?, updated_at = ?
        WHERE id = ? AND seq = ? AND status = 'active'`)
        .run(JSON.stringify(snapshot), o.done ? null : o.dueAt, o.done ? 'done' : 'active', o.done ? (o.endedReason ?? 'end-of-flow') : null, iso(), id, expectedSeq).changes > 0;
    },
    async endConversations(companyId, customer, reason) {
      return db.prepare(`UPDATE conversation_sessions SET status = 'done', due_at = NULL, ended_reason = ?, seq = seq + 1, updated_at = ?
        WHERE company_id = ? AND customer = ? AND status = 'active'`).run(reason, iso(), companyId, customer).changes;
    },
    async dueConversations(now, limit) {
      return (db.prepare(`SELECT * FROM conversation_sessions WHERE status = 'active' AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`)
        .all(now, limit) as Row[]).map(convRow);
    },
    async conversationsWith(companyId, customer) {
      return (db.prepare('SELECT * FROM conversation_sessions WHERE company_id = ? AND customer = ? ORDER BY created_at DESC, rowid DESC').all(companyId, customer) as Row[]).map(convRow);
    },
  };
}
