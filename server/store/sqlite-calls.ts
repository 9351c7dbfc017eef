import type { CallLogPatch, CallLogRow, SessionRow, Store, WebhookRow } from './types.js';
import type { Cursors, Mode } from '../../engine/types.js';
import type { Connection } from './connection.js';
import type { Batcher } from './unit-of-work.js';
import type { ReadCache } from './read-cache.js';
import { withoutSignature } from '../webhooks/signature-headers.js';
import { insertOutbox } from './sqlite-notify.js';

type Row = Record<string, any>;
type CallRepo = Pick<Store, 'createSession' | 'getSession' | 'sessionByCallSessionId' | 'saveSnapshot' | 'recordSessionCursors' | 'cursors' | 'saveCursors'
  | 'startCallLog' | 'patchCallLog' | 'listCalls' | 'getCall' | 'recordWebhook' | 'finishWebhook' | 'webhooksForCall'
  | 'claimEvent' | 'setEventAnswer' | 'eventAnswer' | 'eventState' | 'storeEventAnswer' | 'finishEvent' | 'startCall'
  | 'recordDialAnswer' | 'dialAnswer'>;

const sessionRow = (r: Row): SessionRow => ({
  callId: r.call_id, companyId: r.company_id, flowId: r.flow_id, version: r.version, mode: r.mode as Mode,
  callSessionId: r.call_session_id, snapshot: r.snapshot ? JSON.parse(r.snapshot) : null, seq: r.seq,
  status: r.status, createdAt: r.created_at, updatedAt: r.updated_at, cursors: r.cursors ? JSON.parse(r.cursors) : {},
  steps: r.steps ? JSON.parse(r.steps) : {},
});

/** A call_log row as the API hands it out (shared by the repos that read call_log). */
export const callRow = (r: Row): CallLogRow => ({
  callId: r.call_id, companyId: r.company_id, flowId: r.flow_id, version: r.version, mode: r.mode, direction: r.direction,
  from: r.from_number, to: r.to_number, startedAt: r.started_at, answeredAt: r.answered_at, endedAt: r.ended_at,
  hangupCause: r.hangup_cause, hangupSource: r.hangup_source, amdResult: r.amd_result, amdGreeting: r.amd_greeting ?? null,
  recordingUrl: r.recording_url, recordingSeconds: r.recording_seconds, recordingError: r.recording_error ?? null, path: r.path ? String(r.path).split('\n') : [],
});

const webhookRow = (r: Row): WebhookRow => ({
  // Rows stored before signatures were dropped at capture still hold them: never handed out.
  id: r.id, receivedAt: r.received_at, kind: r.kind, method: r.method, path: r.path, headers: withoutSignature(JSON.parse(r.headers)),
  rawBody: r.raw_body, eventId: r.event_id, callId: r.call_id, companyId: r.company_id, status: r.status, answer: r.answer,
});

const LOG_COLUMNS: Record<string, string> = {
  answeredAt: 'answered_at', endedAt: 'ended_at', hangupCause: 'hangup_cause', hangupSource: 'hangup_source',
  amdResult: 'amd_result', amdGreeting: 'amd_greeting', recordingUrl: 'recording_url', recordingSeconds: 'recording_seconds', recordingError: 'recording_error',
};
// First value wins for times (a late duplicate must not move them); later facts overwrite the rest.
const KEEP_FIRST = new Set(['answered_at', 'ended_at', 'hangup_cause', 'hangup_source']);

/**
 * Sessions, cursors, the call log, webhooks and processed event ids on SQLite.
 * The writes are plain functions first so that several can share one
 * transaction (a call's start; a step's snapshot with its answer, cursors and log).
 * The webhook's own writes (a step, the done flag, the log row) take part in its unit of work when given one
 * (`batch.join`: written now, committed with the unit; see store/unit-of-work.ts).
 * `wrote` is told of every hot-path commit (the checkpointer starts after enough).
 */
