/**
 * The Call Control commands the engine emits, one body type per action, in
 * Telnyx's own field names. The engine imports nothing outside engine/, so
 * these are declared here; server/telnyx/executor.ts checks at compile time
 * that every field of every body is one the `telnyx` SDK declares for that
 * action, with a type it accepts (a wrong or unknown field does not compile).
 */

/** Fields every action accepts. */
interface Common { client_state?: string; command_id?: string }

/** The digit-collection fields shared by gather, gather_using_speak and gather_using_audio. */
export interface DigitFields extends Common {
  minimum_digits?: number;
  maximum_digits?: number;
  valid_digits?: string;
  /** '' disables the terminating digit, so `#` can be an answer (Telnyx's default is `#`). */
  terminating_digit?: string;
  timeout_millis?: number;
  inter_digit_timeout_millis?: number;
}

/** Languages Telnyx's speak / gather_using_speak accept (the SDK's `language` enum). */
export const CC_LANGUAGES = [
  'arb', 'cmn-CN', 'cy-GB', 'da-DK', 'de-DE', 'en-AU', 'en-GB', 'en-GB-WLS', 'en-IN', 'en-US', 'es-ES', 'es-MX', 'es-US', 'fr-CA', 'fr-FR',
  'hi-IN', 'is-IS', 'it-IT', 'ja-JP', 'ko-KR', 'nb-NO', 'nl-NL', 'pl-PL', 'pt-BR', 'pt-PT', 'ro-RO', 'ru-RU', 'sv-SE', 'tr-TR',
] as const;
export type CcLanguage = (typeof CC_LANGUAGES)[number];

/** `payload_type: 'ssml'`: the payload is SSML (httpRequest's silent stand-in for a hold prompt). */
export interface SpeakBody extends Common { payload: string; voice: string; language?: CcLanguage; loop?: number; payload_type?: 'text' | 'ssml' }
export interface PlaybackBody extends Common { audio_url: string; loop?: number }
/** Audio sent inline (base64 of the file, `audio_type` its format) instead of by URL: the pause kind's silence. */
export interface InlinePlaybackBody extends Common { playback_content: string; audio_type: 'wav' | 'mp3'; loop?: number }
/** Refuses a call that was not answered (Telnyx's `reject`): the caller hears busy or a refusal, nothing is billed. */
export interface RejectBody extends Common { cause: 'CALL_REJECTED' | 'USER_BUSY' }
/** `maximum_tries: 1`: the engine counts retries itself (menu maxRetries), one try per command. */
export interface GatherSpeakBody extends DigitFields { payload: string; voice: string; language?: CcLanguage; maximum_tries?: number }
export interface GatherAudioBody extends DigitFields { audio_url: string; maximum_tries?: number }
/** `park_after_unbridge: 'self'` keeps the caller's leg when the far end hangs up (the flow goes on). */
export interface TransferBody extends Common { to: string; from?: string; timeout_secs?: number; record?: 'record-from-answer'; park_after_unbridge?: string; target_leg_client_state?: string }
/**
 * `POST /v2/calls`: a new leg for a simultaneous ring. The engine leaves
 * `connection_id`, `link_to` (and `from` without a callerId) to the server,
 * which must fill them before sending (Telnyx requires connection_id and from).
 */
export interface DialBody extends Common { to: string; from?: string; connection_id?: string; link_to?: string; bridge_intent?: boolean; timeout_secs?: number; record?: 'record-from-answer' }
/** Bridges this call with `call_control_id` (Telnyx's wire name; the SDK calls it `call_control_id_to_bridge_with`). */
export interface BridgeBody extends Common { call_control_id: string; park_after_unbridge?: string }
export interface RecordStartBody extends Common { format: 'mp3' | 'wav'; channels: 'single' | 'dual'; max_length?: number; play_beep?: boolean; timeout_secs?: number; transcription?: boolean }
export interface RecordStopBody extends Common { recording_id?: string }
/** Speech input for a menu: Google transcription of the caller's leg, with the menu's phrases as hints. */
export interface TranscriptionStartBody extends Common {
  transcription_engine: 'Google';
  transcription_tracks: 'inbound';
  transcription_engine_config?: { transcription_engine: 'Google'; hints?: string[] };
}

