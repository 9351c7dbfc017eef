-- /metrics counts the calls in progress on every scrape: a partial index keeps that to the live rows.
CREATE INDEX call_log_live ON call_log(started_at) WHERE ended_at IS NULL;
