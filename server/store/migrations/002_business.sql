-- Business features: number lifecycle, messages, opt-outs, voicemail, team, usage billing.
-- Money is integer micro-dollars (1 USD = 1,000,000).
ALTER TABLE numbers ADD COLUMN status TEXT NOT NULL DEFAULT 'active';   -- pending | active | released
ALTER TABLE numbers ADD COLUMN telnyx_id TEXT;
ALTER TABLE numbers ADD COLUMN order_id TEXT;
ALTER TABLE numbers ADD COLUMN voicemail INTEGER NOT NULL DEFAULT 1;
ALTER TABLE numbers ADD COLUMN monthly_micros INTEGER;
ALTER TABLE numbers ADD COLUMN purchased_at TEXT;
ALTER TABLE numbers ADD COLUMN released_at TEXT;
CREATE INDEX numbers_order ON numbers(order_id);

CREATE TABLE company_settings (
  company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
  settings TEXT NOT NULL            -- JSON: budget, connection ids, notification targets
);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  telnyx_id TEXT UNIQUE,
  direction TEXT NOT NULL,          -- inbound | outbound
  our_number TEXT NOT NULL,
  customer TEXT NOT NULL,           -- the other party: the conversation key
  text TEXT,
  media TEXT NOT NULL DEFAULT '[]',
  segments INTEGER NOT NULL,
  encoding TEXT NOT NULL,
  status TEXT NOT NULL,             -- queued | sent | delivered | failed | received
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX messages_conv ON messages(company_id, customer, created_at);

CREATE TABLE opt_outs (
  company_id TEXT NOT NULL,
  customer TEXT NOT NULL,
  opted_out_at TEXT NOT NULL,
  PRIMARY KEY (company_id, customer)
);

CREATE TABLE mailboxes (
  company_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  notify_sms TEXT,
  webhook_url TEXT,
  PRIMARY KEY (company_id, id)
);

CREATE TABLE voicemails (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  call_id TEXT NOT NULL,
  recording_key TEXT NOT NULL UNIQUE,   -- call id + recording URL: every callback finds the same row
  mailbox TEXT,                          -- NULL until the voicemail node claims it (hidden until then)
  number TEXT,
  caller TEXT,
  seconds REAL,
  transcribe INTEGER NOT NULL DEFAULT 0,
  transcription TEXT,
  audio_id TEXT,
  read_at TEXT,
  deleted_at TEXT,
  notified_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX voicemails_company ON voicemails(company_id, created_at);

CREATE TABLE recordings (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  call_id TEXT NOT NULL,
  source_url TEXT NOT NULL,
  content_type TEXT NOT NULL,
  seconds REAL,
  audio BLOB NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (call_id, source_url)
);

CREATE TABLE team_members (
  company_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  to_address TEXT NOT NULL,
  status TEXT NOT NULL,             -- available | busy | offline (set by hand or by calls)
  working_hours TEXT,               -- JSON {timezone, weekly}
  busy_call_id TEXT,
  last_call_ended_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (company_id, id)
);

CREATE TABLE usage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  company_id TEXT NOT NULL,
  ref TEXT NOT NULL,                -- what caused it (event id, call id…): charged once
  kind TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit TEXT NOT NULL,
  micros INTEGER NOT NULL,
  month TEXT NOT NULL,              -- YYYY-MM
  at TEXT NOT NULL,
  detail TEXT,
  UNIQUE (company_id, kind, ref)
);
CREATE INDEX usage_month ON usage(company_id, month);

CREATE TABLE rate_overrides (
  company_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  micros INTEGER NOT NULL,
  PRIMARY KEY (company_id, kind)
);

CREATE TABLE server_keys (
  name TEXT PRIMARY KEY,
  private_pem TEXT NOT NULL,
  created_at TEXT NOT NULL
);
