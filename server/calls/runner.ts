import { ZodError } from 'zod';
import { parseFlow, type Flow } from '../../engine/schema.js';
import { expandSubflows } from '../../engine/subflow-expand.js';
import { step } from '../../engine/step.js';
import { flowElements, MACHINE_CACHE_LIMITS } from '../../engine/compile.js';
import { Lru } from '../../engine/lru.js';
import { kindOf } from '../../engine/nodes/index.js';
import type { Cursors, EngineEvent, StepResult, TraceEntry } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { SessionRow, UnitOfWork } from '../store/types.js';
import { teamEnv } from './team.js';
import { stepEnvOf, watchSchedules, watchTeam } from './step-env.js';
import { scheduleRefs, schedulesEnv } from './schedules.js';
import { ownNumbersOnly } from './own-numbers.js';
import { hasEffects, runEffects } from './effects.js';
import { missedCallItems } from '../notify/missed.js';
import { screenWrite } from './screen.js';
import { httpOf, startHttp } from './http-runner.js';
import type { HttpResult } from '../../engine/nodes/http-result.js';
import { amdEnv } from './outbound-flow.js';
import { queueCallEnded, queueEnv } from './queue.js';

// Flow versions are immutable, so a parsed version never goes stale; it is only forgotten when the cache is full
// (a bounded LRU, by count and by size: ~200 bytes per node or edge parsed), then read from the store again.
const flows = new Lru<string, Flow>(MACHINE_CACHE_LIMITS.entries, MACHINE_CACHE_LIMITS.elements);

/** What the parsed-flow cache holds now: entries and their total nodes + edges (for tests and diagnostics). */
export function flowCacheStats(): { entries: number; elements: number } {
  return { entries: flows.size, elements: flows.weight };
}

/** The cache key of a flow version (also the compiled machine's cache key). */
export const versionKey = (companyId: string, flowId: string, version: number) => `${companyId}/${flowId}@${version}`;

/**
 * A stored version, parsed as this engine reads it: node data saved at an older kind version is migrated in memory
 * (the stored document stays as published). One it cannot read (a kind version newer than this engine, a failed
 * migration) throws an error naming the version and the path; the webhook answers the caller with the apology.
 */
function runnable(key: string, doc: unknown): Flow {
  try {
    // Subflows embedded at publish are inlined (engine/subflow-expand.ts): everything downstream sees one flat flow.
    return expandSubflows(parseFlow(doc));
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    const first = err.issues[0];
    throw new Error(`flow version ${key} cannot run on this engine: ${first ? `${first.path.join('.') || '(flow)'}: ${first.message}` : err.message}`, { cause: err });
  }
}

/** The flow version a session runs on (the one it started on, even after a new publish). */
export async function flowFor(ctx: Ctx, s: Pick<SessionRow, 'companyId' | 'flowId' | 'version'>): Promise<Flow> {
  const key = versionKey(s.companyId, s.flowId, s.version);
  let flow = flows.get(key);
  if (!flow) {
    const v = await ctx.store.getVersion(s.companyId, s.flowId, s.version);
    if (!v) throw new Error(`flow version ${key} is missing`);
    flow = runnable(key, v.doc);
    flows.set(key, flow, flowElements(flow));
  }
  return flow;
}

/** What advancing a session did. `stale`: someone else stepped it first (a raced retry); `ignored`: the engine did nothing. */
export type Advance =
  | { kind: 'stepped'; result: StepResult; flow: Flow; answer?: string }
  | { kind: 'ignored' | 'stale' };

/** The webhook answer a step stores with its snapshot: the dedupe key and how to render it from the step. */
export interface AnswerWith {
  key: string;
  render: (result: StepResult) => string;
  /**
   * The webhook's unit of work (store/unit-of-work.ts): the step is written in it and `advance` returns once it is
   * written, not committed; the caller awaits `unit.durable()` before it answers or sends anything. A step with
   * effects of its own (an SMS, a voicemail, a member released: server/calls/effects.ts) still waits for that
   * inside `advance`, before them.
   */
  unit?: UnitOfWork;
  /** The httpRequest result this step is answered with (calls/http-runner.ts): an outside fact, kept in its StepEnv. */
  http?: HttpResult;
}

/**
 * Runs one engine step for a stored session and persists it with a single
 * conditional write on the session's seq — in the same transaction, the
 * webhook's answer (`answer`), the round-robin cursors, what the step read
 * from outside (StepEnv, for fixtures) and the call log's end, so a crash
 * leaves all of them or none. Events the engine ignores (no
 * trace, no instructions, same node) are not persisted, so a harmless stray
 * event does not make the next real one look stale. The step's effects
 * (server/calls/effects.ts) run only in the attempt that won the write.
 */
