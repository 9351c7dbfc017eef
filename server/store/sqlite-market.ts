import type { Connection } from './connection.js';
import type { BizNumber, BusinessStore } from './business-types.js';
import { callRow } from './sqlite-calls.js';

type Row = Record<string, any>;
type Repo = Pick<BusinessStore, 'settings' | 'saveSettings' | 'addPendingNumber' | 'activateOrder' | 'failOrder' | 'bizNumber' | 'listBizNumbers'
  | 'configureNumber' | 'releaseNumber' | 'releaseFailed' | 'claimNumber' | 'callById' | 'addUsage' | 'listUsage' | 'monthTotal' | 'rateOverrides' | 'putRateOverrides' | 'serverKey'>;

const bizRow = (r: Row): BizNumber => ({
  e164: r.e164, companyId: r.company_id, flowId: r.flow_id, mode: r.mode, status: r.status, telnyxId: r.telnyx_id,
  orderId: r.order_id, voicemail: !!r.voicemail, monthlyMicros: r.monthly_micros, purchasedAt: r.purchased_at,
  releasedAt: r.released_at, updatedAt: r.updated_at, releaseStatus: r.release_status ?? null, releaseError: r.release_error ?? null,
  smsFlowId: r.sms_flow_id ?? null,
});

/** Company settings, the number lifecycle, one call by id, the usage ledger and server keys on SQLite. */
export function marketRepo(db: Connection, iso: () => string): Repo {
  const get = (companyId: string, e164: string) => db.prepare('SELECT * FROM numbers WHERE company_id = ? AND e164 = ?').get(companyId, e164) as Row | undefined;
  return {
    async settings(companyId) {
      const r = db.prepare('SELECT settings FROM company_settings WHERE company_id = ?').get(companyId) as Row | undefined;
      return r ? JSON.parse(r.settings) : {};
    },
    async saveSettings(companyId, s) {
      db.prepare('INSERT INTO company_settings (company_id, settings) VALUES (?, ?) ON CONFLICT DO UPDATE SET settings = excluded.settings').run(companyId, JSON.stringify(s));
    },
    async addPendingNumber(n) {
      // A released number can be bought again (by anyone): its old row gives way.
      const info = db.prepare(`INSERT INTO numbers (e164, company_id, flow_id, mode, updated_at, status, order_id, monthly_micros, purchased_at, released_at, telnyx_id, voicemail)
        VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, NULL, NULL, 1)
        ON CONFLICT (e164) DO UPDATE SET company_id = excluded.company_id, flow_id = excluded.flow_id, mode = excluded.mode, updated_at = excluded.updated_at,
          status = 'pending', order_id = excluded.order_id, monthly_micros = excluded.monthly_micros, purchased_at = excluded.purchased_at, released_at = NULL, telnyx_id = NULL, voicemail = 1
        WHERE numbers.status = 'released'`).run(n.e164, n.companyId, n.flowId, n.mode, iso(), n.orderId, n.monthlyMicros, iso());
      return info.changes > 0;
    },
    async activateOrder(orderId) {
      const rows = db.prepare("SELECT * FROM numbers WHERE order_id = ? AND status = 'pending'").all(orderId) as Row[];
      const done: BizNumber[] = [];
      for (const r of rows) {
        const info = db.prepare("UPDATE numbers SET status = 'active', updated_at = ? WHERE e164 = ? AND status = 'pending' AND order_id = ?")
          .run(iso(), r.e164, orderId);
        if (info.changes) done.push(bizRow(db.prepare('SELECT * FROM numbers WHERE e164 = ?').get(r.e164) as Row));
      }
      return done;
    },
    async failOrder(orderId) {
      const rows = db.prepare("SELECT e164 FROM numbers WHERE order_id = ? AND status = 'pending'").all(orderId) as Row[];
      db.prepare("UPDATE numbers SET status = 'released', released_at = ?, updated_at = ? WHERE order_id = ? AND status = 'pending'").run(iso(), iso(), orderId);
      return rows.map((r) => bizRow(db.prepare('SELECT * FROM numbers WHERE e164 = ?').get(r.e164) as Row));
    },
    async bizNumber(companyId, e164) { const r = get(companyId, e164); return r && bizRow(r); },
    async listBizNumbers(companyId) {
      const rows = db.prepare('SELECT * FROM numbers WHERE company_id = ? ORDER BY e164').all(companyId) as Row[];
      const calls = db.prepare(`SELECT SUM(direction = 'inbound' AND to_number = ?) AS i, SUM(direction = 'outbound' AND from_number = ?) AS o FROM call_log WHERE company_id = ?`);
      const msgs = db.prepare(`SELECT SUM(direction = 'outbound') AS s, SUM(direction = 'inbound') AS r FROM messages WHERE company_id = ? AND our_number = ?`);
      return rows.map((r) => {
        const c = calls.get(r.e164, r.e164, companyId) as Row, m = msgs.get(companyId, r.e164) as Row;
        return { ...bizRow(r), counters: { callsIn: c.i ?? 0, callsOut: c.o ?? 0, messagesSent: m.s ?? 0, messagesReceived: m.r ?? 0 } };
      });
    },
    async configureNumber(companyId, e164, p) {
      const r = get(companyId, e164);
      if (!r || r.status === 'released') return undefined;
      db.prepare('UPDATE numbers SET flow_id = ?, mode = ?, voicemail = ?, telnyx_id = COALESCE(?, telnyx_id), updated_at = ? WHERE e164 = ? AND company_id = ?').run(
        p.flowId === undefined ? r.flow_id : p.flowId, p.mode ?? r.mode, p.voicemail === undefined ? r.voicemail : p.voicemail ? 1 : 0, p.telnyxId ?? null, iso(), e164, companyId);
      return bizRow(get(companyId, e164)!);
    },
    async releaseNumber(companyId, e164) {
      db.prepare(`UPDATE numbers SET status = 'released', released_at = COALESCE(released_at, ?), updated_at = ?, release_status = 'released', release_error = NULL
        WHERE e164 = ? AND company_id = ?`).run(iso(), iso(), e164, companyId);
      const r = get(companyId, e164);
      return r && bizRow(r);
    },
    async releaseFailed(companyId, e164, error) {
      db.prepare("UPDATE numbers SET release_status = 'failed', release_error = ?, updated_at = ? WHERE e164 = ? AND company_id = ? AND status != 'released'").run(error, iso(), e164, companyId);
      const r = get(companyId, e164);
      return r && bizRow(r);
    },
    async claimNumber(companyId, e164, flowId, mode, telnyxId) {
      // One conditional write: a row of another company that is not released wins.
      const info = db.prepare(`INSERT INTO numbers (e164, company_id, flow_id, mode, updated_at, status, telnyx_id, order_id, purchased_at, released_at, release_status, release_error, voicemail)
        VALUES (?, ?, ?, ?, ?, 'active', ?, NULL, NULL, NULL, NULL, NULL, 1)
        ON CONFLICT (e164) DO UPDATE SET company_id = excluded.company_id, flow_id = excluded.flow_id, mode = excluded.mode, updated_at = excluded.updated_at,
          status = 'active', telnyx_id = excluded.telnyx_id, released_at = NULL, release_status = NULL, release_error = NULL,
          order_id = CASE WHEN numbers.company_id = excluded.company_id THEN numbers.order_id END,
          monthly_micros = CASE WHEN numbers.company_id = excluded.company_id THEN numbers.monthly_micros END
        WHERE numbers.status = 'released' OR numbers.company_id = excluded.company_id`).run(e164, companyId, flowId, mode, iso(), telnyxId);
      if (!info.changes) return undefined;
      return bizRow(get(companyId, e164)!);
    },
    async callById(callId) {
      const r = db.prepare('SELECT * FROM call_log WHERE call_id = ?').get(callId) as Row | undefined;
      return r && callRow(r);
    },
    async addUsage(u) {
      return db.prepare(`INSERT INTO usage (company_id, ref, kind, quantity, unit, micros, month, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING`).run(u.companyId, u.ref, u.kind, u.quantity, u.unit, u.micros, u.month, u.at, u.detail).changes > 0;
    },
    async listUsage(companyId, month) {
      return (db.prepare('SELECT * FROM usage WHERE company_id = ? AND month = ? ORDER BY at, id').all(companyId, month) as Row[]).map((r) => ({
        id: r.id, companyId: r.company_id, ref: r.ref, kind: r.kind, quantity: r.quantity, unit: r.unit, micros: r.micros, month: r.month, at: r.at, detail: r.detail,
      }));
    },
    async monthTotal(companyId, month) {
      return (db.prepare('SELECT COALESCE(SUM(micros), 0) AS t FROM usage WHERE company_id = ? AND month = ?').get(companyId, month) as Row).t;
    },
    async rateOverrides(companyId) {
      return Object.fromEntries((db.prepare('SELECT kind, micros FROM rate_overrides WHERE company_id = ?').all(companyId) as Row[]).map((r) => [r.kind, r.micros]));
    },
    async putRateOverrides(companyId, rates) {
      db.transaction(() => {
        for (const [kind, micros] of Object.entries(rates)) {
          if (micros === null) db.prepare('DELETE FROM rate_overrides WHERE company_id = ? AND kind = ?').run(companyId, kind);
          else db.prepare('INSERT INTO rate_overrides (company_id, kind, micros) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET micros = excluded.micros').run(companyId, kind, micros);
        }
      })();
    },
    async serverKey(name, create) {
      const have = db.prepare('SELECT private_pem FROM server_keys WHERE name = ?').get(name) as Row | undefined;
      if (have) return have.private_pem;
      db.prepare('INSERT INTO server_keys (name, private_pem, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(name, create(), iso());
      return (db.prepare('SELECT private_pem FROM server_keys WHERE name = ?').get(name) as Row).private_pem;
    },
  };
}
