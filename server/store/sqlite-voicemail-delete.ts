/**
 * Deleting a voicemail removes what it said, everywhere this server kept it:
 * the audio (the recordings row), the transcription, the call log's link to the
 * recording, the transcription's text inside the call's webhook log (which
 * `GET /api/calls/:id` and the fixture export show), and inside the notification
 * SMS the server sent about it. The voicemail row stays, marked deleted and
 * emptied, so a late or repeated Telnyx callback for the same recording finds it
 * and puts nothing back (`dropLateAudio`). The freed pages are zeroed (secure_delete);
 * frames the WAL still holds go at its next checkpoint's reset. Telnyx's own copy of
 * the recording is not touched here.
 */
import type { Connection } from './connection.js';

type Row = Record<string, any>;

/** What stands in for deleted text. */
export const DELETED_TEXT = '(deleted)';

/** The ways a text can appear inside a raw webhook body: as is, JSON-escaped, form-encoded (+ or %20 for spaces). */
function encodings(text: string): string[] {
  const forms = [text, JSON.stringify(text).slice(1, -1), new URLSearchParams({ t: text }).toString().slice(2), encodeURIComponent(text)];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** `body` with every encoding of `text` replaced by {@link DELETED_TEXT}. */
export function redact(body: string, text: string): string {
  let out = body;
  for (const form of encodings(text)) out = out.split(form).join(DELETED_TEXT);
  return out;
}

/** Removes one stored recording and any call-log link to it (ours, `/api/calls/…/recordings/ID`, or Telnyx's URL). */
function dropRecording(db: Connection, companyId: string, callId: string, audioId: string | null, sourceUrl: string | null): void {
  if (audioId) db.prepare('DELETE FROM recordings WHERE company_id = ? AND id = ?').run(companyId, audioId);
  db.prepare(`UPDATE call_log SET recording_url = NULL, recording_seconds = NULL WHERE call_id = ? AND company_id = ?
    AND (recording_url = ? OR recording_url LIKE '%/recordings/' || ?)`).run(callId, companyId, sourceUrl ?? '', audioId ?? '\u0000');
}

/** The voicemail purge on SQLite (see the file comment), and deleting with undo: trash, restore, purge when due. */
export function voicemailDeleteRepo<V>(db: Connection, iso: () => string, toRow: (r: Row) => V) {
  const purge = db.transaction((companyId: string, id: string): boolean => {
    const vm = db.prepare('SELECT * FROM voicemails WHERE company_id = ? AND id = ? AND mailbox IS NOT NULL AND deleted_at IS NULL').get(companyId, id) as Row | undefined;
    if (!vm) return false;
    const sourceUrl = (vm.recording_key as string).slice((vm.recording_key as string).indexOf('|') + 1) || null;
    dropRecording(db, companyId, vm.call_id, vm.audio_id, sourceUrl);
    const text = vm.transcription as string | null;
    if (text) {
      for (const w of db.prepare('SELECT id, raw_body FROM webhooks WHERE call_id = ?').all(vm.call_id) as Row[]) {
        const body = redact(w.raw_body, text);
        if (body !== w.raw_body) db.prepare('UPDATE webhooks SET raw_body = ? WHERE id = ?').run(body, w.id);
      }
      // The owner's notification SMS quotes it (voicemail.ts notify: `…: "<first 300 characters>"`), and so do
      // Telnyx's message.sent / message.finalized webhooks about that SMS (logged without a call id).
      const quoted = `: "${text.slice(0, 300)}"`;
      db.prepare("UPDATE messages SET text = replace(text, ?, ?) WHERE company_id = ? AND direction = 'outbound' AND text LIKE 'New voicemail (%' AND instr(text, ?) > 0")
        .run(quoted, `: ${DELETED_TEXT}`, companyId, quoted);
      const inJson = JSON.stringify(quoted).slice(1, -1);
      for (const w of db.prepare("SELECT id, raw_body FROM webhooks WHERE kind = 'messaging' AND company_id = ? AND instr(raw_body, ?) > 0").all(companyId, inJson) as Row[]) {
        db.prepare('UPDATE webhooks SET raw_body = ? WHERE id = ?').run(redact(w.raw_body, text.slice(0, 300)), w.id);
      }
    }
    db.prepare('UPDATE voicemails SET deleted_at = ?, transcription = NULL, audio_id = NULL WHERE id = ?').run(iso(), vm.id);
    return true;
  });
  const securely = <T>(fn: () => T): T => {
    // secure_delete zeroes the freed content in the file, so the audio's bytes do not linger in free pages.
    db.pragma('secure_delete = ON');
    try { return fn(); } finally { db.pragma('secure_delete = OFF'); }
  };
  const reread = (id: string) => toRow(db.prepare('SELECT * FROM voicemails WHERE id = ?').get(id) as Row);
  return {
    /** Deletes a voicemail and every copy of its audio and transcription; false when there is none (or it is deleted already). */
    async deleteVoicemail(companyId: string, id: string): Promise<boolean> {
      return securely(() => purge(companyId, id));
    },
    /** Hides a voicemail of the inbox until `purgeAt`, when {@link purgeDueVoicemails} purges it; undefined when not in the inbox. */
    async trashVoicemail(companyId: string, id: string, purgeAt: string): Promise<V | undefined> {
      const done = db.prepare('UPDATE voicemails SET purge_at = ? WHERE company_id = ? AND id = ? AND mailbox IS NOT NULL AND deleted_at IS NULL AND purge_at IS NULL')
        .run(purgeAt, companyId, id).changes;
      return done ? reread(id) : undefined;
    },
    /** Back in the inbox when still before its purgeAt (a purge and a restore racing: whichever writes first wins). */
    async restoreVoicemail(companyId: string, id: string): Promise<V | undefined> {
      const done = db.prepare('UPDATE voicemails SET purge_at = NULL WHERE company_id = ? AND id = ? AND deleted_at IS NULL AND purge_at > ?')
        .run(companyId, id, iso()).changes;
      return done ? reread(id) : undefined;
    },
    /** Purges the trashed voicemails whose purgeAt has passed, of every company. */
    async purgeDueVoicemails(): Promise<number> {
      const due = db.prepare('SELECT company_id, id FROM voicemails WHERE purge_at IS NOT NULL AND purge_at <= ? AND deleted_at IS NULL').all(iso()) as Row[];
      if (!due.length) return 0;
      return securely(() => due.filter((v) => purge(v.company_id, v.id)).length);
    },
  };
}

/**
 * A recording downloaded after its voicemail was deleted (Telnyx's recording callback came late, or again):
 * dropped at once, with the call-log link the download wrote.
 */
export function dropLateAudio(db: Connection, vm: Row, audioId: string): void {
  const sourceUrl = (vm.recording_key as string).slice((vm.recording_key as string).indexOf('|') + 1) || null;
  dropRecording(db, vm.company_id, vm.call_id, audioId, sourceUrl);
}