export function callRepo(db: Connection, iso: () => string, cache: ReadCache, batch: Batcher, wrote: () => void = () => {}): CallRepo {
  // A flow's round-robin cursors, read by every engine step; saveCursors drops them.
  const flowCursors = cache.table<Cursors>();
  const cursorKey = (companyId: string, flowId: string) => `${companyId}\n${flowId}`;
  const createSession = (s: Parameters<Store['createSession']>[0]) => {
    const t = iso();
    const created = db.prepare(`INSERT INTO call_sessions (call_id, company_id, flow_id, version, mode, call_session_id, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?) ON CONFLICT DO NOTHING`)
      .run(s.callId, s.companyId, s.flowId, s.version, s.mode, s.callSessionId, t, t).changes > 0;
    // An outbound flow call's session is created when the dial answers, before any webhook names its call session:
    // the first webhook's fills it in, so its transfer target's events find the call (webhooks/call-control.ts).
    if (!created && s.callSessionId) db.prepare('UPDATE call_sessions SET call_session_id = ? WHERE call_id = ? AND call_session_id IS NULL').run(s.callSessionId, s.callId);
    return created;
  };
  const startCallLog = (c: Parameters<Store['startCallLog']>[0]) => {
    db.prepare(`INSERT INTO call_log (call_id, company_id, flow_id, version, mode, direction, from_number, to_number, started_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
      .run(c.callId, c.companyId, c.flowId, c.version, c.mode, c.direction, c.from, c.to, c.startedAt);
  };
  const patchCallLog = (callId: string, patch: CallLogPatch) => {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      const col = LOG_COLUMNS[k];
      if (!col || v === undefined) continue;
      sets.push(KEEP_FIRST.has(col) ? `${col} = COALESCE(${col}, ?)` : `${col} = ?`);
      values.push(v);
    }
    if (sets.length) db.prepare(`UPDATE call_log SET ${sets.join(', ')} WHERE call_id = ?`).run(...values, callId);
  };
  const recordSessionCursors = (callId: string, read: Cursors) => {
    if (!Object.keys(read).length) return;
    // json_patch(new, old): the old values win, so each node keeps the value this call read first.
    db.prepare("UPDATE call_sessions SET cursors = json_patch(?, COALESCE(cursors, '{}')) WHERE call_id = ?").run(JSON.stringify(read), callId);
  };
  const saveCursors = (companyId: string, flowId: string, next: Cursors, previous: Cursors) => {
    flowCursors.drop(cursorKey(companyId, flowId));
    const insert = db.prepare('INSERT INTO cursors (company_id, flow_id, node, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const move = db.prepare('UPDATE cursors SET value = ? WHERE company_id = ? AND flow_id = ? AND node = ? AND value = ?');
    for (const [node, value] of Object.entries(next)) {
      const before = previous[node];
      if (before === undefined) insert.run(companyId, flowId, node, value);
      else move.run(value, companyId, flowId, node, before);
    }
  };
  const startCall = db.transaction((s: Parameters<Store['startCall']>[0], log: Parameters<Store['startCall']>[1], patch?: CallLogPatch) => {
    createSession(s);
    startCallLog(log);
    if (patch) patchCallLog(log.callId, patch);
  });
  const saveSnapshot = db.transaction((...[callId, expectedSeq, snapshot, also]: Parameters<Store['saveSnapshot']>) => {
    const info = db.prepare('UPDATE call_sessions SET snapshot = ?, seq = ?, status = ?, updated_at = ? WHERE call_id = ? AND seq = ?')
      .run(JSON.stringify(snapshot), snapshot.context.seq, snapshot.status === 'done' ? 'done' : 'active', iso(), callId, expectedSeq);
    if (!info.changes) return false;
    if (also?.answer) {
      db.prepare(`INSERT INTO processed_events (event_id, answer, created_at, done, answered_ms) VALUES (?, ?, ?, 0, ?)
        ON CONFLICT (event_id) DO UPDATE SET answer = excluded.answer, done = 0, answered_ms = excluded.answered_ms`)
        .run(also.answer.eventId, also.answer.body, iso(), Date.now());
    }
    if (also?.screen) {
      db.prepare('INSERT INTO processed_events (event_id, answer, created_at, done) VALUES (?, ?, ?, 1) ON CONFLICT (event_id) DO NOTHING')
        .run(also.screen.key, also.screen.body, iso());
    }
    if (also?.sessionCursors) recordSessionCursors(callId, also.sessionCursors);
    // A dedupe key steps once (a racing attempt lost the seq write above), so this adds a key, never replaces one.
    if (also?.stepEnv) {
      db.prepare("UPDATE call_sessions SET steps = json_patch(COALESCE(steps, '{}'), json_object(?, json(?))) WHERE call_id = ?")
        .run(also.stepEnv.key, JSON.stringify(also.stepEnv.env), callId);
    }
    if (also?.cursors) saveCursors(also.cursors.companyId, also.cursors.flowId, also.cursors.next, also.cursors.previous);
    if (also?.callLog) patchCallLog(callId, also.callLog);
    if (also?.path?.length) {
      // The step's boundary in path_steps (migration 016) rides on the same UPDATE: which key wrote how many lines, when.
      const mark = `${also.path.length}\t${also.answer?.eventId ?? also.stepEnv?.key ?? ''}\t${iso()}`;
      db.prepare("UPDATE call_log SET path = COALESCE(path || char(10), '') || ?, path_steps = COALESCE(path_steps || char(10), '') || ? WHERE call_id = ?")
        .run(also.path.join('\n'), mark, callId);
    }
    if (also?.outbox?.length) insertOutbox(db, iso(), also.outbox);
    return true;
  });
  const insertLog = (w: Parameters<Store['recordWebhook']>[0]) => Number(db.prepare(`INSERT INTO webhooks (received_at, kind, method, path, headers, raw_body, event_id, call_id, company_id, status, answer)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(w.receivedAt, w.kind, w.method, w.path, JSON.stringify(w.headers), w.rawBody, w.eventId, w.callId, w.companyId, w.status, w.answer).lastInsertRowid);
  return {
    async createSession(s) { return createSession(s); },
    async startCall(s, log, patch) { startCall(s, log, patch); },
    async getSession(callId) {
      const r = db.prepare('SELECT * FROM call_sessions WHERE call_id = ?').get(callId) as Row | undefined;
      return r && sessionRow(r);
    },
    async sessionByCallSessionId(id) {
      const r = db.prepare('SELECT * FROM call_sessions WHERE call_session_id = ? ORDER BY created_at LIMIT 1').get(id) as Row | undefined;
      return r && sessionRow(r);
    },
    async saveSnapshot(callId, expectedSeq, snapshot, also, unit) {
      wrote();
      // In a unit: written now (a racing attempt sees it at once), committed with the unit (the caller awaits durable()).
      return unit ? batch.join(unit, () => saveSnapshot(callId, expectedSeq, snapshot, also)) : saveSnapshot(callId, expectedSeq, snapshot, also);
    },
    async recordSessionCursors(callId, read) { recordSessionCursors(callId, read); },
    async cursors(companyId, flowId) {
      return flowCursors.get(cursorKey(companyId, flowId), () => {
        const rows = db.prepare('SELECT node, value FROM cursors WHERE company_id = ? AND flow_id = ?').all(companyId, flowId) as Row[];
        return Object.fromEntries(rows.map((r) => [r.node, r.value]));
      });
    },
    async saveCursors(companyId, flowId, next, previous) { saveCursors(companyId, flowId, next, previous); },
    async startCallLog(c) { startCallLog(c); },
    async patchCallLog(callId, patch) { patchCallLog(callId, patch); },
    async listCalls(companyId, limit = 100) {
      return (db.prepare('SELECT * FROM call_log WHERE company_id = ? ORDER BY started_at DESC LIMIT ?').all(companyId, limit) as Row[]).map(callRow);
    },
    async getCall(companyId, callId) {
      const r = db.prepare('SELECT * FROM call_log WHERE company_id = ? AND call_id = ?').get(companyId, callId) as Row | undefined;
      return r && callRow(r);
    },
    async recordWebhook(w, unit) {
      wrote();
      return unit ? batch.join(unit, () => insertLog(w)) : insertLog(w);
    },
    async finishWebhook(id, p) {
      db.prepare('UPDATE webhooks SET status = ?, answer = ?, call_id = COALESCE(?, call_id), company_id = COALESCE(?, company_id) WHERE id = ?')
        .run(p.status, p.answer, p.callId ?? null, p.companyId ?? null, id);
    },
    async webhooksForCall(callId) {
      return (db.prepare('SELECT * FROM webhooks WHERE call_id = ? ORDER BY id').all(callId) as Row[]).map(webhookRow);
    },
    async claimEvent(eventId) {
      return db.prepare('INSERT INTO processed_events (event_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(eventId, iso()).changes > 0;
    },
    async setEventAnswer(eventId, answer) {
      db.prepare('UPDATE processed_events SET answer = ?, done = 1 WHERE event_id = ?').run(answer, eventId);
    },
    async eventAnswer(eventId) {
      const r = db.prepare('SELECT answer FROM processed_events WHERE event_id = ?').get(eventId) as Row | undefined;
      return r ? (r.answer as string | null) : undefined;
    },
    async eventState(eventId) {
      const r = db.prepare('SELECT answer, done, answered_ms FROM processed_events WHERE event_id = ?').get(eventId) as Row | undefined;
      return r && { answer: r.answer as string | null, done: !!r.done, answeredMs: r.answered_ms as number | null };
    },
    async storeEventAnswer(eventId, answer, done) {
      return db.prepare(`INSERT INTO processed_events (event_id, answer, created_at, done, answered_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (event_id) DO UPDATE SET answer = excluded.answer, done = excluded.done, answered_ms = excluded.answered_ms WHERE answer IS NULL`)
        .run(eventId, answer, iso(), done ? 1 : 0, Date.now()).changes > 0;
    },
    async finishEvent(eventId, answer, unit) {
      wrote();
      const done = () => void db.prepare('UPDATE processed_events SET done = 1, answer = COALESCE(?, answer) WHERE event_id = ?').run(answer ?? null, eventId);
      if (unit) batch.join(unit, done); else done();
    },
    async recordDialAnswer(callId, seq, to, legCallId) {
      return db.prepare('INSERT INTO dial_answers (call_id, seq, answered_to, leg_call_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(callId, seq, to, legCallId, iso()).changes > 0;
    },
    async dialAnswer(callId, seq) {
      const r = db.prepare('SELECT answered_to FROM dial_answers WHERE call_id = ? AND seq = ?').get(callId, seq) as Row | undefined;
      return r?.answered_to as string | undefined;
    },
  };
}
