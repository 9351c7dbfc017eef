-- Notifications the server owes (issue #16): written in the same transaction as what caused them (a voicemail
-- claimed for notice, a call's last step), sent after the commit by the outbox worker (server/notify/worker.ts),
-- retried with backoff. Nothing is lost if the process dies in between: the row is there, pending.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  channel TEXT NOT NULL,            -- email | sms | webhook
  kind TEXT NOT NULL,               -- voicemail | missed-call | text-back | test
  target TEXT NOT NULL,             -- the address, number or URL it goes to
  payload TEXT NOT NULL,            -- JSON: what the sender renders (ids; the message is rendered when sent)
  ref TEXT,                         -- what it is about (a voicemail id, a call id)
  state TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed (permanently)
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,    -- due time; while an attempt runs, the end of its lease
  lease_until TEXT,                 -- set while an attempt runs ("Retry now" leaves such a row alone)
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_company ON outbox(company_id, created_at);
CREATE INDEX outbox_ref ON outbox(ref);

-- SMTP settings per company, one JSON document (the password too: the database file is mode 0600).
CREATE TABLE smtp_settings (
  company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
  settings TEXT NOT NULL
);

-- Email recipients of a mailbox's voicemails (JSON array of addresses).
ALTER TABLE mailboxes ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
