-- Answering machine detection, all of what Telnyx reports on the call log:
-- `amd_result` holds standard (human|machine|not_sure) and premium
-- (human_residence|human_business|machine|silence|fax_detected|not_sure)
-- results; `amd_greeting` how a machine's greeting ended (beep_detected,
-- no_beep_detected, ended, not_sure), from call.machine[.premium].greeting.ended.
ALTER TABLE call_log ADD COLUMN amd_greeting TEXT;
