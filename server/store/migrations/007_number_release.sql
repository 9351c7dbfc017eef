-- Number release as Telnyx answers it: a release Telnyx refused stays visible
-- (`release_status` 'failed' with Telnyx's reason) while the number stays
-- active, routed and billed; 'released' once Telnyx deleted it.
ALTER TABLE numbers ADD COLUMN release_status TEXT;   -- NULL | 'failed' | 'released'
ALTER TABLE numbers ADD COLUMN release_error TEXT;
-- `telnyx_id` now holds only the number's `/phone_numbers/{id}`. Rows written
-- before held the number order's phone-number entry id (a different resource,
-- which Telnyx answers 404 for): forget it, it is looked up again on demand.
UPDATE numbers SET telnyx_id = NULL;
