import { z } from 'zod';
import { DateTime } from 'luxon';
import { defineNode, type Emit, type KindFinding, type NodeContext, type Outcome } from '../node-kind.js';
import type { Env } from '../types.js';
import { memberSchema, secondsSchema } from './common.js';
import { phrases, SHARED_PORT_PHRASES } from './words.js';
import { dialCost } from './cost.js';
import { lintScreen, screenLine, screenSchema, toScreen, withScreen } from './screen.js';

type Member = z.output<typeof memberSchema>;

const schema = z.object({
  members: z.array(memberSchema, { error: 'List the people to ring' }).min(1, 'Add at least one person to ring'),
  strategy: z.enum(['round_robin', 'sequential', 'simultaneous', 'longest_idle'], { error: 'Pick round_robin, sequential, simultaneous or longest_idle' }).default('round_robin'),
  ringSeconds: secondsSchema(5, 120).default(20),
  skipUnavailable: z.boolean().default(true),
  callerId: z.string().optional(),
  record: z.boolean().default(false),
  /** Call screening: each member who answers hears the whisper and must press the key; otherwise the next is rung. */
  screen: screenSchema.optional(),
});
type RoundRobinData = z.output<typeof schema>;

function available(env: Env, m: Member): boolean {
  return (env.team?.[m.id]?.status ?? 'available') === 'available';
}

function idleSince(env: Env, m: Member): number {
  const at = env.team?.[m.id]?.lastCallEndedAt;
  const t = at ? DateTime.fromISO(at, { setZone: true }) : null;
  return t?.isValid ? t.toMillis() : Number.NEGATIVE_INFINITY; // never called: idle the longest
}

/**
 * The members to ring, in order, and the cursor for the next call. For
 * round_robin the rotation starts at the cursor and the next call starts after
 * the first member actually rung, so skipping a busy member keeps it fair.
 */
export function ringOrder(d: RoundRobinData, env: Env, nodeId: string): { order: number[]; cursor?: number } {
  const n = d.members.length;
  const ok = (i: number) => !d.skipUnavailable || available(env, d.members[i]!);
  const idx = d.members.map((_, i) => i);
  if (d.strategy === 'round_robin') {
    const raw = env.cursors?.[nodeId] ?? 0;
    const start = ((Math.trunc(Number.isFinite(raw) ? raw : 0) % n) + n) % n;
    const order = idx.map((i) => (start + i) % n).filter(ok);
    return { order, cursor: order.length ? (order[0]! + 1) % n : start };
  }
  if (d.strategy === 'longest_idle') {
    // Array.prototype.sort is stable, so ties keep list order.
    return { order: idx.filter(ok).sort((a, b) => idleSince(env, d.members[a]!) - idleSince(env, d.members[b]!)) };
  }
  return { order: idx.filter(ok) };
}

function dial(d: RoundRobinData, ctx: NodeContext, members: Member[], ring: 'simultaneous' | 'sequential'): Emit {
  const e: Emit = { verb: 'dial', targets: members.map((m) => ctx.fill(m.to)), ring, timeoutSeconds: d.ringSeconds, record: d.record };
  if (d.callerId) e.callerId = ctx.fill(d.callerId);
  const screen = toScreen(d.screen, ctx.fill);
  if (screen) e.screen = screen;
  return e;
}

/** Ring a team: in turn (round robin), in list order, all at once, or the longest idle first. */
export const roundRobin = defineNode({
  type: 'roundRobin',
  label: 'Ring a team',
  description: 'Ring team members in turn, in order, all at once, or whoever has been idle longest; busy people are skipped. Screening (optional): a member who answers hears a whisper and presses a key to take the call, else the next is rung.',
  schema,
  example: { members: [{ id: 'alice', name: 'Alice', to: '+13125550101' }], strategy: 'round_robin', ringSeconds: 20, skipUnavailable: true, record: false },
  ports: () => ['connected', 'noAnswer'],
  reachablePorts: () => ['noAnswer'],
  ownNumberFields: ['callerId'],
  // Only the rotation reads the cursor (ringOrder); the other strategies start from the list or the idle times.
  readsCursor: (d) => d.strategy === 'round_robin',
  waits: () => true,
  enter: (d, ctx) => {
    const { order, cursor } = ringOrder(d, ctx.env, ctx.id);
    const withCursor = cursor === undefined ? {} : { cursor };
    if (!order.length) return { port: 'noAnswer', ...withCursor };
    if (d.strategy === 'simultaneous') return { emit: [dial(d, ctx, order.map((i) => d.members[i]!), 'simultaneous')], local: { order, at: -1 } };
    return { emit: [dial(d, ctx, [d.members[order[0]!]!], 'sequential')], local: { order, at: 0 }, ...withCursor };
  },
  noun: 'team ring',
  portPhrase: phrases({ connected: SHARED_PORT_PHRASES.connected, noAnswer: SHARED_PORT_PHRASES.noAnswer }),
  accent: 'green',
  summary: (d) => [`${(d.members ?? []).length} member(s) · ${d.strategy ?? 'round_robin'}`, ...screenLine(d.screen)],
  // The member who answered, for the flow's own templates ("You spoke with {{vars.agent}}").
  sets: () => ['agent'],
  cost: (d, port) => withScreen(dialCost(d, port), d.screen, port),
  widgets: { members: 'members' },
  on: (d, ev, ctx): Outcome | undefined => {
    if (ev.type !== 'dial.ended') return undefined;
    const order = Array.isArray(ctx.local.order) ? (ctx.local.order as number[]) : [];
    const at = typeof ctx.local.at === 'number' ? ctx.local.at : -1;
    if (ev.status === 'connected') {
      // Simultaneous: the member is whoever's number answered, when the transport says so.
      const m = at >= 0 ? d.members[order[at]!] : ev.to ? order.map((i) => d.members[i]!).find((x) => x && ctx.fill(x.to) === ev.to) : undefined;
      // The conversation is over when a connected dial ends: the member is released (the server stamps their idle time).
      return m ? { emit: [{ verb: 'member.release', member: m.id }], port: 'connected', vars: { agent: m.id } } : { port: 'connected' };
    }
    const next = at >= 0 ? at + 1 : order.length; // simultaneous: everyone was already rung
    if (next >= order.length || !d.members[order[next]!]) return { port: 'noAnswer' };
    return { emit: [dial(d, ctx, [d.members[order[next]!]!], 'sequential')], local: { order, at: next } };
  },
  lint: (d) => {
    const out: KindFinding[] = [];
    const ids = new Set<string>(), tos = new Set<string>();
    for (const m of d.members) {
      if (ids.has(m.id)) out.push({ code: 'roundRobin.duplicate-id', severity: 'error', message: `Two members share the id "${m.id}"; give each person their own id.` });
      if (tos.has(m.to)) out.push({ code: 'roundRobin.duplicate-to', severity: 'warning', message: `${m.to} is listed twice, so that phone rings twice as often.` });
      ids.add(m.id);
      tos.add(m.to);
    }
    if (d.strategy === 'simultaneous' && d.members.length > 10) out.push({ code: 'roundRobin.too-many', severity: 'error', message: 'Telnyx rings at most 10 phones at once; use fewer members or another strategy.' });
    return [...out, ...lintScreen(d.screen)];
  },
});
