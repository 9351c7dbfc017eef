import { z } from 'zod';
import { DateTime } from 'luxon';
import { defineNode, type Emit, type NodeContext, type Outcome } from '../node-kind.js';
import type { Env, Prompt } from '../types.js';
import { memberSchema, secondsSchema } from './common.js';
import { ringOrder } from './round-robin.js';
import { phrases, SHARED_PORT_PHRASES } from './words.js';
import { COST_ASSUMPTIONS } from './cost.js';

/**
 * What the server tells a step about its hold queues (the engine reads no clock and no store): for each queue node
 * of the flow, how many callers are ahead of this call (waiting, or holding their place for a callback, and joined
 * before it; all of them while this call has not joined yet) and the wait it expects, and whether this call is a
 * call back; the company's team with
 * their numbers (for a queue that rings the team); the built-in hold music's URL. Absent: nobody ahead, no
 * estimate, no team, {@link DEFAULT_HOLD_MUSIC}.
 */
export interface QueueEnv {
  /** `callback`: this call is the call back the server placed to a caller who kept their place. */
  nodes?: Record<string, { ahead: number; expectedWaitSeconds?: number; callback?: boolean }>;
  team?: Array<{ id: string; name?: string; to: string }>;
  holdMusicUrl?: string;
}

declare module '../types.js' {
  interface Env {
    /** Hold queues (engine/nodes/queue.ts {@link QueueEnv}), filled in by the server for flows that have one. */
    queue?: QueueEnv;
  }
}

/** The built-in hold music when the server gives no URL (the builder's simulator): the server's own route. */
export const DEFAULT_HOLD_MUSIC = '/media/hold-music.wav';

type Member = z.output<typeof memberSchema>;

const schema = z.object({
  members: z.array(memberSchema, { error: 'List the people to ring' }).default([]),
  useTeam: z.boolean().default(false),
  strategy: z.enum(['sequential', 'simultaneous', 'longest_idle'], { error: 'Pick sequential, simultaneous or longest_idle' }).default('longest_idle'),
  ringSeconds: secondsSchema(5, 120).default(20),
  music: z.string().min(1, 'Give an audio URL, or leave it out for the built-in music').optional(),
  announceEverySeconds: secondsSchema(10, 600).default(30),
  announcePosition: z.boolean().default(true),
  announceWait: z.boolean().default(true),
  maxWaitSeconds: secondsSchema(10, 7200).default(600),
  callback: z.boolean().default(false),
  callerId: z.string().optional(),
  voice: z.string().optional(),
  language: z.string().optional(),
});
export type QueueData = z.output<typeof schema>;

/** The people a queue rings: its listed members, then the company's team (when it rings the team), each once. */
export function agentsOf(d: QueueData, env: Env): Member[] {
  const out = [...d.members];
  if (d.useTeam) for (const m of env.queue?.team ?? []) if (!out.some((x) => x.id === m.id)) out.push({ id: m.id, name: m.name ?? '', to: m.to });
  return out;
}

/** Is one of the queue's agents available now (the server asks before it calls a caller back)? Raw node data in. */
export function agentsFree(data: unknown, env: Env): boolean {
  const d = schema.safeParse(data);
  if (!d.success) return false;
  const agents = agentsOf(d.data, env);
  return agents.length > 0 && ringOrder({ members: agents, strategy: 'sequential', skipUnavailable: true, ringSeconds: 20, record: false }, env, '').order.length > 0;
}

/** Seconds the caller has waited: what the cycles added up to, or the clock, whichever is more. */
function waitedOf(local: Readonly<Record<string, unknown>>, ctx: NodeContext): number {
  const nominal = typeof local.waited === 'number' ? local.waited : 0;
  const since = typeof local.since === 'string' ? DateTime.fromISO(local.since, { setZone: true }) : null;
  const now = DateTime.fromISO(ctx.env.now, { setZone: true });
  const clock = since?.isValid && now.isValid ? Math.max(0, Math.floor(now.diff(since, 'seconds').seconds)) : 0;
  return Math.max(nominal, clock);
}

