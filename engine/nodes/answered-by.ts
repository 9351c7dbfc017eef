import { z } from 'zod';
import { defineNode, type NodeContext, type Outcome } from '../node-kind.js';
import type { AmdEnv } from '../types.js';
import { phrases } from './words.js';

declare module '../types.js' {
  interface KindEvents {
    /** A machine's greeting ended (Call Control `call.machine.greeting.ended` / premium): `result` beep_detected, ended, not_sure, … */
    'amd.greeting.ended': { result?: string };
  }
}

/** Who answered, as the node's ports name it. */
export type AnsweredBy = 'human' | 'machine' | 'unknown';

/**
 * Telnyx's AMD result → a port: human (human, human_residence, human_business), machine (machine, fax,
 * the TeXML `machine_end_*` ones), anything else (not_sure, silence, no detection) unknown.
 */
export function answeredByOf(result: string | null | undefined): AnsweredBy {
  if (!result) return 'unknown';
  if (result.startsWith('human')) return 'human';
  if (result.startsWith('machine') || result.startsWith('fax')) return 'machine';
  return 'unknown';
}

const leave = (port: AnsweredBy): Outcome => ({ port, vars: { answeredBy: port } });

/** Where a result goes: a machine waits for its greeting's end first when the node asks and the call's detection reports it. */
function decide(d: { afterGreeting: boolean }, amd: AmdEnv, result: string | null): Outcome {
  const who = answeredByOf(result);
  if (who !== 'machine' || !d.afterGreeting || !amd.greetingReported || amd.greeting) return leave(who);
  return { local: { waiting: 'greeting' } };
}

function onEnter(d: { afterGreeting: boolean }, ctx: NodeContext): Outcome {
  const amd = ctx.env.amd;
  // No detection on this call (an inbound call, or one dialled without it): nobody can say.
  if (!amd) return leave('unknown');
  if (amd.result === null) return { local: { waiting: 'result' } };
  return decide(d, amd, amd.result);
}

/** Who picked up an outbound call: a person, or a machine (after its greeting, so a message left is heard from the beep). */
export const answeredBy = defineNode({
  type: 'answeredBy',
  label: 'Answered by',
  description: 'On a call the flow dials out (a reminder), go one way for a person and another for an answering machine: the machine way starts after its greeting, so a message is recorded from the beep.',
  schema: z.object({
    /** A machine's port is taken once its greeting ended (when the call's detection reports it). */
    afterGreeting: z.boolean().default(true),
  }),
  example: { afterGreeting: true },
  ports: () => ['human', 'machine', 'unknown'],
  reachablePorts: () => ['human', 'machine', 'unknown'],
  // Inbound calls (and calls without detection) leave at once by `unknown`. An outbound call whose detection
  // has not answered yet waits for Telnyx's AMD event, which Telnyx always sends (not_sure when it cannot tell).
  waits: () => false,
  events: ['amd.greeting.ended'],
  readsAmd: true,
  noun: 'answered-by check',
  portPhrase: phrases({
    human: 'for when a person answers',
    machine: 'for when an answering machine answers',
    unknown: 'for when detection cannot tell (or the call came in)',
  }),
  accent: 'violet',
  summary: (d) => [d.afterGreeting === false ? 'person / machine (at once)' : 'person / machine (after its greeting)'],
  sets: () => ['answeredBy'],
  // Telnyx's detection listens a few seconds (its default analysis time is 3.5 s); a machine's greeting ~10 s more.
  cost: (d, port) => ({ seconds: port === 'machine' && d.afterGreeting ? 14 : 4, amd: 1 }),
  lint: (d) => (d.afterGreeting === false
    ? [{ code: 'answeredBy.beforeBeep', severity: 'warning', path: ['afterGreeting'], message: 'A machine goes on while its greeting still plays, so the start of a message left on it is lost; turn "after greeting" on to speak from the beep.' }]
    : []),
  enter: (d, ctx) => onEnter(d, ctx),
  on: (d, event, ctx) => {
    const waiting = ctx.local.waiting;
    if (event.type === 'amd.ended' && waiting === 'result') return decide(d, ctx.env.amd ?? { result: null, greeting: null, greetingReported: false }, event.result);
    if (event.type === 'amd.greeting.ended' && (waiting === 'greeting' || waiting === 'result')) return leave('machine');
    return undefined;
  },
});
