/**
 * Retention (issue #15): what a server keeps only for a while. The call log (who called, when, how it ended, the
 * path through the flow) is kept; after the retention period these go:
 *
 * - webhook logs (the raw bodies and our answers: what `GET /api/calls/:id` lists and a fixture export replays),
 *   the dedupe rows of the events they carried (and httpRequest nodes' requests, `http_requests`), and the engine snapshots of calls that have ended;
 * - when recordings have a retention period too: the audio of call recordings and voicemails older than it. The call
 *   log says `recording deleted after N days` where it linked one; a voicemail keeps its row (caller, time,
 *   transcription) with `audioError` saying the same.
 *
 * Each table is walked from its oldest row in rowid order (rows are appended in time order), `BATCH` rows per
 * statement, so no index is added to the hot path's tables and no write holds the database for long. Safe on every
 * instance at once: a delete of rows already gone deletes nothing.
 */
import type { Connection } from './connection.js';
import type { PruneCounts, Store } from './types.js';

const BATCH = 1000;

type Row = Record<string, any>;

export function retentionRepo(db: Connection, batchSize = BATCH): Pick<Store, 'prune'> {
  /** Deletes, oldest first, the rows of `table` whose `col` is before `cutoff` (and that `extra` allows); how many. */
  function sweep(table: string, col: string, cutoff: string, extra = ''): number {
    const pick = db.prepare(`SELECT rowid AS r, ${col} AS t FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ${batchSize}`);
    const del = db.prepare(`DELETE FROM ${table} WHERE rowid >= ? AND rowid <= ? AND ${col} < ?${extra}`);
    let after = 0, n = 0;
    for (;;) {
      const rows = pick.all(after) as Row[];
      if (!rows.length) return n;
      const young = rows.findIndex((r) => !(String(r.t) < cutoff));
      const last = young < 0 ? rows.at(-1)! : rows[young - 1];
      if (last) n += del.run(rows[0]!.r, last.r, cutoff).changes;
      // Rows are in time order: the first young one ends the walk (a few stragglers out of order wait a sweep).
      if (young >= 0 || rows.length < batchSize) return n;
      after = last!.r;
    }
  }
  const dropAudio = db.transaction((cutoff: string, days: number) => {
    const note = `recording deleted after ${days} days (retention)`;
    const old = db.prepare(`SELECT id, company_id, call_id, source_url FROM recordings WHERE created_at < ? LIMIT ${batchSize}`).all(cutoff) as Row[];
    for (const r of old) {
      db.prepare('DELETE FROM recordings WHERE id = ?').run(r.id);
      db.prepare(`UPDATE call_log SET recording_url = NULL, recording_error = ? WHERE call_id = ? AND company_id = ?
        AND (recording_url = ? OR recording_url LIKE '%/recordings/' || ?)`).run(note, r.call_id, r.company_id, r.source_url, r.id);
      db.prepare('UPDATE voicemails SET audio_id = NULL, audio_error = ? WHERE company_id = ? AND audio_id = ?').run(note, r.company_id, r.id);
    }
    return old.length;
  });
  return {
    async prune(o) {
      const out: PruneCounts = { webhooks: 0, events: 0, sessions: 0, recordings: 0 };
      if (o.webhooksBefore) {
        out.webhooks = sweep('webhooks', 'received_at', o.webhooksBefore);
        // With the dedupe rows: the httpRequest claims and results of the same steps (migration 022; counted as events).
        out.events = sweep('processed_events', 'created_at', o.webhooksBefore) + sweep('http_requests', 'started_at', o.webhooksBefore);
        out.sessions = sweep('call_sessions', 'updated_at', o.webhooksBefore, " AND status = 'done'");
      }
      if (o.recordings) {
        for (let n; (n = dropAudio(o.recordings.before, o.recordings.days)); ) out.recordings += n;
      }
      return out;
    },
  };
}
