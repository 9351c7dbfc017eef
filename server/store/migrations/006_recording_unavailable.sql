-- A recording the server would not or could not download (a URL off Telnyx's recording storage,
-- a failed or oversized download): the call log and the voicemail say why, instead of a silent gap.
ALTER TABLE call_log ADD COLUMN recording_error TEXT;
ALTER TABLE voicemails ADD COLUMN audio_error TEXT;
