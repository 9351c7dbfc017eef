/**
 * aiAssistant: hands the call to a Telnyx AI Assistant (configured in Mission Control or the assistants API) and
 * goes on by `done` when Telnyx reports the conversation over with the caller still on the line, or by `failed`
 * when it ended in an error. TeXML `<Connect action=…><AIAssistant id=…/></Connect>` (the action callback brings
 * `Reason`, e.g. `service_error`); Call Control `ai_assistant_start` (its `call.conversation.ended` brings `reason`).
 * An assistant that hangs up, or a caller who does, ends the call as any hang-up does.
 */
import { z } from 'zod';
import { defineNode, type KindFinding } from '../node-kind.js';
import { defineVerb } from '../own-verbs.js';
import { MAX_PAYLOAD } from '../call-control.js';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE, identifierSchema } from './common.js';
import { COST_ASSUMPTIONS, speechSeconds } from './cost.js';
import { cardLine, phrases } from './words.js';

declare module '../types.js' {
  interface KindInstructions {
    assist: { assistantId: string; greeting?: string; instructions?: string; variables?: Record<string, string> };
  }
  interface KindEvents {
    /** The assistant's conversation ended with the call still up; `reason` as Telnyx gives it (absent when it gives none). */
    'assistant.ended': { reason?: string };
  }
}

/** How a scripted assistant conversation ends (engine/simulate.ts `assistant`, the sandbox's `assistant`). */
export type AssistantOutcome = 'done' | 'failed' | 'hangup';

declare module '../simulate.js' {
  interface CallScript {
    /** One entry per AI Assistant handoff: `done` (default), `failed` (Telnyx reports an error) or `hangup` (the caller hangs up). */
    assistant?: AssistantOutcome[];
  }
}

/** Telnyx documents `service_error`; any reason naming an error or a failure is one. */
export function assistantFailed(reason: string | undefined): boolean {
  return !!reason && /error|fail/i.test(reason);
}

const schema = z.object({
  assistantId: z.string({ error: 'Give the assistant\'s id' }).trim().default(''),
  greeting: z.string().max(MAX_PAYLOAD, `Keep the greeting under ${MAX_PAYLOAD} characters`).optional(),
  instructions: z.string().max(20_000, 'Keep the instructions under 20,000 characters').optional(),
  variables: z.array(identifierSchema).default([]),
});

const ended = (reason: unknown) => ({ type: 'assistant.ended' as const, ...(typeof reason === 'string' && reason ? { reason: reason.slice(0, 200) } : {}) });

export const aiAssistant = defineNode({
  type: 'aiAssistant',
  label: 'AI Assistant',
  description: 'Hand the call to one of your Telnyx AI Assistants and come back here when its conversation ends ("failed" if it ends in an error). Instructions and variables are sent in Call Control mode; TeXML uses the assistant\'s stored settings.',
  schema,
  // The id is Telnyx's documentation example: replace it with one of yours (Mission Control → AI Assistants).
  example: { assistantId: 'assistant-776d0d6f-716d-4d8f-b6da-b95181636838', greeting: 'Connecting you to our assistant.', variables: [] },
  ports: () => ['done', 'failed'],
  reachablePorts: () => ['done', 'failed'],
  waits: () => true,
  noun: 'ai assistant',
  portPhrase: phrases({ done: 'for after the assistant is done', failed: 'for when the assistant fails' }),
  accent: 'violet',
  summary: (d) => [typeof d.assistantId === 'string' && d.assistantId ? cardLine(`assistant ${d.assistantId}`) : 'no assistant chosen yet', typeof d.greeting === 'string' && d.greeting ? cardLine(`“${d.greeting}”`) : ''].filter(Boolean),
  sets: () => [],
  cost: (d) => {
    const talk = speechSeconds(d.greeting) + COST_ASSUMPTIONS.assistantSeconds;
    return { seconds: talk, aiSeconds: talk };
  },
  enter: (d, ctx) => {
    const greeting = d.greeting ? ctx.fill(d.greeting) : undefined;
    const instructions = d.instructions ? ctx.fill(d.instructions) : undefined;
    // Only variables the call has: an unset one is left for the assistant's own default.
    const shared = d.variables.filter((v) => Object.prototype.hasOwnProperty.call(ctx.vars, v)).map((v) => [v, ctx.vars[v]!] as const);
    return { emit: [{ verb: 'assist', assistantId: d.assistantId, ...(greeting ? { greeting } : {}), ...(instructions ? { instructions } : {}), ...(shared.length ? { variables: Object.fromEntries(shared) } : {}) }] };
  },
  on: (_d, ev) => (ev.type === 'assistant.ended' ? { port: assistantFailed(ev.reason) ? 'failed' : 'done' } : undefined),
  events: ['assistant.ended'],
  instructions: {
    assist: defineVerb('assist', {
      effect: { texml: 'waits', 'call-control': 'waits' },
      // Telnyx documents only `id` (and joining) on <AIAssistant>: the greeting is said before it, instructions and
      // variables cannot be passed (the assistant uses its stored settings).
      texml: (i, action) => [
        ...(i.greeting ? [{ tag: 'Say', attrs: { voice: DEFAULT_VOICE, language: DEFAULT_LANGUAGE }, text: i.greeting }] : []),
        { tag: 'Connect', attrs: { action, method: 'POST' }, children: [{ tag: 'AIAssistant', attrs: { id: i.assistantId } }] },
      ],
      texmlEvent: (f) => ended(f.Reason),
      callControl: (i, ids) => [{
        action: 'ai_assistant_start',
        body: {
          ...ids(0),
          assistant: { id: i.assistantId, ...(i.instructions ? { instructions: i.instructions } : {}), ...(i.variables ? { dynamic_variables: i.variables } : {}) },
          ...(i.greeting ? { greeting: [...i.greeting].slice(0, MAX_PAYLOAD).join('') } : {}),
        },
      }],
      ccEvents: { 'call.conversation.ended': (p) => ended(p.reason) },
      simulate: () => ended(undefined),
      scripted: { list: 'assistant', answer: (_i, entry) => (entry === 'hangup' ? { type: 'call.ended', cause: 'normal_clearing' } : ended(entry === 'failed' ? 'service_error' : undefined)) },
      choices: () => [
        { label: 'Assistant done', event: ended(undefined) },
        { label: 'Assistant failed', event: ended('service_error') },
      ],
    }),
  },
  lint: (d, ctx) => {
    const out: KindFinding[] = [];
    if (!d.assistantId) out.push({ code: 'aiAssistant.no-assistant', severity: 'error', path: ['assistantId'], message: 'Choose the AI Assistant to hand the call to: give its id (assistant-…) from Mission Control.' });
    else if (/\s|\{\{/.test(d.assistantId)) out.push({ code: 'aiAssistant.bad-id', severity: 'error', path: ['assistantId'], message: `"${d.assistantId}" is not an assistant id: ids have no spaces or templates (e.g. assistant-776d0d6f-…).` });
    const dup = d.variables.find((v, i) => d.variables.indexOf(v) !== i);
    if (dup) out.push({ code: 'aiAssistant.duplicate-variable', severity: 'warning', path: ['variables'], message: `The variable "${dup}" is listed twice.` });
    d.variables.forEach((v, i) => {
      if (ctx.setElsewhere && !ctx.setElsewhere(v)) out.push({ code: 'aiAssistant.unset-variable', severity: 'warning', path: ['variables', i], message: `No step sets {{vars.${v}}}, so the assistant never gets it.` });
    });
    return out;
  },
});
