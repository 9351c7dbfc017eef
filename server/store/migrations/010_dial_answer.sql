-- Which target answered a TeXML simultaneous ring: the child leg's `answered` status callback names it
-- (To), the Dial action callback does not. One row per parent call and step (the dial's seq); the first
-- answered leg wins (INSERT … ON CONFLICT DO NOTHING), and the action callback of that step reads it.
CREATE TABLE dial_answers (
  call_id TEXT NOT NULL,         -- the parent call (ParentCallSid)
  seq INTEGER NOT NULL,          -- the step the dial waits at (its action URL's seq)
  answered_to TEXT NOT NULL,     -- the child leg's To: the number (or SIP URI) that answered
  leg_call_id TEXT NOT NULL,     -- the child leg's own CallSid
  created_at TEXT NOT NULL,
  PRIMARY KEY (call_id, seq)
);
