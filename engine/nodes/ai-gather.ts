/**
 * aiGather: Telnyx's AI collects named fields by conversation ("Who am I speaking with, and what is it about?")
 * and the flow goes on by `ok` with each field in `vars.NAME`, or by `failed`. TeXML `<AIGather>` (its action
 * callback: `Status`, `Base64Result`); Call Control `gather_using_ai` (its `call.ai_gather.ended`: `status`,
 * `result`). The result is an LLM's output: it is checked against the declared fields before any of it becomes a
 * variable, and a wrong shape leaves by `failed`.
 */
import { z } from 'zod';
import { defineNode, type KindFinding } from '../node-kind.js';
import { defineVerb } from '../own-verbs.js';
import { AI_GATHER_LANGUAGES, type AiGatherLanguage } from '../cc-command.js';
import { MAX_PAYLOAD } from '../call-control.js';
import { boundedResult, decodeBase64Result, fieldSchema, parametersOf, varsOf, type AiField, type AiResult } from './ai-fields.js';
import { COST_ASSUMPTIONS, speechSeconds } from './cost.js';
import { cardLine, phrases, SHARED_PORT_PHRASES } from './words.js';

declare module '../types.js' {
  interface KindInstructions {
    aiGather: { parameters: Record<string, unknown>; greeting?: string; voice?: string; language?: string; timeoutSeconds: number };
  }
  interface KindEvents {
    /** Telnyx's AI gather ended: `valid` with its result, or `invalid` (the caller gave up, it timed out). */
    'ai.gathered': { status: 'valid' | 'invalid'; result?: AiResult };
  }
}

/** One scripted AI gather answer (engine/simulate.ts `ai`, the sandbox's `ai`): a result, or the AI gave up. */
export type AiScripted = { result: Record<string, unknown> } | { failed: true } | { hangup: true };

declare module '../simulate.js' {
  interface CallScript {
    /** One entry per AI gather, in order: `{result: {...}}` (what Telnyx's AI returns, right or wrong), `{failed: true}` or `{hangup: true}` (the caller hangs up). Default: failed. */
    ai?: AiScripted[];
  }
}

const schema = z.object({
  fields: z.array(fieldSchema, { error: 'List the fields to collect' }),
  greeting: z.string().max(MAX_PAYLOAD, `Keep the greeting under ${MAX_PAYLOAD} characters`).optional(),
  voice: z.string().optional(),
  language: z.string().optional(),
  timeoutSeconds: z.number({ error: 'Give a number of seconds' }).int('Use whole seconds').min(1, 'Use at least 1 second').max(120, 'Use at most 120 seconds').default(10),
});

/** gather_using_ai's language is a bare code (`en`, not `en-US`); one Telnyx does not list is left out. */
function ccLanguage(lang: string | undefined): AiGatherLanguage | undefined {
  const code = lang?.split(/[-_]/)[0]?.toLowerCase();
  return AI_GATHER_LANGUAGES.find((l) => l === code);
}

const gathered = (status: unknown, result: AiResult | undefined) =>
  ({ type: 'ai.gathered' as const, status: status === 'valid' ? 'valid' as const : 'invalid' as const, ...(result ? { result } : {}) });

/** An example answer of each declared type, from the instruction's JSON Schema (the builder's "answered" choice). */
function sampleOf(parameters: Record<string, unknown>): AiResult {
  const props = (parameters.properties ?? {}) as Record<string, { type?: string; format?: string }>;
  return Object.fromEntries(Object.entries(props).map(([k, p]) => [k, p.format === 'date' ? '2026-01-02' : p.type === 'number' ? 1 : p.type === 'boolean' ? true : 'example']));
}

