-- The console's inbox (#14 items 2 and 5).
-- urgent: a voicemail flagged by a person (sorted as usual, marked in the inbox).
-- purge_at: a voicemail deleted with undo: hidden at once, restorable until purge_at, then purged like DELETE
--   (audio, transcription and their copies) by the server itself, so closing the tab loses nothing.
ALTER TABLE voicemails ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE voicemails ADD COLUMN purge_at TEXT;
CREATE INDEX voicemails_purge ON voicemails(purge_at) WHERE purge_at IS NOT NULL;
-- read_at: when someone opened the conversation holding this inbound message (NULL = unread).
-- Messages received before this migration count as read: an upgrade does not turn every thread unread.
ALTER TABLE messages ADD COLUMN read_at TEXT;
UPDATE messages SET read_at = created_at WHERE direction = 'inbound';
