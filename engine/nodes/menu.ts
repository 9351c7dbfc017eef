import { z } from 'zod';
import { defineNode, type Emit, type NodeContext } from '../node-kind.js';
import { promptSchema, secondsSchema, toPrompt, type PromptData } from './common.js';
import { retryOrLeave } from './retry.js';
import { cardLine, keyPhrase, phrases, promptLine, SHARED_PORT_PHRASES } from './words.js';
import { gatherCost } from './cost.js';

/** Keys in the order ports are shown: the phone keypad, 1-9 then 0, * and #. */
export const KEY_ORDER = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'] as const;
const keySchema = z.string().regex(/^[0-9*#]$/, 'Keys are 0-9, * or #');
const keyError = {
  error: (i: { code?: string }) => (i.code === 'invalid_key' ? 'Menu keys are 0-9, * or #' : i.code === 'invalid_type' ? 'Add the options: each key (0-9, * or #) with its label' : undefined),
};

/** What a caller hears after a wrong key when the menu sets no invalidPrompt. */
export const DEFAULT_INVALID_CHOICE = 'Sorry, that is not a valid choice.';

const schema = z.object({
  prompt: promptSchema,
  options: z
    .record(keySchema, z.string({ error: 'Give the option a label' }), keyError)
    .refine((o) => Object.keys(o).length > 0, 'Add at least one option'),
  timeoutSeconds: secondsSchema(1, 60).default(5),
  maxRetries: z.number({ error: 'Give a number of retries' }).int('Use a whole number').min(0, 'Use 0 or more').max(10, 'Use at most 10 retries').default(2),
  invalidPrompt: promptSchema.optional(),
  speech: z.record(z.string().min(1, 'Write the phrase a caller says'), keySchema, { error: 'Map each phrase to a key (0-9, * or #)' }).optional(),
});
type MenuData = z.output<typeof schema>;

/** Lowercase, punctuation stripped, spaces collapsed: how speech and phrases are compared. */
export function normaliseSpeech(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** The option keys in keypad order. */
export function menuKeys(d: Pick<MenuData, 'options'>): string[] {
  return KEY_ORDER.filter((k) => Object.prototype.hasOwnProperty.call(d.options, k));
}

/** The key a spoken answer selects: the longest configured phrase contained (as whole words) in it. */
export function keyForSpeech(d: Pick<MenuData, 'speech'>, text: string): string | undefined {
  const said = ` ${normaliseSpeech(text)} `;
  let best: { key: string; len: number } | undefined;
  for (const [phrase, key] of Object.entries(d.speech ?? {})) {
    const p = normaliseSpeech(phrase);
    if (p && said.includes(` ${p} `) && (!best || p.length > best.len)) best = { key, len: p.length };
  }
  return best?.key;
}

const hasKey = (d: MenuData, key: string): boolean => key.length === 1 && Object.prototype.hasOwnProperty.call(d.options, key);

function gather(d: MenuData, ctx: NodeContext, prompts: PromptData[]): Emit {
  const hasSpeech = Object.keys(d.speech ?? {}).length > 0;
  const g: Emit = {
    verb: 'gather', prompts: prompts.map((p) => toPrompt(p, ctx.fill)), input: hasSpeech ? 'dtmf speech' : 'dtmf',
    numDigits: 1, validDigits: menuKeys(d).join(''), timeoutSeconds: d.timeoutSeconds,
  };
  if (hasSpeech) g.hints = Object.keys(d.speech!);
  // A `#` option must reach us as a key: Telnyx's default finish key (TeXML finishOnKey, Call Control terminating_digit) is `#`.
  if (hasKey(d, '#')) g.finishOnKey = '';
  return g;
}

function invalidPrompt(d: MenuData): PromptData {
  return d.invalidPrompt ?? { text: DEFAULT_INVALID_CHOICE };
}

/** A wrong key: re-prompt with the invalid prompt first, or leave by `invalid`. */
function wrong(d: MenuData, ctx: NodeContext) {
  return retryOrLeave(ctx, d.maxRetries, 'invalid', () => [gather(d, ctx, [invalidPrompt(d), d.prompt])]);
}

/** Silence (or an empty answer): re-prompt, or leave by `timeout`. */
function silence(d: MenuData, ctx: NodeContext) {
  return retryOrLeave(ctx, d.maxRetries, 'timeout', () => [gather(d, ctx, [d.prompt])]);
}

const failurePhrase = phrases({ timeout: SHARED_PORT_PHRASES.timeout, invalid: SHARED_PORT_PHRASES.invalid });

/** Ask the caller to press a key (or say a phrase); one port per key, with retries built in. */
export const menu = defineNode({
  type: 'menu',
  label: 'Menu',
  description: 'Ask the caller to press a key (or say a phrase) and route by their choice. Retries on a wrong key or silence.',
  schema,
  example: { prompt: { text: 'For sales press 1. For support press 2.' }, options: { '1': 'Sales', '2': 'Support' }, timeoutSeconds: 5, maxRetries: 2 },
  ports: (d) => [...menuKeys(d), 'timeout', 'invalid'],
  reachablePorts: () => ['timeout', 'invalid'],
  waits: () => true,
  noun: 'menu',
  portPhrase: (port) => keyPhrase(port) ?? failurePhrase(port),
  accent: 'violet',
  summary: (d) => [promptLine(d.prompt), Object.entries(d.options ?? {}).map(([k, v]) => `${k}: ${v}`).join(' · ')].filter(Boolean).map((s) => cardLine(s)),
  sets: () => [],
  cost: gatherCost,
  widgets: { options: 'menuKeys' },
  enter: (d, ctx) => ({ emit: [gather(d, ctx, [d.prompt])], local: { retries: 0 } }),
  on: (d, ev, ctx) => {
    switch (ev.type) {
      case 'input.timeout':
        return silence(d, ctx);
      case 'input.digits': {
        const key = ev.digits.trim().charAt(0);
        if (!key) return silence(d, ctx);
        return hasKey(d, key) ? { port: key } : wrong(d, ctx);
      }
      case 'input.speech': {
        if (!normaliseSpeech(ev.text)) return silence(d, ctx);
        const key = keyForSpeech(d, ev.text) ?? normaliseSpeech(ev.text);
        return hasKey(d, key) ? { port: key } : wrong(d, ctx);
      }
      default:
        return undefined;
    }
  },
  lint: (d) => {
    const out: Array<{ code: string; severity: 'error' | 'warning'; message: string }> = [];
    const keys = menuKeys(d);
    const seen = new Map<string, string>();
    for (const [phrase, key] of Object.entries(d.speech ?? {})) {
      const p = normaliseSpeech(phrase);
      if (!keys.includes(key)) out.push({ code: 'menu.speech-key', severity: 'error', message: `The phrase "${phrase}" goes to key ${key}, but the menu has no option ${key}.` });
      if (!p) out.push({ code: 'menu.speech-empty', severity: 'error', message: `The phrase "${phrase}" has no words in it.` });
      else if (seen.has(p) && seen.get(p) !== key) out.push({ code: 'menu.speech-duplicate', severity: 'warning', message: `The phrase "${phrase}" is listed for two different keys.` });
      else seen.set(p, key);
    }
    for (const k of keys) {
      if (!d.options[k]!.trim()) out.push({ code: 'menu.label', severity: 'warning', message: `Option ${k} has no label; give it one so the flow is easy to read.` });
    }
    return out;
  },
});