/** "about 3 minutes", "less than a minute". */
export function waitWords(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const m = Math.round(seconds / 60);
  return m === 1 ? 'about 1 minute' : `about ${m} minutes`;
}

/** The announcement a waiting caller hears every cycle (empty when there is nothing to say). */
export function announcement(d: QueueData, position: number, expectedWaitSeconds: number | undefined, callback = false): string {
  const parts: string[] = [];
  if (d.announcePosition) parts.push(`You are caller number ${position}.`);
  if (d.announceWait && expectedWaitSeconds !== undefined) parts.push(`Your expected wait is ${waitWords(expectedWaitSeconds)}.`);
  if (d.callback && !callback) parts.push('To keep your place and have us call you back, press 1.');
  return parts.join(' ');
}

/** The hold music: the node's URL, or the built-in track, as long as one cycle. */
function musicUrl(d: QueueData, ctx: NodeContext): string {
  if (d.music) return ctx.fill(d.music);
  return `${ctx.env.queue?.holdMusicUrl ?? DEFAULT_HOLD_MUSIC}?seconds=${d.announceEverySeconds}`;
}

type Local = { since: string; waited: number; cycle: number; order?: number[]; at?: number; ids?: string[]; greeting?: boolean };

/** One hold cycle: the announcement and the music, listening for 1 when callbacks are offered. */
function hold(d: QueueData, ctx: NodeContext, local: Local): Outcome {
  const q = ctx.env.queue?.nodes?.[ctx.id];
  const text = announcement(d, (q?.ahead ?? 0) + 1, q?.expectedWaitSeconds, q?.callback);
  const prompts: Prompt[] = [];
  if (text) prompts.push({ verb: 'say', text, ...(d.voice ? { voice: d.voice } : {}), ...(d.language ? { language: d.language } : {}) });
  prompts.push({ verb: 'play', url: musicUrl(d, ctx) });
  const gather: Emit = { verb: 'gather', prompts, input: 'dtmf', numDigits: 1, timeoutSeconds: 1, ...(d.callback && !q?.callback ? { validDigits: '1' } : {}) };
  return { emit: [gather], local: { ...local, order: undefined, at: undefined, ids: undefined } };
}

function dialOf(d: QueueData, ctx: NodeContext, members: Member[], ring: 'simultaneous' | 'sequential'): Emit {
  const e: Emit = { verb: 'dial', targets: members.map((m) => ctx.fill(m.to)), ring, timeoutSeconds: d.ringSeconds };
  if (d.callerId) e.callerId = ctx.fill(d.callerId);
  return e;
}

/**
 * Where the caller goes next: out by `timeout` once the wait is over; the agents rung when the caller is first in
 * line and someone is available (one ring cycle: each in turn, or all at once); otherwise another hold cycle.
 */
function next(d: QueueData, ctx: NodeContext, local: Local): Outcome {
  if (waitedOf(local, ctx) >= d.maxWaitSeconds) return { emit: [{ verb: 'queue.update', state: 'timeout' }], port: 'timeout', local };
  const ahead = ctx.env.queue?.nodes?.[ctx.id]?.ahead ?? 0;
  if (ahead === 0) {
    const agents = agentsOf(d, ctx.env);
    const { order } = agents.length ? ringOrder({ members: agents, strategy: d.strategy, skipUnavailable: true, ringSeconds: d.ringSeconds, record: false }, ctx.env, ctx.id) : { order: [] };
    if (order.length) {
      const ids = order.map((i) => agents[i]!.id);
      const ringing = { ...local, cycle: local.cycle + 1, ids, order, at: d.strategy === 'simultaneous' ? -1 : 0 };
      if (d.strategy === 'simultaneous') return { emit: [dialOf(d, ctx, order.map((i) => agents[i]!), 'simultaneous')], local: ringing };
      return { emit: [dialOf(d, ctx, [agents[order[0]!]!], 'sequential')], local: ringing };
    }
  }
  return hold(d, ctx, local);
}

