-- Retries after a crash: an event's answer is stored with the snapshot its step
-- produced (same transaction), and `done` once its side effects (Call Control
-- commands) were carried out. `answered_ms` (wall clock, ms) tells a retry how
-- long ago another attempt stored the answer, so it can give a live one a
-- moment before re-sending its commands.
ALTER TABLE processed_events ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE processed_events ADD COLUMN answered_ms INTEGER;
-- Answers stored before this migration were stored after the work was done.
UPDATE processed_events SET done = 1 WHERE answer IS NOT NULL;