/**
 * Languages gather_using_ai's speech recognition accepts (the SDK's `GoogleTranscriptionLanguage`: two- or
 * three-letter codes, not `en-US`).
 */
export const AI_GATHER_LANGUAGES = [
  'af', 'sq', 'am', 'ar', 'hy', 'az', 'eu', 'bn', 'bs', 'bg', 'my', 'ca', 'yue', 'zh', 'hr', 'cs', 'da', 'nl', 'en', 'et', 'fil', 'fi', 'fr', 'gl',
  'ka', 'de', 'el', 'gu', 'iw', 'hi', 'hu', 'is', 'id', 'it', 'ja', 'jv', 'kn', 'kk', 'km', 'ko', 'lo', 'lv', 'lt', 'mk', 'ms', 'ml', 'mr', 'mn',
  'ne', 'no', 'fa', 'pl', 'pt', 'pa', 'ro', 'ru', 'rw', 'sr', 'si', 'sk', 'sl', 'ss', 'st', 'es', 'su', 'sw', 'sv', 'ta', 'te', 'th', 'tn', 'tr',
  'ts', 'uk', 'ur', 'uz', 've', 'vi', 'xh', 'zu',
] as const;
export type AiGatherLanguage = (typeof AI_GATHER_LANGUAGES)[number];

/** gather_using_ai: the fields to collect as a JSON Schema object; the result comes in `call.ai_gather.ended`. */
export interface GatherUsingAiBody extends Common {
  parameters: Record<string, unknown>;
  greeting?: string;
  voice?: string;
  language?: AiGatherLanguage;
  user_response_timeout_ms?: number;
}
/** ai_assistant_start: hands the call to a stored Telnyx AI Assistant; `call.conversation.ended` says it is over. */
export interface AiAssistantStartBody extends Common {
  assistant: { id: string; instructions?: string; dynamic_variables?: Record<string, string> };
  greeting?: string;
}

/** A Call Control action: POST /v2/calls/{call_control_id}/actions/{action} with `body`. */
export type Command =
  | { action: 'answer'; body: Common }
  | { action: 'speak'; body: SpeakBody }
  | { action: 'playback_start'; body: PlaybackBody | InlinePlaybackBody }
  | { action: 'gather_using_speak'; body: GatherSpeakBody }
  | { action: 'gather_using_audio'; body: GatherAudioBody }
  /** A gather with no prompt of its own (its prompts, if any, were sent just before it). */
  | { action: 'gather'; body: DigitFields }
  | { action: 'gather_stop'; body: Common }
  | { action: 'transcription_start'; body: TranscriptionStartBody }
  | { action: 'transcription_stop'; body: Common }
  | { action: 'transfer'; body: TransferBody }
  | { action: 'dial'; body: DialBody }
  | { action: 'bridge'; body: BridgeBody }
  | { action: 'record_start'; body: RecordStartBody }
  | { action: 'record_stop'; body: RecordStopBody }
  | { action: 'hangup'; body: Common }
  | { action: 'gather_using_ai'; body: GatherUsingAiBody }
  | { action: 'ai_assistant_start'; body: AiAssistantStartBody }
  | { action: 'reject'; body: RejectBody };

export type CommandAction = Command['action'];
/** The body type of one action. */
export type BodyOf<A extends CommandAction> = Extract<Command, { action: A }>['body'];

/** Is this a language Telnyx's speak accepts? (A flow's language is free text; Telnyx answers 422 to others.) */
export function isCcLanguage(lang: string | undefined): lang is CcLanguage {
  return CC_LANGUAGES.some((l) => l === lang);
}
