-- httpRequest nodes (issue #13): the request a call's step asked for, claimed by the one attempt that sends it
-- and its result once it is in, so the webhook that answers the step (TeXML's Redirect, Call Control's end of the
-- hold prompt) finds it on any instance. One row per call and step (the step's seq); the result is JSON
-- (`{status, body}`, `{timeout: true}` or `{error}`), null while the request runs.
CREATE TABLE http_requests (
  call_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  deadline_ms INTEGER NOT NULL,  -- epoch ms by which the sender gives up (its start plus the node's timeout)
  result TEXT,
  PRIMARY KEY (call_id, seq)
);
