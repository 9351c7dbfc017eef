-- Who did what (publish, rollback, buy, release, routing, deletes, people and keys). Rows are only inserted.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  person_id TEXT,                   -- the person, or the key's person (NULL for a key of no one)
  key_id TEXT,                      -- set when the request came with an API key
  actor TEXT NOT NULL,              -- readable and kept after the person is removed: email, or "API key cf_ab12…"
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT                       -- JSON
);
CREATE INDEX audit_company ON audit_log(company_id, id);
CREATE INDEX audit_company_action ON audit_log(company_id, action, id);
