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
      const rows = db.prepare(`SELECT version, path, ended_at FROM call_log
        WHERE company_id = ? AND flow_id = ? AND started_at >= ? AND started_at < ? AND (? IS NULL OR version = ?)
        ORDER BY started_at`).all(companyId, flowId, q.from, q.to, q.version ?? null, q.version ?? null) as Row[];
      return rows.map((r): CallPathRow => ({ version: r.version ?? null, path: r.path ? String(r.path).split('\n') : [], ended: r.ended_at != null }));
    },
  };
}
