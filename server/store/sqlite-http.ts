/** The httpRequest nodes' requests (migration 022): who sends each, and its result (calls/http-runner.ts). */
import type { Connection } from './connection.js';
import type { Store } from './types.js';

type HttpRepo = Pick<Store, 'claimHttpRequest' | 'finishHttpRequest' | 'httpRequest'>;
type Row = { deadline_ms: number; result: string | null };

export function httpRepo(db: Connection, iso: () => string): HttpRepo {
  return {
    async claimHttpRequest(callId, seq, deadlineMs) {
      return db.prepare('INSERT INTO http_requests (call_id, seq, started_at, deadline_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(callId, seq, iso(), deadlineMs).changes > 0;
    },
    async finishHttpRequest(callId, seq, result) {
      db.prepare('UPDATE http_requests SET result = ? WHERE call_id = ? AND seq = ? AND result IS NULL').run(JSON.stringify(result), callId, seq);
    },
    async httpRequest(callId, seq) {
      const r = db.prepare('SELECT deadline_ms, result FROM http_requests WHERE call_id = ? AND seq = ?').get(callId, seq) as Row | undefined;
      return r && { deadlineMs: r.deadline_ms, ...(r.result ? { result: JSON.parse(r.result) } : {}) };
    },
  };
}