function localOf(ctx: NodeContext): Local {
  const l = ctx.local;
  return {
    since: typeof l.since === 'string' ? l.since : ctx.env.now,
    waited: typeof l.waited === 'number' ? l.waited : 0,
    cycle: typeof l.cycle === 'number' ? l.cycle : 0,
    ...(Array.isArray(l.order) ? { order: l.order as number[] } : {}),
    ...(typeof l.at === 'number' ? { at: l.at } : {}),
    ...(Array.isArray(l.ids) ? { ids: l.ids as string[] } : {}),
    ...(l.greeting === true ? { greeting: true } : {}),
  };
}

/** What a caller hears when the server calls them back (before the agents are rung). */
export const CALLBACK_GREETING = 'Hello, this is the call back you asked for. Please hold while we connect you to an agent.';

/** A hold queue: music and announcements while the caller waits, agents rung in cycles, a callback on 1. */
export const queue = defineNode({
  type: 'queue',
  label: 'Hold queue',
  description: 'Put the caller on hold with music, tell them their place and expected wait, ring agents in cycles until one answers or the wait runs out; optionally press 1 for a callback.',
  schema,
  example: {
    members: [{ id: 'alice', name: 'Alice', to: '+13125550101' }], useTeam: false, strategy: 'longest_idle', ringSeconds: 20,
    announceEverySeconds: 30, announcePosition: true, announceWait: true, maxWaitSeconds: 600, callback: false,
  },
  ports: (d) => ['connected', 'timeout', ...(d.callback ? ['callback'] : [])],
  reachablePorts: (d) => ['timeout', ...(d.callback ? ['callback'] : [])],
  ownNumberFields: ['callerId'],
  waits: () => true,
  // The server calls a caller who kept their place back, and that call resumes here (call.started `startAt`).
  resumable: true,
  enter: (d, ctx) => {
    const local: Local = { since: ctx.env.now, waited: 0, cycle: 0 };
    if (ctx.env.queue?.nodes?.[ctx.id]?.callback) {
      // A call back: greet the caller first (a prompt that waits in both modes), then ring as the first in line.
      const greet: Emit = { verb: 'gather', prompts: [{ verb: 'say', text: CALLBACK_GREETING, ...(d.voice ? { voice: d.voice } : {}), ...(d.language ? { language: d.language } : {}) }], input: 'dtmf', numDigits: 1, timeoutSeconds: 1 };
      return { emit: [{ verb: 'queue.update', state: 'waiting' }, greet], local: { ...local, greeting: true } };
    }
    const o = next(d, ctx, local);
    return { ...o, emit: [{ verb: 'queue.update', state: 'waiting' }, ...(o.emit ?? [])] };
  },
  on: (d, ev, ctx): Outcome | undefined => {
    const local = localOf(ctx);
    if (ev.type === 'input.digits' || ev.type === 'input.timeout') {
      if (local.order) return undefined; // ringing: a stray key press changes nothing
      if (local.greeting) return next(d, ctx, { ...local, greeting: undefined });
      if (ev.type === 'input.digits' && d.callback && ev.digits.startsWith('1')) {
        return { emit: [{ verb: 'queue.update', state: 'callback', callbackTo: ctx.call.from }], port: 'callback', local };
      }
      return next(d, ctx, { ...local, waited: local.waited + d.announceEverySeconds });
    }
    if (ev.type !== 'dial.ended' || !local.order) return undefined;
    const agents = agentsOf(d, ctx.env);
    const ids = local.ids ?? [];
    const at = local.at ?? -1;
    if (ev.status === 'connected') {
      // Simultaneous: whoever's number answered, when the transport says so.
      const id = at >= 0 ? ids[at] : ev.to ? ids.find((x) => { const m = agents.find((a) => a.id === x); return m && ctx.fill(m.to) === ev.to; }) : undefined;
      return {
        emit: [{ verb: 'queue.update', state: 'connected', ...(id ? { agent: id } : {}) }, ...(id ? [{ verb: 'member.release' as const, member: id }] : [])],
        port: 'connected', local, ...(id ? { vars: { agent: id } } : {}),
      };
    }
    const rung = { ...local, waited: local.waited + (ev.seconds ?? d.ringSeconds) };
    const following = at >= 0 ? at + 1 : ids.length;
    const m = following < ids.length ? agents.find((a) => a.id === ids[following]) : undefined;
    if (m && waitedOf(rung, ctx) < d.maxWaitSeconds) return { emit: [dialOf(d, ctx, [m], 'sequential')], local: { ...rung, at: following } };
    // The ring cycle is over: hold again (or leave by timeout).
    if (waitedOf(rung, ctx) >= d.maxWaitSeconds) return { emit: [{ verb: 'queue.update', state: 'timeout' }], port: 'timeout', local: rung };
    return hold(d, ctx, rung);
  },
  noun: 'hold queue',
  portPhrase: phrases({
    connected: 'for after an agent took the call',
    timeout: 'for when nobody answered within the longest wait',
    callback: 'for when the caller asks to be called back',
  }),
  accent: 'green',
  summary: (d) => [
    `${d.useTeam ? 'the team' : `${(d.members ?? []).length} agent(s)`} · max ${Math.round((d.maxWaitSeconds ?? 600) / 60)} min`,
    `${d.music ? 'own music' : 'built-in music'} · announce every ${d.announceEverySeconds ?? 30}s${d.callback ? ' · callback on 1' : ''}`,
  ],
  sets: () => ['agent'],
  // The caller's leg waits (the assumed wait, at most the longest), then rings and talks; the agent's leg is the talk.
  cost: (d, port) => {
    const wait = Math.min(d.maxWaitSeconds, COST_ASSUMPTIONS.queueWaitSeconds);
    const talk = COST_ASSUMPTIONS.talkSeconds;
    if (port === 'connected') return { seconds: wait + COST_ASSUMPTIONS.ringSeconds + talk, outboundSeconds: talk };
    if (port === 'callback') return { seconds: d.announceEverySeconds, outboundSeconds: COST_ASSUMPTIONS.ringSeconds + 2 * talk };
    return { seconds: d.maxWaitSeconds };
  },
  widgets: { members: 'members' },
  lint: (d) => {
    const out: Array<{ code: string; severity: 'error' | 'warning'; message: string; path?: (string | number)[] }> = [];
    if (!d.members.length && !d.useTeam) out.push({ code: 'queue.no-agents', severity: 'error', message: 'Nobody would ever answer: add agents to ring, or ring the company team.', path: ['members'] });
    if (d.maxWaitSeconds < d.announceEverySeconds) out.push({ code: 'queue.max-wait-short', severity: 'warning', message: `Callers leave after ${d.maxWaitSeconds}s, before the first announcement at ${d.announceEverySeconds}s: make the longest wait longer or announce more often.`, path: ['maxWaitSeconds'] });
    const ids = new Set<string>();
    for (const [i, m] of d.members.entries()) {
      if (ids.has(m.id)) out.push({ code: 'queue.duplicate-id', severity: 'error', message: `Two agents share the id "${m.id}"; give each person their own id.`, path: ['members', i, 'id'] });
      ids.add(m.id);
    }
    if (d.strategy === 'simultaneous' && d.members.length > 10) out.push({ code: 'queue.too-many', severity: 'error', message: 'Telnyx rings at most 10 phones at once; use fewer agents or ring them in turn.', path: ['members'] });
    return out;
  },
});