export const aiGather = defineNode({
  type: 'aiGather',
  label: 'AI gather',
  description: 'Let Telnyx\'s AI ask the caller for named details in conversation (a name, a reason, a date) and keep each in a variable; "failed" if the caller gives up or an answer is missing or of the wrong type.',
  schema,
  example: {
    fields: [
      { name: 'name', description: 'The caller\'s full name', type: 'string', required: true },
      { name: 'reason', description: 'Why they are calling: billing, support or sales', type: 'string', required: true },
    ],
    greeting: 'Hi! Who am I speaking with, and what are you calling about?',
    timeoutSeconds: 10,
  },
  ports: () => ['ok', 'failed'],
  reachablePorts: () => ['ok', 'failed'],
  waits: () => true,
  noun: 'ai gather',
  portPhrase: phrases({ ok: 'for when every detail is collected', failed: 'for when the details cannot be collected' }),
  accent: 'violet',
  summary: (d) => {
    const names = Array.isArray(d.fields) ? d.fields.map((f) => (f && typeof f.name === 'string' ? f.name : '')).filter(Boolean) : [];
    return [names.length ? cardLine(`→ ${names.map((n) => `vars.${n}`).join(', ')}`) : 'no fields yet', typeof d.greeting === 'string' && d.greeting ? cardLine(`“${d.greeting}”`) : ''].filter(Boolean);
  },
  sets: (d) => (Array.isArray(d.fields) ? d.fields.map((f) => f?.name).filter((n): n is string => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) : []),
  // The greeting, then about COST_ASSUMPTIONS.aiFieldSeconds of conversation per field; all of it on the AI.
  cost: (d, port) => {
    const talk = speechSeconds(d.greeting) + d.fields.length * COST_ASSUMPTIONS.aiFieldSeconds + (port === 'failed' ? d.timeoutSeconds : 0);
    return { seconds: talk, aiSeconds: talk };
  },
  enter: (d, ctx) => {
    const greeting = d.greeting ? ctx.fill(d.greeting) : undefined;
    return { emit: [{ verb: 'aiGather', parameters: parametersOf(d.fields), timeoutSeconds: d.timeoutSeconds, ...(greeting ? { greeting } : {}), ...(d.voice ? { voice: d.voice } : {}), ...(d.language ? { language: d.language } : {}) }] };
  },
  on: (d, ev) => {
    if (ev.type !== 'ai.gathered') return undefined;
    if (ev.status !== 'valid') return { port: 'failed' };
    const got = varsOf(d.fields, ev.result);
    return 'vars' in got ? { port: 'ok', vars: got.vars } : { port: 'failed' };
  },
  events: ['ai.gathered'],
  instructions: {
    aiGather: defineVerb('aiGather', {
      effect: { texml: 'waits', 'call-control': 'waits' },
      // Telnyx's <AIGather> has no timeout or language attribute (DOCS texml-verbs/aigather): Telnyx decides those.
      texml: (i, action) => [{
        tag: 'AIGather', attrs: { action, method: 'POST' },
        children: [
          ...(i.greeting ? [{ tag: 'Greeting', text: i.greeting }] : []),
          ...(i.voice ? [{ tag: 'Voice', attrs: { name: i.voice } }] : []),
          { tag: 'Parameters', cdata: JSON.stringify(i.parameters) },
        ],
      }],
      texmlEvent: (f) => gathered(f.Status, decodeBase64Result(f.Base64Result)),
      callControl: (i, ids) => {
        const language = ccLanguage(i.language);
        return [{
          action: 'gather_using_ai',
          body: {
            ...ids(0), parameters: i.parameters, user_response_timeout_ms: i.timeoutSeconds * 1000,
            ...(i.greeting ? { greeting: [...i.greeting].slice(0, MAX_PAYLOAD).join('') } : {}), ...(i.voice ? { voice: i.voice } : {}), ...(language ? { language } : {}),
          },
        }];
      },
      // call.conversation.ended follows it too (Telnyx lists both): the result is in this one, the other is ignored.
      ccEvents: { 'call.ai_gather.ended': (p) => gathered(p.status, boundedResult(p.result)) },
      simulate: () => gathered('invalid', undefined),
      scripted: {
        list: 'ai',
        answer: (_i, entry) => {
          const e = entry as Partial<{ result: unknown; failed: boolean; hangup: boolean }> | undefined;
          if (e?.hangup) return { type: 'call.ended', cause: 'normal_clearing' };
          return e && !e.failed && e.result !== undefined ? gathered('valid', boundedResult(e.result) ?? {}) : gathered('invalid', undefined);
        },
      },
      choices: (i) => {
        const sample = sampleOf(i.parameters);
        const first = ((i.parameters.required ?? []) as string[])[0];
        const partial = Object.fromEntries(Object.entries(sample).filter(([k]) => k !== first));
        return [
          { label: 'Caller answered', event: gathered('valid', sample) },
          ...(first ? [{ label: `Answer without ${first}`, event: gathered('valid', partial) }] : []),
          { label: 'Caller gave up', event: gathered('invalid', undefined) },
        ];
      },
    }),
  },
  lint: (d, ctx) => {
    const out: KindFinding[] = [];
    if (!d.fields.length) out.push({ code: 'aiGather.no-fields', severity: 'error', path: ['fields'], message: 'This AI gather collects nothing: add at least one field (its name and what to ask for).' });
    const seen = new Map<string, number>();
    d.fields.forEach((f: AiField, i) => {
      if (seen.has(f.name)) out.push({ code: 'aiGather.duplicate-field', severity: 'error', path: ['fields', i, 'name'], message: `Two fields are named "${f.name}"; give each field its own name.` });
      else seen.set(f.name, i);
      const other = ctx.setElsewhere?.(f.name);
      if (other) out.push({ code: 'aiGather.var-collision', severity: 'warning', path: ['fields', i, 'name'], message: `The field "${f.name}" overwrites {{vars.${f.name}}}, which ${other} also sets; rename one of them if they mean different things.` });
    });
    if (!d.fields.some((f) => f.required) && d.fields.length) out.push({ code: 'aiGather.none-required', severity: 'warning', path: ['fields'], message: 'No field is required, so the gather can end as soon as the caller says anything; mark the fields you need as required.' });
    return out;
  },
});
