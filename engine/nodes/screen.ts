import { z } from 'zod';
import type { CostEstimate, KindFinding } from '../node-kind.js';
import type { DialScreen } from '../types.js';
import { promptSchema, secondsSchema, toPrompt } from './common.js';
import { COST_ASSUMPTIONS, promptSeconds } from './cost.js';
import { cardLine, promptLine } from './words.js';

/**
 * Call screening on a dial (transfer, ring a team): the person who answers hears the whisper
 * ("Call for Sales, press 1 to accept") and, with `requireKeypress`, must press `acceptKey` within
 * `timeoutSeconds` for the call to be put through; a voicemail that answers presses nothing, so it
 * counts as no answer (Kazoo's require_keypress). Optional on both kinds: data without it dials as before.
 */
export const screenSchema = z.object({
  /** What the answering person hears first: text (templated) or an audio URL. */
  whisper: promptSchema.optional(),
  requireKeypress: z.boolean().default(true),
  acceptKey: z.string({ error: 'Give the key that accepts the call' }).regex(/^[0-9*#]$/, 'Use one phone key: 0-9, * or #').default('1'),
  timeoutSeconds: secondsSchema(1, 30).default(5),
}, { error: 'Describe the screening: a whisper, the key that accepts and how long to wait' });
export type ScreenData = z.output<typeof screenSchema>;

/** The dial instruction's screen, the whisper filled; none when it would do nothing (no whisper, no key). */
export function toScreen(s: ScreenData | undefined, fill: (t: string) => string): DialScreen | undefined {
  if (!s || (!s.whisper && !s.requireKeypress)) return undefined;
  const out: DialScreen = { requireKeypress: s.requireKeypress, acceptKey: s.acceptKey, timeoutSeconds: s.timeoutSeconds };
  if (s.whisper) out.whisper = toPrompt(s.whisper, fill);
  return out;
}

/** Lint of a kind's `screen` (paths inside the node's data). */
export function lintScreen(s: ScreenData | undefined): KindFinding[] {
  if (!s) return [];
  if (s.requireKeypress && !s.whisper) {
    return [{ code: 'screen.no-whisper', severity: 'error', path: ['screen', 'whisper'], message: `Screening waits for the person who answers to press ${s.acceptKey}, but nothing tells them to: add a whisper such as "Call for Sales, press ${s.acceptKey} to accept".` }];
  }
  if (!s.requireKeypress && !s.whisper) {
    return [{ code: 'screen.empty', severity: 'warning', path: ['screen'], message: 'Screening has no whisper and needs no key, so it does nothing; add a whisper or remove the screening.' }];
  }
  return [];
}

/**
 * Seconds the whisper keeps the answering leg before the conversation (billed on the outbound leg): the whisper,
 * then ~2 s to press the key when one is accepted, or the whole wait when none comes (a voicemail that answered).
 */
export function screenSeconds(s: Partial<ScreenData> | undefined, accepted: boolean): number {
  if (!s) return 0;
  const wait = s.requireKeypress === false ? 0 : accepted ? COST_ASSUMPTIONS.screenKeySeconds : (s.timeoutSeconds ?? 5);
  return promptSeconds(s.whisper) + wait;
}

/** The card's line for a screen. */
export function screenLine(s: Partial<ScreenData> | undefined): string[] {
  if (!s) return [];
  const w = promptLine(s.whisper);
  return [cardLine(`screened${s.requireKeypress === false ? '' : ` · press ${s.acceptKey ?? '1'}`}${w ? ` · ${w}` : ''}`)];
}

/**
 * A dial's cost with its screening: the whisper's seconds on the outbound leg. Connected: heard, then the key.
 * A screened `noAnswer` is assumed to be a voicemail that answered and heard it to the end (the dearer case).
 */
export function withScreen(c: CostEstimate, s: Partial<ScreenData> | undefined, port: string): CostEstimate {
  if (!s || (port !== 'connected' && port !== 'noAnswer')) return c;
  const extra = screenSeconds(s, port === 'connected');
  return { ...c, seconds: (c.seconds ?? 0) + extra, outboundSeconds: (c.outboundSeconds ?? 0) + extra };
}
