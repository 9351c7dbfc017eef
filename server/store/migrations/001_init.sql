-- Callflow schema v1. Times are ISO 8601 UTC strings; JSON columns hold text.
CREATE TABLE companies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  hash TEXT PRIMARY KEY,            -- sha256 hex of the key; the key itself is never stored
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);

CREATE TABLE flows (
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  revision INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  published_version INTEGER,
  PRIMARY KEY (company_id, id)
);

-- Immutable: rows are only ever inserted.
CREATE TABLE flow_versions (
  company_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (company_id, flow_id, version)
);

CREATE TABLE numbers (
  e164 TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  flow_id TEXT,
  mode TEXT NOT NULL CHECK (mode IN ('texml', 'call-control')),
  updated_at TEXT NOT NULL
);

CREATE TABLE call_sessions (
  call_id TEXT PRIMARY KEY,         -- CallSid (TeXML) or call_control_id (Call Control)
  company_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  version INTEGER NOT NULL,         -- the flow version the call started on, kept to the end
  mode TEXT NOT NULL,
  call_session_id TEXT,
  snapshot TEXT,                    -- engine Snapshot JSON; NULL until call.started
  seq INTEGER NOT NULL DEFAULT 0,   -- snapshot.context.seq, for conditional updates
  status TEXT NOT NULL,             -- created | active | done
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX call_sessions_session ON call_sessions(call_session_id);

CREATE TABLE call_log (
  call_id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  flow_id TEXT,
  version INTEGER,
  mode TEXT,
  direction TEXT NOT NULL,
  from_number TEXT,
  to_number TEXT,
  started_at TEXT NOT NULL,
  answered_at TEXT,
  ended_at TEXT,
  hangup_cause TEXT,
  hangup_source TEXT,
  amd_result TEXT,
  recording_url TEXT,
  recording_seconds REAL
);
CREATE INDEX call_log_company ON call_log(company_id, started_at);

CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at TEXT NOT NULL,
  kind TEXT NOT NULL,               -- texml | call-control | messaging
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  headers TEXT NOT NULL,
  raw_body TEXT NOT NULL,
  event_id TEXT,
  call_id TEXT,
  company_id TEXT,
  status INTEGER,
  answer TEXT                       -- TeXML text, or JSON {commands} / {error}
);
CREATE INDEX webhooks_call ON webhooks(call_id, id);

-- Event ids (Call Control data.id, or texml:CallSid:step) processed once; the answer is replayed.
CREATE TABLE processed_events (
  event_id TEXT PRIMARY KEY,
  answer TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE cursors (
  company_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  node TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (company_id, flow_id, node)
);
