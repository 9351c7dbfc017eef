import type { Connection } from './connection.js';
import type { CallHistoryStore, CallOutcome, PathStep } from './history-types.js';
import type { BusinessStore } from './business-types.js';
import { callRow } from './sqlite-calls.js';
import { OUTCOME_SQL } from './call-outcome.js';

type Row = Record<string, any>;

/** The outcome in SQL: the one rule, shared with the missed-call alerts (call-outcome.ts). */
const OUTCOME = OUTCOME_SQL;

const steps = (s: string | null): PathStep[] => (s ? s.split('\n').map((l) => {
  const [count, key, at] = l.split('\t');
  return { count: Number(count) || 0, key: key ?? '', at: at ?? '' };
}) : []);

/** The call history on SQLite: paged, filtered by number, direction, outcome and dates; one call's timeline parts. */
export function callHistoryRepo(db: Connection): CallHistoryStore & Pick<BusinessStore, 'listCallsFiltered'> {
  const repo: CallHistoryStore & Pick<BusinessStore, 'listCallsFiltered'> = {
    async listCallsFiltered(companyId, f) {
      return (await repo.listCallsPage(companyId, { ...f, limit: f.limit ?? 100 })).calls;
    },
    async listCallsPage(companyId, f) {
      const where = ['c.company_id = ?'];
      const args: unknown[] = [companyId];
      if (f.direction) { where.push('c.direction = ?'); args.push(f.direction); }
      if (f.number) { where.push('(c.from_number = ? OR c.to_number = ?)'); args.push(f.number, f.number); }
      if (f.status) where.push(f.status === 'ended' ? 'c.ended_at IS NOT NULL' : 'c.ended_at IS NULL');
      if (f.since) { where.push('c.started_at >= ?'); args.push(f.since); }
      if (f.until) { where.push('c.started_at < ?'); args.push(f.until); }
      if (f.outcome) { where.push(`(${OUTCOME}) = ?`); args.push(f.outcome); }
      // Keyset paging on (started_at, call_id): a call that starts while someone pages never shifts a page.
      if (f.before) { where.push('(c.started_at < ? OR (c.started_at = ? AND c.call_id < ?))'); args.push(f.before.startedAt, f.before.startedAt, f.before.callId); }
      const rows = db.prepare(`SELECT c.*, ${OUTCOME} AS outcome FROM call_log c WHERE ${where.join(' AND ')}
        ORDER BY c.started_at DESC, c.call_id DESC LIMIT ?`).all(...args, f.limit + 1) as Row[];
      const page = rows.slice(0, f.limit).map((r) => {
        const { path: _path, ...call } = callRow(r);
        return { ...call, outcome: r.outcome as CallOutcome };
      });
      const last = page.at(-1);
      return { calls: page, next: rows.length > f.limit && last ? { startedAt: last.startedAt, callId: last.callId } : null };
    },
    async callDetail(companyId, callId) {
      const r = db.prepare(`SELECT c.*, ${OUTCOME} AS outcome FROM call_log c WHERE c.company_id = ? AND c.call_id = ?`).get(companyId, callId) as Row | undefined;
      return r && { ...callRow(r), outcome: r.outcome as CallOutcome, pathSteps: steps(r.path_steps) };
    },
    async recordingsOfCall(companyId, callId) {
      return (db.prepare('SELECT id, company_id, call_id, source_url, content_type, seconds, created_at FROM recordings WHERE company_id = ? AND call_id = ? ORDER BY created_at, id')
        .all(companyId, callId) as Row[]).map((r) => ({ id: r.id, companyId: r.company_id, callId: r.call_id, sourceUrl: r.source_url, contentType: r.content_type, seconds: r.seconds, createdAt: r.created_at }));
    },
    async usageOfCall(companyId, callId, months) {
      if (!months.length) return [];
      const rows = db.prepare(`SELECT * FROM usage WHERE company_id = ? AND month IN (${months.map(() => '?').join(', ')}) AND (ref = ? OR detail = ?) ORDER BY at, id`)
        .all(companyId, ...months, callId, callId) as Row[];
      return rows.map((r) => ({ id: r.id, companyId: r.company_id, ref: r.ref, kind: r.kind, quantity: r.quantity, unit: r.unit, micros: r.micros, month: r.month, at: r.at, detail: r.detail }));
    },
  };
  return repo;
}
