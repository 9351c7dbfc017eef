/**
 * Opt-out keywords (CTIA / carrier practice): STOP and its synonyms opt a
 * number out, START / UNSTOP opt it back in, HELP gets the help text.
 * Matched on the whole message, trimmed, case-insensitive.
 */
import { OPT_OUT_KEYWORDS } from '../../engine/messages.js';

// One list, in the engine: lint warns about a keyword menu that lists one (they never reach a flow).
const STOP = new Set<string>(OPT_OUT_KEYWORDS.stop);
const START = new Set<string>(OPT_OUT_KEYWORDS.start);
const HELP = new Set<string>(OPT_OUT_KEYWORDS.help);

/** The keywords honoured. */
export type Keyword = 'stop' | 'start' | 'help';

/** The keyword a message is, if any. */
export function keywordOf(text: string | null | undefined): Keyword | undefined {
  const w = (text ?? '').trim().replace(/[.!]+$/, '').toUpperCase();
  if (STOP.has(w)) return 'stop';
  if (START.has(w)) return 'start';
  if (HELP.has(w)) return 'help';
  return undefined;
}

/** The automatic replies (sent even to an opted-out number: they confirm the opt-out). */
export function keywordReply(k: Keyword, company: string): string {
  switch (k) {
    case 'stop': return `${company}: you are unsubscribed and will receive no more messages. Reply START to resubscribe.`;
    case 'start': return `${company}: you are subscribed again. Reply STOP to unsubscribe, HELP for help.`;
    case 'help': return `${company}: reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.`;
  }
}
