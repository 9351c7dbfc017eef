-- The round-robin cursor each node had when a call first read it ({"node": value}),
-- so an exported fixture can seed the cursors and replay the same rotation.
ALTER TABLE call_sessions ADD COLUMN cursors TEXT;
