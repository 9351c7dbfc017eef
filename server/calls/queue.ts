/**
 * Hold queues (engine/nodes/queue.ts) on the server: what a step is told about its queues (Env.queue: the callers
 * ahead, the expected wait, the team's numbers, the built-in music), the `queue.update` effect that keeps a
 * caller's place in the store (store/sqlite-queue.ts, migration 019), and the callbacks: a caller who pressed 1
 * keeps their place, and once they are first in line and an agent of that queue is available, the server calls
 * them back (placeCallback) and the call back runs the flow from the queue node, which rings the agents.
 */
import type { Flow } from '../../engine/schema.js';
import { agentsFree, type QueueEnv } from '../../engine/nodes/queue.js';
import type { EffectInstruction } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { SessionRow } from '../store/types.js';
import type { QueueEntryRow } from '../store/queue-types.js';
import { teamEnv } from './team.js';
import { startFlowCall } from './outbound-flow.js';

/** Seconds one caller ahead is assumed to take until a queue has connected callers to learn from. */
export const DEFAULT_SECONDS_PER_CALLER = 60;

// Read on every step of every call: found once per parsed flow version (versions are immutable), not per webhook.
const queueNodesOf = new WeakMap<Flow, Flow['nodes']>();
const queueNodes = (flow: Flow) => {
  let nodes = queueNodesOf.get(flow);
  if (!nodes) queueNodesOf.set(flow, (nodes = flow.nodes.filter((n) => n.type === 'queue')));
  return nodes;
};

/** The built-in hold music's URL (server/api/media.ts). */
export const holdMusicUrl = (ctx: Ctx) => `${ctx.publicUrl()}/media/hold-music.wav`;

/**
 * Env.queue for a step of `session` (undefined for a flow with no queue): per queue node, the places ahead of this
 * call and the expected wait (places ahead + 1, times the average wait of the node's recent connected callers).
 */
export async function queueEnv(ctx: Ctx, session: Pick<SessionRow, 'companyId' | 'flowId' | 'callId'>, flow: Flow): Promise<QueueEnv | undefined> {
  const nodes = queueNodes(flow);
  if (!nodes.length) return undefined;
  const out: QueueEnv = { nodes: {}, holdMusicUrl: holdMusicUrl(ctx) };
  for (const n of nodes) {
    const [ahead, avg, mine] = await Promise.all([
      ctx.store.queueAhead(session.companyId, session.flowId, n.id, session.callId),
      ctx.store.queueAverageWait(session.companyId, session.flowId, n.id),
      ctx.store.queueEntryOf(session.callId, n.id),
    ]);
    out.nodes![n.id] = {
      ahead, expectedWaitSeconds: (ahead + 1) * Math.max(avg ?? DEFAULT_SECONDS_PER_CALLER, 1), ...(mine?.state === 'calling' ? { callback: true } : {}),
    };
  }
  if (nodes.some((n) => (n.data as { useTeam?: boolean }).useTeam)) {
    out.team = (await ctx.store.listMembers(session.companyId)).map((m) => ({ id: m.id, name: m.name, to: m.to }));
  }
  return out;
}

/** The `queue.update` effect: join the line, or leave it (connected, timeout, or a callback that keeps the place). */
export async function updateQueue(ctx: Ctx, i: Extract<EffectInstruction, { verb: 'queue.update' }>, session: SessionRow): Promise<void> {
  if (i.state === 'waiting') {
    await ctx.store.queueJoin({ companyId: session.companyId, flowId: session.flowId, version: session.version, nodeId: i.node, callId: session.callId });
    return;
  }
  const call = i.state === 'callback' ? await ctx.store.callById(session.callId) : undefined;
  const left = await ctx.store.queueLeave(session.callId, i.node, i.state, {
    ...(i.agent ? { agent: i.agent } : {}), ...(i.callbackTo ? { callbackTo: i.callbackTo } : {}), ...(call?.to ? { callbackFrom: call.to } : {}),
  });
  if (left) await serveCallbacks(ctx, session.companyId);
}

/** A call ended: a place it still held is given up (a callback call not answered: missed), and the line moves on. */
export async function queueCallEnded(ctx: Ctx, session: SessionRow): Promise<void> {
  if (await ctx.store.queueAbandon(session.callId)) await serveCallbacks(ctx, session.companyId);
}

/** The var a call back carries (set by the server when it places it): the queue entry whose place it holds. */
export const CALLBACK_VAR = 'queueEntry';

/**
 * Places the call back of a claimed entry: an outbound call that runs the entry's flow (startFlowCall, in the
 * mode of the number the caller called, which it comes from), resuming at the queue node.
 */
async function placeCallback(ctx: Ctx, e: QueueEntryRow): Promise<string | undefined> {
  if (!e.callbackTo || !e.callbackFrom) return undefined;
  const call = await startFlowCall(ctx, {
    companyId: e.companyId, flowId: e.flowId, from: e.callbackFrom, to: e.callbackTo, vars: { [CALLBACK_VAR]: String(e.id) }, amd: 'disabled',
  });
  return call.callId;
}

/**
 * Calls back every caller who is first in line and waiting for a call back, when an agent of that queue is
 * available now. Each entry is claimed with one conditional write before the call is placed, so two instances
 * (or two triggers at once) place it once. Triggers: a caller leaving a line, a call in a line ending, a team
 * member's status changing (api/team.ts).
 */
export async function serveCallbacks(ctx: Ctx, companyId: string): Promise<void> {
  const due = await ctx.store.queueCallbacksDue(companyId);
  if (!due.length) return;
  const [team, members] = await Promise.all([teamEnv(ctx, companyId), ctx.store.listMembers(companyId)]);
  for (const e of due) {
    try {
      const v = await ctx.store.getVersion(companyId, e.flowId, e.version);
      const node = (v?.doc as { nodes?: Array<{ id: string; type: string; data: unknown }> } | undefined)?.nodes?.find((n) => n.id === e.nodeId);
      if (!node) continue;
      const env = { now: ctx.now().toISOString(), mode: 'call-control' as const, team, queue: { team: members.map((m) => ({ id: m.id, name: m.name, to: m.to })) } };
      if (!agentsFree(node.data, env)) continue;
      const claim = `callback-${e.id}`;
      if (!(await ctx.store.queueClaimCallback(e.id, claim))) continue;
      const callId = await placeCallback(ctx, e).catch((err) => { ctx.log.warn({ err, entry: e.id }, 'queue callback not placed'); return undefined; });
      if (callId) await ctx.store.queueLinkCallback(e.id, claim, callId);
      else await ctx.store.queueReleaseCallback(e.id, claim);
    } catch (err) {
      ctx.log.error({ err, entry: e.id }, 'queue callback failed');
    }
  }
}

/**
 * Where a call back starts (server/calls/outbound-flow.ts `startedEvent`): the queue node of the entry its vars
 * name, once the call holds that entry's place; undefined for every other call (it starts at the flow's start).
 */
export async function callbackStart(ctx: Ctx, session: Pick<SessionRow, 'companyId' | 'flowId' | 'callId'>, vars: Readonly<Record<string, string>> | undefined): Promise<string | undefined> {
  const id = Number(vars?.[CALLBACK_VAR]);
  if (!Number.isSafeInteger(id)) return undefined;
  const e = await ctx.store.queueEntry(id);
  if (!e || e.companyId !== session.companyId || e.flowId !== session.flowId) return undefined;
  return (await ctx.store.queueLinkCallback(id, `callback-${id}`, session.callId)) ? e.nodeId : undefined;
}
