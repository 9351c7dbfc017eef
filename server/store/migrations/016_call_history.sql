-- The call history and timeline (#14 item 3).
-- `path_steps`: one line per stored step that added to `path`, `count<TAB>key<TAB>at`: how many of the path's
-- lines the step wrote, its dedupe key (`texml:CALLSID:start`, `texml:CALLSID:gather-menu-1`, `cc:EVENT_ID`;
-- empty for a step without one, as a TeXML status callback's call.ended) and when it was stored. The timeline
-- puts each step's nodes and ports under the webhook that caused it. Written in the step's own UPDATE of the
-- path, so it costs the hot path no statement. Calls from before this migration have none (their path is
-- shown after their first webhook).
ALTER TABLE call_log ADD COLUMN path_steps TEXT;
-- The outcome filter asks "did this call leave a voicemail" per call; voicemails were indexed only by company.
CREATE INDEX voicemails_call ON voicemails(call_id);