export async function advance(ctx: Ctx, session: SessionRow, event: EngineEvent, answer?: AnswerWith): Promise<Advance> {
  const flow = await flowFor(ctx, session);
  // A fixture replay feeds the step what it read when recorded (ctx.recordedEnv); otherwise the live team and cursors.
  const recorded = answer && ctx.recordedEnv?.(answer.key);
  // Started together (one synchronous run): the store checks once that no other connection wrote since it cached them.
  const follows = scheduleRefs(flow);
  const [company, live, team, shared, queue, amd] = await Promise.all([
    ctx.store.company(session.companyId), ctx.store.cursors(session.companyId, session.flowId), recorded ? recorded.team ?? {} : teamEnv(ctx, session.companyId),
    recorded ? recorded.schedules ?? {} : schedulesEnv(ctx, session.companyId, follows),
    queueEnv(ctx, session, flow), amdEnv(ctx, session.callId, flow),
  ]);
  const cursors = recorded?.cursors ? { ...live, ...recorded.cursors } : live;
  const watched = watchTeam(team);
  // Shared schedules are read at call time (calls/schedules.ts): only a flow that follows one pays for the read.
  const schedules = follows.length ? watchSchedules(shared) : undefined;
  const env = { now: ctx.now().toISOString(), mode: session.mode, cursors, team: watched.team, company: { name: company?.name ?? '', id: session.companyId }, ...(schedules ? { schedules: schedules.schedules } : {}), ...(queue ? { queue } : {}), ...(amd ? { amd } : {}) };
  const t0 = performance.now();
  const stepped = step(flow, session.snapshot, event, env, { version: versionKey(session.companyId, session.flowId, session.version) });
  ctx.metrics.step((performance.now() - t0) / 1000);
  // Before anything is rendered or sent: the numbers the step uses as the company's must be the company's.
  const own = await ownNumbersOnly(ctx, session, stepped.instructions);
  const result = own === stepped.instructions ? stepped : { ...stepped, instructions: own };
  const untouched = session.snapshot && !result.trace.length && !result.instructions.length && result.snapshot.value === session.snapshot.value;
  if (untouched) return { kind: 'ignored' };
  const read = cursorsRead(flow, result.trace, cursors);
  // What this step read from outside, stored with it under its dedupe key (a step without one only ends the call).
  const stepEnv = answer && stepEnvOf(watched.read(), read, answer.http, schedules?.read());
  const changed = Object.fromEntries(Object.entries(result.cursors).filter(([k, v]) => cursors[k] !== v));
  const ended = event.type === 'call.ended' || result.snapshot.status === 'done';
  const body = answer?.render(result);
  // A call's last step writes its missed-call alerts with itself (same transaction): none is lost, none is doubled.
  const outbox = ended ? await endingAlerts(ctx, session, result.trace, flow) : [];
  const screen = screenWrite(session.callId, result.instructions);
  const saved = await ctx.store.saveSnapshot(session.callId, session.seq, result.snapshot, {
    ...(answer ? { answer: { eventId: answer.key, body: body! } } : {}),
    ...(screen ? { screen } : {}),
    ...(Object.keys(read).length ? { sessionCursors: read } : {}),
    ...(stepEnv ? { stepEnv: { key: answer!.key, env: stepEnv } } : {}),
    ...(Object.keys(changed).length ? { cursors: { companyId: session.companyId, flowId: session.flowId, next: changed, previous: cursors } } : {}),
    ...(result.trace.length ? { path: pathOf(result.trace) } : {}),
    ...(ended ? { callLog: { endedAt: ctx.now().toISOString(), ...(event.type === 'call.ended' ? { hangupCause: event.cause } : {}) } } : {}),
    ...(outbox.length ? { outbox } : {}),
  }, answer?.unit);
  if (!saved) return { kind: 'stale' };
  // A request the step waits on (httpRequest): sent once the step is durable, by the attempt that stored it.
  const request = httpOf(result.instructions);
  if (request) void (answer?.unit ? answer.unit.durable() : Promise.resolve()).then(() => startHttp(ctx, session.callId, request), () => {});
  if (outbox.length) void (answer?.unit ? answer.unit.durable() : Promise.resolve()).then(() => ctx.outbox?.kick(), () => {});
  // Effects (an SMS, a voicemail, a member released) only once the step that caused them is stored.
  if (answer?.unit && hasEffects(result.instructions)) await answer.unit.durable();
  await runEffects(ctx, session, result.instructions);
  // A place in a hold queue the call still held is given up when it ends (engine/nodes/queue.ts).
  if (ended && queue) await queueCallEnded(ctx, session);
  return { kind: 'stepped', result, flow, answer: body };
}

/** The missed-call alerts of a call ending with this step's trace (its whole path: the stored one and this step's). */
async function endingAlerts(ctx: Ctx, session: SessionRow, trace: TraceEntry[], flow: Flow) {
  const call = await ctx.store.getCall(session.companyId, session.callId);
  return missedCallItems(ctx, session, call, [...(call?.path ?? []), ...pathOf(trace)], flow);
}

/**
 * One trace entry as a line of the call log's path: `>node` entered, `node.port` left by,
 * `end:reason@node`; undefined for notes that are not a move (a value cut to its bound).
 */
export function pathEntry(t: TraceEntry): string | undefined {
  if (t.kind === 'enter') return `>${t.node}`;
  if (t.kind === 'port') return `${t.node}.${t.port}`;
  if (t.kind === 'ended') return `end:${t.reason}${t.node ? `@${t.node}` : ''}`;
  return undefined;
}

/** A step's trace as lines of the call's path. */
export const pathOf = (trace: TraceEntry[]): string[] => trace.flatMap((t) => pathEntry(t) ?? []);

/** The cursor each round-robin node entered in this step read (0 when it had none yet), so a fixture can seed it. */
export function cursorsRead(flow: Flow, trace: TraceEntry[], cursors: Cursors): Cursors {
  const read: Cursors = {};
  for (const t of trace) {
    if (t.kind !== 'enter' || t.node in read) continue;
    // The kind says whether it read its cursor (NodeKind.readsCursor): the server does not interpret a node's data.
    const kind = kindOf(t.type);
    const node = kind?.readsCursor && flow.nodes.find((n) => n.id === t.node);
    if (!node || !kind!.readsCursor!(node.data as never)) continue;
    read[t.node] = cursors[t.node] ?? 0;
  }
  return read;
}
