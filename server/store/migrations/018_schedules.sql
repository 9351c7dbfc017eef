-- Shared schedules (issue #13 item 4): named opening hours a company's flows follow
-- (a businessHours node's scheduleId), read at call time so one edit reaches every
-- flow, published versions included. `hours` is the businessHours rules as JSON
-- {timezone, weekly, holidays, overrides}; `temporary` the change in force, if any
-- ({state, until, note, setBy}: "closed until 15:00"), ignored once `until` passed.
CREATE TABLE schedules (
  company_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  hours TEXT NOT NULL,
  temporary TEXT,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (company_id, id)
);

-- A team member may be a person with an account: their role (owner/admin) lets a
-- text from the member's phone change a schedule ("CLOSED UNTIL 15:00").
ALTER TABLE team_members ADD COLUMN person_id TEXT;
