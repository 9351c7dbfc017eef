-- Missed-call alerts per number (issue #16): where to tell (SMS, email, webhook) and the optional text-back.
CREATE TABLE missed_call_settings (
  company_id TEXT NOT NULL,
  e164 TEXT NOT NULL,
  settings TEXT NOT NULL,           -- JSON {sms, emails, webhookUrl, textBack: {enabled, text, hours}}
  updated_at TEXT NOT NULL,
  PRIMARY KEY (company_id, e164)
);

-- "At most once per window" marks (a caller's text-back): one conditional write claims the window.
CREATE TABLE notify_once (
  key TEXT PRIMARY KEY,             -- e.g. textback:<company>:<number>:<caller>
  at TEXT NOT NULL                  -- when it was last claimed
);
