import type { Connection } from './connection.js';
import { randomUUID } from 'node:crypto';
import type { BusinessStore, MailboxRow, MemberRow, RecordingRow, VoicemailRow } from './business-types.js';
import type { ReadCache } from './read-cache.js';
import { dropLateAudio, voicemailDeleteRepo } from './sqlite-voicemail-delete.js';
import { insertOutbox } from './sqlite-notify.js';
import type { OutboxItem } from './notify-types.js';

type Row = Record<string, any>;
type Repo = Pick<BusinessStore, 'upsertVoicemail' | 'voicemailsOfCall' | 'listVoicemails' | 'getVoicemail' | 'markVoicemail' | 'deleteVoicemail' | 'claimVoicemailNotice'
  | 'trashVoicemail' | 'restoreVoicemail' | 'purgeDueVoicemails'
  | 'mailbox' | 'putMailbox' | 'listMailboxes' | 'saveRecording' | 'getRecording'
  | 'listMembers' | 'putMember' | 'deleteMember' | 'memberBusy' | 'memberFree' | 'memberCallEnded'>;

const vmRow = (r: Row): VoicemailRow => ({
  id: r.id, companyId: r.company_id, callId: r.call_id, recordingKey: r.recording_key, mailbox: r.mailbox, number: r.number, caller: r.caller, seconds: r.seconds,
  transcribe: !!r.transcribe, transcription: r.transcription, audioId: r.audio_id, audioError: r.audio_error ?? null, readAt: r.read_at, deletedAt: r.deleted_at,
  notifiedAt: r.notified_at, createdAt: r.created_at, urgent: !!r.urgent, purgeAt: r.purge_at ?? null,
});
const boxRow = (r: Row): MailboxRow => ({ companyId: r.company_id, id: r.id, name: r.name, notifySms: r.notify_sms, webhookUrl: r.webhook_url, email: JSON.parse(r.emails ?? '[]') });
const recRow = (r: Row): RecordingRow => ({ id: r.id, companyId: r.company_id, callId: r.call_id, sourceUrl: r.source_url, contentType: r.content_type, seconds: r.seconds, audio: r.audio, createdAt: r.created_at });
const memberRow = (r: Row): MemberRow => ({
  companyId: r.company_id, id: r.id, name: r.name, to: r.to_address, status: r.status, workingHours: r.working_hours ? JSON.parse(r.working_hours) : null,
  busyCallId: r.busy_call_id, lastCallEndedAt: r.last_call_ended_at, updatedAt: r.updated_at, personId: r.person_id ?? null,
});
const COLS: Record<string, string> = { mailbox: 'mailbox', number: 'number', caller: 'caller', seconds: 'seconds', transcription: 'transcription', audioId: 'audio_id', audioError: 'audio_error', transcribe: 'transcribe' };

