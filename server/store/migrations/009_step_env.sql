-- What each stored step of a call read from outside the engine ({"<dedupe key>": {"team": …, "cursors": …}}),
-- written in the step's own transaction, so an exported fixture replays every step with exactly that environment.
ALTER TABLE call_sessions ADD COLUMN steps TEXT;
