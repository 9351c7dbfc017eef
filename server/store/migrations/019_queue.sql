-- Hold queues (engine/nodes/queue.ts): one row per caller in a queue node. The row's id is its place in line
-- (ids only grow, so an earlier caller always has a smaller id); a caller who asked for a callback keeps the row
-- and so the place. `call_id` is the call now holding the place (the callback call once it is placed).
-- state: waiting | callback (hung up, waiting for a call back) | calling (the callback call is placed)
--        | connected | timeout | abandoned (hung up while waiting) | missed (the callback was not answered)
CREATE TABLE queue_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  company_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  node_id TEXT NOT NULL,
  call_id TEXT NOT NULL,
  first_call_id TEXT NOT NULL,
  state TEXT NOT NULL,
  callback_to TEXT,
  callback_from TEXT,
  agent TEXT,
  joined_at TEXT NOT NULL,
  left_at TEXT,
  UNIQUE (first_call_id, node_id)
);
-- Who is in line (the active states), in order.
CREATE INDEX queue_entries_line ON queue_entries(company_id, flow_id, node_id, state, id);
CREATE INDEX queue_entries_call ON queue_entries(call_id);
