/**
 * The body fields Telnyx documents for each Call Control action, as the
 * `telnyx` SDK declares them (its `Action…Params` types). The lists are
 * written out for use at run time and checked against the SDK's types at
 * compile time: a field missing from a list, or one the SDK does not
 * declare, does not compile, so an SDK upgrade that adds a field says so.
 * The sandbox refuses any other field with Telnyx's 422, as a real account
 * would refuse what it does not know (this is how `maximum_tries` on a
 * plain `gather` got caught).
 */
import type {
  ActionAnswerParams, ActionBridgeParams, ActionGatherParams, ActionGatherUsingAudioParams, ActionGatherUsingSpeakParams, ActionHangupParams,
  ActionRejectParams, ActionSendDtmfParams, ActionSpeakParams, ActionStartPlaybackParams, ActionStartRecordingParams, ActionStartTranscriptionParams,
  ActionStopGatherParams, ActionStopRecordingParams, ActionStopTranscriptionParams, ActionTransferParams, ActionGatherUsingAIParams,
  ActionStartAIAssistantParams,
} from 'telnyx/resources/calls/actions';

/**
 * Exactly the keys of T: each listed key must be one of T's, and leaving
 * one of T's out asks for a second argument naming it (a compile error).
 */
const exactly = <T>() => <const K extends readonly (keyof T & string)[]>(keys: K, ..._missing: [Exclude<keyof T, K[number]>] extends [never] ? [] : [missing: Exclude<keyof T, K[number]>]): readonly string[] => keys;

/** The SDK takes bridge's other leg as `call_control_id_to_bridge_with` and sends it as `call_control_id`. */
type BridgeWire = Omit<ActionBridgeParams, 'call_control_id_to_bridge_with'> & { call_control_id: string };

const FIELDS: Record<string, readonly string[]> = {
  answer: exactly<ActionAnswerParams>()(['assistant', 'billing_group_id', 'client_state', 'command_id', 'conversation_relay_config', 'custom_headers', 'deepfake_detection', 'preferred_codecs', 'record', 'record_channels', 'record_custom_file_name', 'record_format', 'record_max_length', 'record_timeout_secs', 'record_track', 'record_trim', 'send_silence_when_idle', 'sip_headers', 'sound_modifications', 'stream_bidirectional_codec', 'stream_bidirectional_mode', 'stream_bidirectional_target_legs', 'stream_codec', 'stream_track', 'stream_url', 'transcription', 'transcription_config', 'webhook_retries_policies', 'webhook_url', 'webhook_url_method', 'webhook_urls', 'webhook_urls_method']),
  hangup: exactly<ActionHangupParams>()(['client_state', 'command_id', 'custom_headers']),
  reject: exactly<ActionRejectParams>()(['cause', 'client_state', 'command_id']),
  record_stop: exactly<ActionStopRecordingParams>()(['client_state', 'command_id', 'recording_id']),
  speak: exactly<ActionSpeakParams>()(['payload', 'voice', 'client_state', 'command_id', 'language', 'loop', 'payload_type', 'service_level', 'stop', 'target_legs', 'voice_settings']),
  gather_using_speak: exactly<ActionGatherUsingSpeakParams>()(['payload', 'voice', 'client_state', 'command_id', 'inter_digit_timeout_millis', 'invalid_payload', 'language', 'maximum_digits', 'maximum_tries', 'minimum_digits', 'payload_type', 'service_level', 'terminating_digit', 'timeout_millis', 'valid_digits', 'voice_settings']),
  gather_using_audio: exactly<ActionGatherUsingAudioParams>()(['audio_url', 'client_state', 'command_id', 'inter_digit_timeout_millis', 'invalid_audio_url', 'invalid_media_name', 'maximum_digits', 'maximum_tries', 'media_name', 'minimum_digits', 'terminating_digit', 'timeout_millis', 'valid_digits']),
  gather: exactly<ActionGatherParams>()(['client_state', 'command_id', 'gather_id', 'initial_timeout_millis', 'inter_digit_timeout_millis', 'maximum_digits', 'minimum_digits', 'terminating_digit', 'timeout_millis', 'valid_digits']),
  gather_stop: exactly<ActionStopGatherParams>()(['client_state', 'command_id']),
  playback_start: exactly<ActionStartPlaybackParams>()(['audio_type', 'audio_url', 'cache_audio', 'client_state', 'command_id', 'loop', 'media_name', 'overlay', 'playback_content', 'stop', 'target_legs']),
  transfer: exactly<ActionTransferParams>()(['to', 'answering_machine_detection', 'answering_machine_detection_config', 'audio_url', 'client_state', 'command_id', 'custom_headers', 'diversion', 'early_media', 'from', 'from_display_name', 'media_encryption', 'media_name', 'mute_dtmf', 'park_after_unbridge', 'preferred_codecs', 'privacy', 'record', 'record_channels', 'record_custom_file_name', 'record_format', 'record_max_length', 'record_timeout_secs', 'record_track', 'record_trim', 'route_to_mobile', 'send_digits_on_answer', 'sip_auth_password', 'sip_auth_username', 'sip_headers', 'sip_region', 'sip_transport_protocol', 'sound_modifications', 'target_leg_client_state', 'time_limit_secs', 'timeout_secs', 'webhook_retries_policies', 'webhook_url', 'webhook_url_method', 'webhook_urls', 'webhook_urls_method']),
  bridge: exactly<BridgeWire>()(['call_control_id', 'client_state', 'command_id', 'hold_after_unbridge', 'mute_dtmf', 'park_after_unbridge', 'play_ringtone', 'prevent_double_bridge', 'queue', 'record', 'record_channels', 'record_custom_file_name', 'record_format', 'record_max_length', 'record_timeout_secs', 'record_track', 'record_trim', 'ringtone', 'video_room_context', 'video_room_id']),
  record_start: exactly<ActionStartRecordingParams>()(['channels', 'format', 'client_state', 'command_id', 'custom_file_name', 'max_length', 'play_beep', 'recording_track', 'timeout_secs', 'transcription', 'transcription_engine', 'transcription_language', 'transcription_max_speaker_count', 'transcription_min_speaker_count', 'transcription_profanity_filter', 'transcription_speaker_diarization', 'trim']),
  send_dtmf: exactly<ActionSendDtmfParams>()(['digits', 'client_state', 'command_id', 'duration_millis']),
  transcription_start: exactly<ActionStartTranscriptionParams>()(['client_state', 'command_id', 'transcription_engine', 'transcription_engine_config', 'transcription_tracks']),
  transcription_stop: exactly<ActionStopTranscriptionParams>()(['client_state', 'command_id']),
  gather_using_ai: exactly<ActionGatherUsingAIParams>()(['parameters', 'assistant', 'client_state', 'command_id', 'gather_ended_speech', 'greeting', 'interruption_settings', 'language', 'message_history', 'send_message_history_updates', 'send_partial_results', 'transcription', 'user_response_timeout_ms', 'voice', 'voice_settings']),
  ai_assistant_start: exactly<ActionStartAIAssistantParams>()(['assistant', 'client_state', 'command_id', 'greeting', 'interruption_settings', 'message_history', 'participants', 'send_message_history_updates', 'transcription']),
};

/** The first body field Telnyx does not document for this action, or undefined. */
export function unknownField(action: string, body: Record<string, unknown>): string | undefined {
  const allowed = FIELDS[action];
  return allowed ? Object.keys(body).find((k) => !allowed.includes(k)) : undefined;
}
