import type { Connection } from './connection.js';
import type { CallPathRow, Store } from './types.js';

type Row = Record<string, any>;

/**
 * The paths calls took through one flow, for the traffic overlay (server/calls/traffic.ts adds them up).
 * Reads only the call log's own columns (`path`, migration 005): no webhook bodies, so a month of calls stays cheap.
 */
export function trafficRepo(db: Connection): Pick<Store, 'callPaths'> {
  return {
    async callPaths(companyId, flowId, q) {
      // Keyset pages on (started_at, call_id), the call_log_flow index (migration 017): each page is a short range read.
      const after = q.after ?? { startedAt: q.from, callId: '' };
      const rows = db.prepare(`SELECT call_id, started_at, version, path, ended_at FROM call_log
        WHERE company_id = ? AND flow_id = ? AND (started_at, call_id) > (?, ?) AND started_at >= ? AND started_at < ?
          AND (? IS NULL OR version = ?)
        ORDER BY started_at, call_id LIMIT ?`)
        .all(companyId, flowId, after.startedAt, after.callId, q.from, q.to, q.version ?? null, q.version ?? null, q.limit ?? 1000) as Row[];
      return rows.map((r): CallPathRow => ({ callId: r.call_id, startedAt: r.started_at, version: r.version ?? null, path: r.path ? String(r.path).split('\n') : [], ended: r.ended_at != null }));
    },
  };
}