/** Voicemails, mailboxes, stored recordings and the team on SQLite. */
export function voicemailRepo(db: Connection, iso: () => string, cache: ReadCache): Repo {
  // A company's team, read by every engine step (Env.team); every write to team_members below drops it.
  const teams = cache.table<MemberRow[]>();
  const claimNotice = db.transaction((id: string, outbox: OutboxItem[]) => {
    const t = iso();
    if (!db.prepare('UPDATE voicemails SET notified_at = ? WHERE id = ? AND notified_at IS NULL AND deleted_at IS NULL').run(t, id).changes) return false;
    insertOutbox(db, t, outbox);
    return true;
  });
  return {
    ...voicemailDeleteRepo(db, iso, vmRow),
    async upsertVoicemail(companyId, callId, key, patch) {
      db.prepare('INSERT INTO voicemails (id, company_id, call_id, recording_key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(randomUUID(), companyId, callId, key, iso());
      const sets: string[] = [], vals: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || !COLS[k]) continue;
        sets.push(`${COLS[k]} = COALESCE(?, ${COLS[k]})`);
        vals.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
      }
      // A deleted voicemail takes nothing back: no transcription, no audio (a late download is dropped at once).
      if (sets.length) db.prepare(`UPDATE voicemails SET ${sets.join(', ')} WHERE recording_key = ? AND deleted_at IS NULL`).run(...vals, key);
      const row = db.prepare('SELECT * FROM voicemails WHERE recording_key = ?').get(key) as Row;
      if (row.deleted_at && patch.audioId) dropLateAudio(db, row, patch.audioId);
      return vmRow(row);
    },
    async voicemailsOfCall(callId) {
      return (db.prepare('SELECT * FROM voicemails WHERE call_id = ? ORDER BY created_at').all(callId) as Row[]).map(vmRow);
    },
    async listVoicemails(companyId, f) {
      const where = ['company_id = ?', 'mailbox IS NOT NULL', 'deleted_at IS NULL', 'purge_at IS NULL'];
      const args: unknown[] = [companyId];
      if (f.unread) where.push('read_at IS NULL');
      if (f.mailbox) { where.push('mailbox = ?'); args.push(f.mailbox); }
      if (f.number) { where.push('number = ?'); args.push(f.number); }
      const order = f.sort === 'unread' ? '(read_at IS NOT NULL), created_at DESC' : 'created_at DESC';
      return (db.prepare(`SELECT * FROM voicemails WHERE ${where.join(' AND ')} ORDER BY ${order}, rowid DESC LIMIT ?`).all(...args, f.limit ?? 100) as Row[]).map(vmRow);
    },
    async getVoicemail(companyId, id) {
      const r = db.prepare('SELECT * FROM voicemails WHERE company_id = ? AND id = ? AND mailbox IS NOT NULL AND deleted_at IS NULL AND purge_at IS NULL').get(companyId, id) as Row | undefined;
      return r && vmRow(r);
    },
    async markVoicemail(companyId, id, p) {
      const t = iso();
      const live = 'company_id = ? AND id = ? AND deleted_at IS NULL AND purge_at IS NULL';
      if (p.read !== undefined) db.prepare(`UPDATE voicemails SET read_at = ? WHERE ${live}`).run(p.read ? t : null, companyId, id);
      if (p.urgent !== undefined) db.prepare(`UPDATE voicemails SET urgent = ? WHERE ${live}`).run(p.urgent ? 1 : 0, companyId, id);
      const r = db.prepare('SELECT * FROM voicemails WHERE company_id = ? AND id = ? AND mailbox IS NOT NULL').get(companyId, id) as Row | undefined;
      return r && vmRow(r);
    },
    async claimVoicemailNotice(id, outbox = []) { return claimNotice(id, outbox); },
    async mailbox(companyId, id) {
      const r = db.prepare('SELECT * FROM mailboxes WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;
      return r && boxRow(r);
    },
    async putMailbox(m) {
      db.prepare(`INSERT INTO mailboxes (company_id, id, name, notify_sms, webhook_url, emails) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET name = excluded.name, notify_sms = excluded.notify_sms, webhook_url = excluded.webhook_url, emails = excluded.emails`)
        .run(m.companyId, m.id, m.name, m.notifySms, m.webhookUrl, JSON.stringify(m.email ?? []));
      return { ...m, email: m.email ?? [] };
    },
    async listMailboxes(companyId) {
      return (db.prepare('SELECT * FROM mailboxes WHERE company_id = ? ORDER BY id').all(companyId) as Row[]).map(boxRow);
    },
    async saveRecording(r) {
      db.prepare(`INSERT INTO recordings (id, company_id, call_id, source_url, content_type, seconds, audio, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING`).run(r.id, r.companyId, r.callId, r.sourceUrl, r.contentType, r.seconds, r.audio, r.createdAt);
      return recRow(db.prepare('SELECT * FROM recordings WHERE call_id = ? AND source_url = ?').get(r.callId, r.sourceUrl) as Row);
    },
    async getRecording(companyId, id) {
      const r = db.prepare('SELECT * FROM recordings WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;
      return r && recRow(r);
    },
    async listMembers(companyId) {
      return teams.get(companyId, () => (db.prepare('SELECT * FROM team_members WHERE company_id = ? ORDER BY id').all(companyId) as Row[]).map(memberRow));
    },
    async putMember(m) {
      teams.drop(m.companyId);
      db.prepare(`INSERT INTO team_members (company_id, id, name, to_address, status, working_hours, person_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET name = excluded.name, to_address = excluded.to_address, status = excluded.status, working_hours = excluded.working_hours,
          person_id = excluded.person_id, busy_call_id = CASE WHEN excluded.status = 'busy' THEN busy_call_id END, updated_at = excluded.updated_at`)
        .run(m.companyId, m.id, m.name, m.to, m.status, m.workingHours ? JSON.stringify(m.workingHours) : null, m.personId ?? null, iso());
      return memberRow(db.prepare('SELECT * FROM team_members WHERE company_id = ? AND id = ?').get(m.companyId, m.id) as Row);
    },
    async deleteMember(companyId, id) {
      teams.drop(companyId);
      return db.prepare('DELETE FROM team_members WHERE company_id = ? AND id = ?').run(companyId, id).changes > 0;
    },
    async memberBusy(companyId, to, callId) {
      // Offline members stay offline: a call reaching them does not change what they chose.
      teams.drop(companyId);
      return db.prepare("UPDATE team_members SET status = 'busy', busy_call_id = ?, updated_at = ? WHERE company_id = ? AND to_address = ? AND status = 'available'")
        .run(callId, iso(), companyId, to).changes;
    },
    async memberCallEnded(companyId, who, at) {
      const [col, v] = who.id ? ['id', who.id] : ['to_address', who.to ?? ''];
      teams.drop(companyId);
      return db.prepare(`UPDATE team_members SET last_call_ended_at = ?, updated_at = ? WHERE company_id = ? AND ${col} = ?`).run(at, iso(), companyId, v).changes;
    },
    async memberFree(callId, at) {
      teams.clear(); // keyed by company, and this write is by call id
      return db.prepare("UPDATE team_members SET status = 'available', busy_call_id = NULL, last_call_ended_at = ?, updated_at = ? WHERE busy_call_id = ? AND status = 'busy'")
        .run(at, iso(), callId).changes;
    },
  };
}
