-- The path a call took through its flow: one line per trace entry of every
-- step (`>node` entered, `node.port` left by, `end:reason@node`), appended in
-- the step's own transaction, so TeXML and Call Control calls compare by it.
ALTER TABLE call_log ADD COLUMN path TEXT;
