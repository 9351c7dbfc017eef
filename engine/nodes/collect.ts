import { z } from 'zod';
import { defineNode, type Emit, type KindFinding, type NodeContext } from '../node-kind.js';
import { identifierSchema, promptSchema, secondsSchema, toPrompt, type PromptData } from './common.js';
import { retryOrLeave } from './retry.js';
import { flowPattern, matchesWhole } from '../regex.js';
import { cardLine, phrases, promptLine, SHARED_PORT_PHRASES } from './words.js';
import { gatherCost } from './cost.js';

/** What a caller hears after a wrong entry when the node sets no invalidPrompt. */
export const DEFAULT_INVALID_ENTRY = 'Sorry, that is not a valid entry.';

const schema = z.object({
  prompt: promptSchema,
  variable: identifierSchema,
  numDigits: z.number({ error: 'Give how many digits to expect' }).int('Use a whole number').min(1, 'Expect at least 1 digit').max(64, 'Expect at most 64 digits').optional(),
  finishOnKey: z.string().regex(/^[0-9*#]?$/, 'Use one key: 0-9, * or #, or leave it empty').default('#'),
  timeoutSeconds: secondsSchema(1, 60).default(5),
  pattern: z.string().optional(),
  maxRetries: z.number({ error: 'Give a number of retries' }).int('Use a whole number').min(0, 'Use 0 or more').max(10, 'Use at most 10 retries').default(0),
  invalidPrompt: promptSchema.optional(),
});
type CollectData = z.output<typeof schema>;

/** Is this entry (finish key already stripped) acceptable? The pattern must match the whole entry (RE2, see regex.ts). */
export function validEntry(d: Pick<CollectData, 'numDigits' | 'pattern'>, digits: string): boolean {
  if (!/^[0-9*#]+$/.test(digits)) return false;
  if (d.numDigits !== undefined && digits.length !== d.numDigits) return false;
  // A pattern RE2 cannot compile accepts nothing (lint flags it as an error before publishing).
  if (d.pattern) return matchesWhole(d.pattern, digits);
  return true;
}

function gather(d: CollectData, ctx: NodeContext, prompts: PromptData[]): Emit {
  const g: Emit = { verb: 'gather', prompts: prompts.map((p) => toPrompt(p, ctx.fill)), input: 'dtmf', timeoutSeconds: d.timeoutSeconds };
  if (d.numDigits !== undefined) g.numDigits = d.numDigits;
  // Always said, '' included: left out, Telnyx would finish on its default `#`.
  g.finishOnKey = d.finishOnKey;
  return g;
}

/** Collect digits (an account number, a PIN) into a variable. */
export const collect = defineNode({
  type: 'collect',
  label: 'Collect digits',
  description: 'Ask the caller to type digits (an account number, a PIN) and keep them in a variable.',
  schema,
  example: { prompt: { text: 'Please enter your account number, then press pound.' }, variable: 'account', finishOnKey: '#', timeoutSeconds: 5, maxRetries: 0 },
  ports: () => ['next', 'timeout', 'invalid'],
  reachablePorts: (d) => (d.pattern !== undefined || d.numDigits !== undefined ? ['timeout', 'invalid'] : ['timeout']),
  waits: () => true,
  noun: 'digit collection',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next, timeout: SHARED_PORT_PHRASES.timeout, invalid: SHARED_PORT_PHRASES.invalid }),
  accent: 'violet',
  summary: (d) => [cardLine(promptLine(d.prompt)), d.variable ? `→ vars.${d.variable}` : ''].filter(Boolean),
  sets: (d) => (typeof d.variable === 'string' && d.variable ? [d.variable] : []),
  cost: gatherCost,
  enter: (d, ctx) => ({ emit: [gather(d, ctx, [d.prompt])], local: { retries: 0 } }),
  on: (d, ev, ctx) => {
    const silence = () => retryOrLeave(ctx, d.maxRetries, 'timeout', () => [gather(d, ctx, [d.prompt])]);
    if (ev.type === 'input.timeout') return silence();
    if (ev.type !== 'input.digits') return undefined;
    // Telnyx normally leaves the finish key out; cut at it in case it is reported.
    const digits = (d.finishOnKey ? ev.digits.split(d.finishOnKey)[0]! : ev.digits).trim();
    if (!digits) return silence();
    if (validEntry(d, digits)) return { port: 'next', vars: { [d.variable]: digits } };
    return retryOrLeave(ctx, d.maxRetries, 'invalid', () => [gather(d, ctx, [d.invalidPrompt ?? { text: DEFAULT_INVALID_ENTRY }, d.prompt])]);
  },
  lint: (d) => {
    const out: KindFinding[] = [];
    if (d.pattern !== undefined) {
      const c = flowPattern(d.pattern);
      if (c.error) out.push({ code: 'collect.pattern', severity: 'error', path: ['pattern'], message: `The digit pattern "${d.pattern}" ${c.error}, so no entry would ever be accepted.` });
      else if (d.numDigits !== undefined && !matchesWhole(d.pattern, '0'.repeat(d.numDigits)) && /^\\d\{\d+\}$/.test(d.pattern)) {
        out.push({ code: 'collect.pattern-length', severity: 'warning', path: ['pattern'], message: `The pattern "${d.pattern}" does not fit the ${d.numDigits} digits the caller is asked for.` });
      }
    }
    if (d.numDigits === undefined && !d.finishOnKey) {
      out.push({ code: 'collect.no-end', severity: 'warning', message: 'Without a number of digits or a finish key, the caller can only finish by waiting for the timeout.' });
    }
    return out;
  },
});
