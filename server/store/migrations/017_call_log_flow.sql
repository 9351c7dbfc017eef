-- The traffic overlay reads a flow's calls over a period, page by page in
-- (started_at, call_id) order (store/sqlite-traffic.ts): this index makes each
-- page a short range read instead of a scan of the company's whole log.
CREATE INDEX call_log_flow ON call_log(company_id, flow_id, started_at, call_id);
