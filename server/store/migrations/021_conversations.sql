-- SMS-triggered flows (issue #13 item 7b): a number's messaging flow, and the text conversations running it.
ALTER TABLE numbers ADD COLUMN sms_flow_id TEXT;   -- the published flow (channel sms) an inbound text starts; NULL = none

-- One run of an SMS flow with one texter, stored like a call session: the engine's snapshot and its seq, written
-- with one conditional write on seq (the step that wins sends its texts). At most one active run per
-- (number, texter); a text after the run ended starts a new one.
CREATE TABLE conversation_sessions (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  number TEXT NOT NULL,             -- our number (E.164)
  customer TEXT NOT NULL,           -- the texter (E.164)
  flow_id TEXT NOT NULL,
  version INTEGER NOT NULL,         -- the flow version it started on (kept for the whole run)
  snapshot TEXT,                    -- engine Snapshot JSON
  seq INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active',   -- active | done
  due_at TEXT,                      -- when a waitForReply times out (the sweeper's due time); NULL = not waiting on a clock
  ended_reason TEXT,                -- end-of-flow | stopped (the texter sent STOP) | ...
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX conversation_sessions_active ON conversation_sessions(number, customer) WHERE status = 'active';
CREATE INDEX conversation_sessions_due ON conversation_sessions(due_at) WHERE status = 'active' AND due_at IS NOT NULL;
CREATE INDEX conversation_sessions_company ON conversation_sessions(company_id, customer);
