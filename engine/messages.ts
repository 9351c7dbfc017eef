/**
 * What a text conversation (mode `sms`) puts in a flow's variables, and how a keyword is read. Shared by the
 * engine's start of a conversation (compile.ts), waitForReply and the keyword menu, so every node reads a text
 * the same way.
 */
import { clip } from './template.js';
import type { EngineEvent } from './types.js';

/**
 * The opt-out keywords (CTIA / carrier practice), matched on the whole text: the server answers them itself
 * (server/messaging/keywords.ts) and they never reach a flow, so lint warns about a keyword menu that lists one.
 */
export const OPT_OUT_KEYWORDS = {
  stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT-OUT', 'REVOKE'],
  start: ['START', 'UNSTOP', 'YES', 'SUBSCRIBE'],
  help: ['HELP', 'INFO'],
} as const;

type Text = Extract<EngineEvent, { type: 'message.received' }>;

/** Variables an inbound text sets: `vars.message` (its words, at most MAX_TEXT) and `vars.media` (MMS URLs, space-separated; '' without). */
export function textVars(e: Text): Record<string, string> {
  return { message: clip(String(e.text ?? '')), media: clip((e.media ?? []).join(' ')) };
}

/**
 * A text as a keyword: trimmed, upper case, inner spaces collapsed, trailing punctuation dropped
 * (`" hours! "` → `HOURS`). Only letters and digits count, so `"1."` is `1`.
 */
export function keywordForm(text: string): string {
  return text.trim().replace(/\s+/g, ' ').replace(/[.!?,;:]+$/, '').toUpperCase();
}
