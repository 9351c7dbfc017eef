import type { Connection } from './connection.js';
import type { OutboundCallRow, OutboundStore } from './outbound-types.js';
import type { Mode } from '../../engine/types.js';

type Row = Record<string, any>;
const outboundRow = (r: Row): OutboundCallRow => ({
  token: r.token, companyId: r.company_id, flowId: r.flow_id, version: r.version, mode: r.mode as Mode,
  from: r.from_number, to: r.to_number, vars: JSON.parse(r.vars), amd: r.amd, callId: r.call_id ?? null, createdAt: r.created_at,
});

/** The outbound_calls table (migration 020). */
export function outboundRepo(db: Connection, iso: () => string): OutboundStore {
  return {
    async addOutboundCall(o) {
      db.prepare(`INSERT INTO outbound_calls (token, company_id, flow_id, version, mode, from_number, to_number, vars, amd, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(o.token, o.companyId, o.flowId, o.version, o.mode, o.from, o.to, JSON.stringify(o.vars), o.amd, iso());
    },
    async outboundCall(token) {
      const r = db.prepare('SELECT * FROM outbound_calls WHERE token = ?').get(token) as Row | undefined;
      return r && outboundRow(r);
    },
    async outboundByCallId(callId) {
      const r = db.prepare('SELECT * FROM outbound_calls WHERE call_id = ?').get(callId) as Row | undefined;
      return r && outboundRow(r);
    },
    async linkOutboundCall(token, callId) {
      db.prepare('UPDATE outbound_calls SET call_id = ? WHERE token = ? AND call_id IS NULL').run(callId, token);
      const r = db.prepare('SELECT call_id FROM outbound_calls WHERE token = ?').get(token) as Row | undefined;
      return r?.call_id === callId;
    },
  };
}
