import type { Connection } from './connection.js';
import type { QueueEntryRow, QueueStore } from './queue-types.js';

type Row = Record<string, any>;
const ACTIVE = "('waiting', 'callback', 'calling')";
/**
 * A caller still `waiting` after this long lost their call without the server hearing of it (a queue's longest wait
 * is at most 2 hours): their place no longer counts, so one lost hangup cannot hold a line up for ever.
 */
export const STALE_WAIT_MS = 3 * 3600_000;

const entryRow = (r: Row): QueueEntryRow => ({
  id: r.id, companyId: r.company_id, flowId: r.flow_id, version: r.version, nodeId: r.node_id, callId: r.call_id, firstCallId: r.first_call_id,
  state: r.state, callbackTo: r.callback_to ?? null, callbackFrom: r.callback_from ?? null, agent: r.agent ?? null, joinedAt: r.joined_at, leftAt: r.left_at ?? null,
});

/** Hold queues (migration 019). Every change that can race is one conditional statement. */
export function queueRepo(db: Connection, iso: () => string): QueueStore {
  return {
    async queueJoin(e) {
      // Once per call and node: a retried step, or a callback call that already holds the place it was placed for.
      db.prepare(`INSERT INTO queue_entries (company_id, flow_id, version, node_id, call_id, first_call_id, state, joined_at)
        SELECT ?, ?, ?, ?, ?, ?, 'waiting', ? WHERE NOT EXISTS (SELECT 1 FROM queue_entries WHERE call_id = ? AND node_id = ?)
        ON CONFLICT DO NOTHING`).run(e.companyId, e.flowId, e.version, e.nodeId, e.callId, e.callId, iso(), e.callId, e.nodeId);
    },
    async queueAhead(companyId, flowId, nodeId, callId) {
      const stale = new Date(Date.parse(iso()) - STALE_WAIT_MS).toISOString();
      const r = db.prepare(`SELECT COUNT(*) AS n FROM queue_entries WHERE company_id = ? AND flow_id = ? AND node_id = ? AND state IN ${ACTIVE}
        AND NOT (state = 'waiting' AND joined_at < ?)
        AND id < COALESCE((SELECT MIN(id) FROM queue_entries WHERE call_id = ? AND node_id = ? AND state IN ${ACTIVE}), 9223372036854775807)`)
        .get(companyId, flowId, nodeId, stale, callId, nodeId) as { n: number };
      return r.n;
    },
    async queueEntryOf(callId, nodeId) {
      const r = db.prepare(`SELECT * FROM queue_entries WHERE call_id = ? AND node_id = ? AND state IN ${ACTIVE} ORDER BY id LIMIT 1`).get(callId, nodeId) as Row | undefined;
      return r && entryRow(r);
    },
    async queueEntry(id) {
      const r = db.prepare('SELECT * FROM queue_entries WHERE id = ?').get(id) as Row | undefined;
      return r && entryRow(r);
    },
    async queueLinkCallback(id, claim, callId) {
      return db.prepare("UPDATE queue_entries SET call_id = ? WHERE id = ? AND state = 'calling' AND call_id IN (?, ?)").run(callId, id, claim, callId).changes > 0;
    },
    async queueLeave(callId, nodeId, state, patch) {
      const left = state === 'callback' ? null : iso();
      return db.prepare(`UPDATE queue_entries SET state = ?, left_at = ?, agent = COALESCE(?, agent), callback_to = COALESCE(?, callback_to),
        callback_from = COALESCE(?, callback_from) WHERE call_id = ? AND node_id = ? AND state IN ('waiting', 'calling')`)
        .run(state, left, patch.agent ?? null, patch.callbackTo ?? null, patch.callbackFrom ?? null, callId, nodeId).changes > 0;
    },
    async queueAbandon(callId) {
      return db.prepare(`UPDATE queue_entries SET state = CASE state WHEN 'calling' THEN 'missed' ELSE 'abandoned' END, left_at = ?
        WHERE call_id = ? AND state IN ('waiting', 'calling')`).run(iso(), callId).changes;
    },
    async queueAverageWait(companyId, flowId, nodeId) {
      const r = db.prepare(`SELECT AVG((julianday(left_at) - julianday(joined_at)) * 86400) AS s, COUNT(*) AS n FROM (
        SELECT joined_at, left_at FROM queue_entries WHERE company_id = ? AND flow_id = ? AND node_id = ? AND state = 'connected'
        ORDER BY id DESC LIMIT 20)`).get(companyId, flowId, nodeId) as { s: number | null; n: number };
      return r.n && r.s !== null ? Math.max(0, Math.round(r.s)) : undefined;
    },
    async queueCallbacksDue(companyId) {
      const stale = new Date(Date.parse(iso()) - STALE_WAIT_MS).toISOString();
      return (db.prepare(`SELECT * FROM queue_entries q WHERE company_id = ? AND state = 'callback' AND NOT EXISTS (
        SELECT 1 FROM queue_entries p WHERE p.company_id = q.company_id AND p.flow_id = q.flow_id AND p.node_id = q.node_id
          AND p.state IN ${ACTIVE} AND NOT (p.state = 'waiting' AND p.joined_at < ?) AND p.id < q.id) ORDER BY id`).all(companyId, stale) as Row[]).map(entryRow);
    },
    async queueClaimCallback(id, callId) {
      return db.prepare("UPDATE queue_entries SET state = 'calling', call_id = ? WHERE id = ? AND state = 'callback'").run(callId, id).changes > 0;
    },
    async queueReleaseCallback(id, callId) {
      db.prepare("UPDATE queue_entries SET state = 'callback', call_id = first_call_id WHERE id = ? AND state = 'calling' AND call_id = ?").run(id, callId);
    },
    async queueEntries(companyId, q = {}) {
      return (db.prepare(`SELECT * FROM queue_entries WHERE company_id = ? AND (? IS NULL OR flow_id = ?) AND (? = 0 OR state IN ${ACTIVE})
        ORDER BY id DESC LIMIT ?`).all(companyId, q.flowId ?? null, q.flowId ?? null, q.active ? 1 : 0, Math.min(q.limit ?? 100, 500)) as Row[]).map(entryRow);
    },
  };
}
