-- People sign in (issue #14 item 8). Emails are unique across the server (lower-cased), so signing in needs no
-- company picker. Secrets (session, invitation and reset tokens) are stored as sha256 hex, never as sent.
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  password_hash TEXT,               -- argon2id (PHC string); NULL until the person sets one
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX people_company ON people(company_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,               -- sent back in X-CSRF-Token on writes (not a credential on its own)
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT,                  -- who invited (label kept even once that person is removed)
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT
);
CREATE INDEX invitations_company ON invitations(company_id);

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- API keys belong to a person (NULL: a key from before accounts or from `callflow admin`, acting as an owner)
-- and may carry a lower role than that person's.
ALTER TABLE api_keys ADD COLUMN id TEXT;
ALTER TABLE api_keys ADD COLUMN person_id TEXT REFERENCES people(id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD COLUMN role TEXT;
ALTER TABLE api_keys ADD COLUMN name TEXT;
ALTER TABLE api_keys ADD COLUMN prefix TEXT;
ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;
UPDATE api_keys SET id = lower(hex(randomblob(8))) WHERE id IS NULL;
CREATE UNIQUE INDEX api_keys_id ON api_keys(id);
