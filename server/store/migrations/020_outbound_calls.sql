-- Outbound calls that run a flow (POST /api/calls with flowId; server/calls/outbound-flow.ts). Written before
-- the dial, keyed by a random token the dial carries (Call Control client_state, the TeXML Url's query), so
-- the first webhook finds the flow, its version and vars whichever arrives first: it or the dial's answer.
CREATE TABLE outbound_calls (
  token TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  flow_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  mode TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  vars TEXT NOT NULL,
  amd TEXT NOT NULL,
  call_id TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX outbound_calls_call ON outbound_calls(call_id) WHERE call_id IS NOT NULL;
