import { z } from 'zod';
import { defineNode, type KindFinding } from '../node-kind.js';
import { keywordForm, OPT_OUT_KEYWORDS } from '../messages.js';

const RESERVED = new Set<string>(Object.values(OPT_OUT_KEYWORDS).flat());
import { cardLine, phrases } from './words.js';

const portSchema = z.string({ error: 'Name the way out for this option' })
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'Use letters, digits, - and _ (no spaces), starting with a letter')
  .refine((p) => p !== 'other', '"other" is the way out when no keyword matches; pick another name');

const schema = z.object({
  options: z.array(z.object({
    port: portSchema,
    keywords: z.array(z.string().trim().min(1, 'A keyword cannot be empty').max(40, 'Keep a keyword under 40 characters'), { error: 'List the words that pick this option' })
      .min(1, 'Give at least one keyword, e.g. 1 or HOURS'),
  }), { error: 'Add the options: a way out and the keywords that pick it' }).min(1, 'Add at least one option'),
});
type KeywordData = z.output<typeof schema>;

/** The option a text picks: its whole text, or its first word, is one of the option's keywords (any case, trailing punctuation ignored). */
export function keywordPort(d: KeywordData, text: string): string | undefined {
  const whole = keywordForm(text);
  const firstWord = whole.split(' ')[0] ?? '';
  for (const o of d.options) {
    const words = o.keywords.map(keywordForm);
    if (words.includes(whole) || words.includes(firstWord)) return o.port;
  }
  return undefined;
}

const optionPorts = (d: Partial<KeywordData>): string[] => [...new Set((d.options ?? []).map((o) => o?.port).filter((p): p is string => !!p))];

/**
 * A keyword menu on the text that came in (`vars.message`: the one that started the conversation, or the last
 * reply): "Reply 1 for hours, 2 for address" is an sms step, a waitForReply, then this with options
 * `hours: [1, HOURS]`, `address: [2, ADDRESS]`; anything else leaves by `other`.
 */
export const keywords = defineNode({
  type: 'keywords',
  label: 'Keyword menu',
  description: 'SMS flows: pick a way out by the words of the last text (e.g. 1 or HOURS); case and trailing punctuation are ignored, anything else goes to other.',
  schema,
  example: { options: [{ port: 'hours', keywords: ['1', 'HOURS'] }, { port: 'address', keywords: ['2', 'ADDRESS', 'WHERE'] }] },
  ports: (d) => [...optionPorts(d), 'other'],
  reachablePorts: () => ['other'],
  channels: ['sms'],
  waits: () => false,
  noun: 'keyword menu',
  portPhrase: phrases({ other: 'for a text that matches no keyword' }),
  accent: 'orange',
  summary: (d) => [cardLine((d.options ?? []).map((o) => `${(o?.keywords ?? []).join('/')} → ${o?.port ?? ''}`).join(' · '))],
  sets: () => [],
  cost: () => ({}),
  enter: (d, ctx) => ({ port: keywordPort(d, ctx.vars.message ?? '') ?? 'other' }),
  lint: (d) => {
    const out: KindFinding[] = [];
    const seenPort = new Set<string>();
    const seenWord = new Map<string, string>();
    d.options.forEach((o, i) => {
      if (seenPort.has(o.port)) out.push({ code: 'keywords.duplicate-port', severity: 'error', path: ['options', i, 'port'], message: `Option ${i + 1} uses the way out "${o.port}" again; give each option its own name.` });
      seenPort.add(o.port);
      o.keywords.forEach((w, j) => {
        const k = keywordForm(w);
        const before = seenWord.get(k);
        if (before !== undefined && before !== o.port) out.push({ code: 'keywords.duplicate-word', severity: 'warning', path: ['options', i, 'keywords', j], message: `"${w}" already picks "${before}", so it never picks "${o.port}".` });
        else if (RESERVED.has(k)) {
          out.push({ code: 'keywords.reserved', severity: 'warning', path: ['options', i, 'keywords', j], message: `"${w}" is an opt-out keyword (STOP, START, YES, HELP, ...): the server answers it itself and it never reaches the flow.` });
        }
        if (before === undefined) seenWord.set(k, o.port);
      });
    });
    return out;
  },
});
