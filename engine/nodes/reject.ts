import { z } from 'zod';
import { defineNode, type FlowFinding, type FlowLintContext } from '../node-kind.js';
import { defineVerb } from '../own-verbs.js';
import { isEffect, type Instruction } from '../types.js';
import type { Command } from '../cc-command.js';
import { cardLine, phrases, SHARED_PORT_PHRASES } from './words.js';

declare module '../types.js' {
  interface KindInstructions { reject: { reason: 'rejected' | 'busy' } }
}

/**
 * One entry of a block list: an E.164 number (`+13125550100`, that caller only), a prefix ending in `*`
 * (`+1900*`, every number starting so), or `anonymous` (a caller whose number is withheld: no E.164 `from`).
 */
export const callerEntrySchema = z
  .string({ error: 'Give a number like +13125550100, a prefix like +1900*, or anonymous' })
  .trim()
  .regex(/^(\+[1-9]\d{6,14}|\+\d{1,14}\*|anonymous)$/, 'Use a number like +13125550100, a prefix like +1900* or the word anonymous');

const schema = z.object({
  reason: z.enum(['rejected', 'busy'], { error: 'Pick rejected or busy' }).default('rejected'),
  callers: z.array(callerEntrySchema).max(5000, 'List at most 5000 numbers').optional(),
});
type RejectData = z.output<typeof schema>;

/** Does `from` match one entry of a block list? */
export function blocked(callers: readonly string[], from: string): boolean {
  const number = /^\+\d+$/.test(from.trim()) ? from.trim() : undefined;
  return callers.some((c) => (c === 'anonymous' ? !number : c.endsWith('*') ? !!number && number.startsWith(c.slice(0, -1)) : c === number));
}

/** A block list is on when the node lists callers; without one it refuses every call that reaches it. */
const hasList = (d: Partial<RejectData>): boolean => (d.callers?.length ?? 0) > 0;

const CAUSE = { rejected: 'CALL_REJECTED', busy: 'USER_BUSY' } as const;

/**
 * Refuse the call without answering it: TeXML `<Reject reason>`, Call Control `reject` (cause CALL_REJECTED or
 * USER_BUSY). Telnyx answers neither, so nothing is billed, only when the refusal comes before anything that
 * answers (a say, a menu, ...): in TeXML the first verb of the first document; in Call Control the server
 * steps the flow on `call.initiated`, before it answers, when the flow has a reject (server/calls/reject-first.ts,
 * {@link unansweredReject}). Later it is a hang-up (lint says so: `reject.answered`). With `callers` it is a
 * block list: a caller on it is refused, anyone else goes on by `next`.
 */
export const reject = defineNode({
  type: 'reject',
  label: 'Reject / block list',
  description: 'Refuse the call without answering it (no charge): every call, or only the callers on a block list (numbers, prefixes like +1900*, anonymous); others go on by "next".',
  schema,
  example: { reason: 'rejected' },
  ports: (d) => (hasList(d) ? ['next'] : []),
  // Refusing ends the call; a caller not on the list leaves at once.
  waits: () => false,
  enter: (d, ctx) => {
    if (hasList(d) && !blocked(d.callers!, ctx.call.from)) return { port: 'next' };
    return { emit: [{ verb: 'reject', reason: d.reason }], end: 'rejected' };
  },
  instructions: {
    reject: defineVerb('reject', {
      effect: { texml: 'ends', 'call-control': 'ends' },
      texml: (i) => [{ tag: 'Reject', attrs: { reason: i.reason } }],
      texmlEvent: () => ({ type: 'call.ended', cause: 'call_rejected' }),
      // In a step after the answer (the only kind the server sends through here) Telnyx's reject no longer
      // applies to the call: it is a hang-up. Before the answer the server sends {@link unansweredReject}.
      callControl: (_i, ids) => [{ action: 'hangup', body: ids(0) }],
      ccEvents: {},
      simulate: () => ({ type: 'call.ended', cause: 'call_rejected' }),
    }),
  },
  noun: 'reject',
  portPhrase: phrases({ next: 'for callers who are not on the block list' }),
  accent: 'red',
  summary: (d) => [
    hasList(d) ? cardLine(`block ${d.callers!.length} caller${d.callers!.length === 1 ? '' : 's'}: ${d.callers!.slice(0, 3).join(', ')}${d.callers!.length > 3 ? ', …' : ''}`) : 'refuse every call',
    d.reason === 'busy' ? 'caller hears busy' : 'caller hears the call refused',
  ],
  sets: () => [],
  // Not answered: no minutes. A caller who goes on by `next` spent no time here either.
  cost: () => ({}),
  silent: true, // a caller not on the list goes on unanswered
  flowLint: (ctx) => answeredRejects(ctx),
  lint: (d) => (d.callers && d.callers.length === 0
    ? [{ code: 'reject.empty-list', severity: 'warning', message: 'The block list is empty, so this step refuses every call. Add numbers, or remove the list.', path: ['callers'] }]
    : []),
});

/**
 * Rejects a call can reach after something answered it (a say, a menu, a dial: any step that is not `silent`):
 * there Telnyx has answered the call, so the reject is only a hang-up and the call is billed.
 */
function answeredRejects({ flow, wiring, kindOf }: FlowLintContext): FlowFinding[] {
  const silent = (id: string) => { const n = wiring.byId.get(id); return !!(n?.type && kindOf(n.type)?.silent); };
  // Every step reachable from a step that answers (the start counts when it answers itself).
  const late = new Set<string>();
  const seen = new Set<string>();
  const todo: { id: string; answered: boolean }[] = wiring.byId.has(flow.start) ? [{ id: flow.start, answered: false }] : [];
  while (todo.length) {
    const { id, answered } = todo.pop()!;
    const key = `${answered ? 1 : 0}${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (answered) late.add(id);
    const after = answered || !silent(id);
    for (const e of wiring.out(id)) todo.push({ id: e.target, answered: after });
  }
  return [...late].filter((id) => wiring.byId.get(id)?.type === 'reject').map((id) => ({
    code: 'reject.answered', severity: 'warning', node: id,
    message: `The reject "${id}" can be reached after the call was answered (by a message, a menu or a transfer before it): there it only hangs up, and the call is billed. Put it before anything the caller hears.`,
  }));
}

/**
 * The Call Control command for a step taken before the call is answered (server/calls/reject-first.ts) when that
 * step's first instruction is a reject: Telnyx's `reject` with its cause. Undefined for any other step (the
 * server then answers the call as usual). The command id is fixed per call, like the answer's.
 */
export function unansweredReject(instructions: readonly Instruction[], ids: { callId: string; clientState: string }): Command | undefined {
  const first = instructions.find((i) => !isEffect(i));
  if (first?.verb !== 'reject') return undefined;
  const reason = (first as { reason?: 'rejected' | 'busy' }).reason ?? 'rejected';
  return { action: 'reject', body: { cause: CAUSE[reason], client_state: ids.clientState, command_id: `reject-${ids.callId}` } };
}

/** Whether the flow has a reject step at all (the server probes the first step before answering only then). */
export function mayReject(flow: { nodes: readonly { type: string }[] }): boolean {
  return flow.nodes.some((n) => n.type === 'reject');
}
