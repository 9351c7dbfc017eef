import { assign, createMachine, type AnyStateMachine } from 'xstate';
import type { DateTime } from 'luxon';
import { kindOf } from './nodes/index.js';
import { fillTemplate } from './template.js';
import type { Emit, NodeContext, NodeKind, Outcome } from './node-kind.js';
import type { Flow, FlowNode } from './schema.js';
import type { CallContext, Cursors, EngineEvent, Env, Instruction, TraceEntry } from './types.js';
import { EVENT_TYPES } from './types.js';

/** Context inside the machine: the persisted call context plus per-step scratch ($-fields). */
export interface MachineContext extends CallContext {
  $env: Env;
  /** `env.now` in the flow's zone, parsed on first use (luxon parsing is the costliest part of a step). */
  $now: () => DateTime;
  $out: Instruction[];
  $trace: TraceEntry[];
  $port: string | null;
  $steps: number;
  $cursors: Cursors;
}

export const END = '__end';
export const IDLE = '__idle';
export const APOLOGY = "We're sorry, something went wrong on our side. Please call again later. Goodbye.";

const DEFAULT_STEP_LIMIT = 100;

function nodeContext(node: FlowNode, ctx: MachineContext, timezone: string): NodeContext {
  const scope = { call: ctx.call, vars: ctx.vars, company: ctx.$env.company, now: ctx.$now };
  return {
    id: node.id, mode: ctx.$env.mode, call: ctx.call, vars: ctx.vars, local: ctx.local, env: ctx.$env,
    get now() { return ctx.$now(); }, timezone, fill: (t) => fillTemplate(t, scope),
  };
}

function stamp(ctx: MachineContext, node: string, emits: Emit[] | undefined): Instruction[] {
  if (!emits?.length) return ctx.$out;
  return [...ctx.$out, ...emits.map((e) => ({ ...e, node, seq: ctx.seq }) as Instruction)];
}

function apply(ctx: MachineContext, node: FlowNode, o: Outcome, entering: boolean): Partial<MachineContext> {
  const patch: Partial<MachineContext> = { $out: stamp(ctx, node.id, o.emit), $port: o.port ?? null };
  if (o.local) patch.local = o.local;
  else if (entering) patch.local = {};
  if (o.vars) patch.vars = { ...ctx.vars, ...o.vars };
  if (o.cursor !== undefined) patch.$cursors = { ...ctx.$cursors, [node.id]: o.cursor };
  return patch;
}

function ending(ctx: MachineContext, node: string | undefined, reason: Extract<TraceEntry, { kind: 'ended' }>['reason'], emits: Emit[], detail?: string): Partial<MachineContext> {
  return {
    $out: stamp(ctx, node ?? 'flow', emits),
    $trace: [...ctx.$trace, { kind: 'ended', node, reason, ...(detail ? { detail } : {}) }],
    ended: true,
    $port: null,
  };
}

const apologyThenHangup: Emit[] = [{ verb: 'say', text: APOLOGY }, { verb: 'hangup', reason: 'error' }];

/** Where leaving `node` by `port` goes: an edge target, a fallback's target, or nowhere. */
function targetOf(flow: Flow, ids: Set<string>, node: FlowNode, kind: NodeKind, port: string): string | undefined {
  const edge = flow.edges.find((e) => e.source === node.id && e.sourceHandle === port && ids.has(e.target));
  if (edge) return edge.target;
  const fb = kind.fallbacks?.[port];
  return fb && fb !== port ? targetOf(flow, ids, node, kind, fb) : undefined;
}

function nodeState(flow: Flow, ids: Set<string>, node: FlowNode): Record<string, unknown> {
  const kind = kindOf(node.type)!;
  const data = node.data as never;
  const tz = flow.timezone;
  const ports = kind.ports(data);
  const limitGuard = ({ context }: { context: MachineContext }) => context.$steps > (context.$env.stepLimit ?? DEFAULT_STEP_LIMIT);
  const always: unknown[] = [
    {
      guard: limitGuard,
      target: END,
      actions: assign(({ context }: { context: MachineContext }) => ending(context, node.id, 'step-limit', apologyThenHangup, `more than ${context.$env.stepLimit ?? DEFAULT_STEP_LIMIT} steps without waiting for the caller`)),
    },
  ];
  for (const port of ports) {
    const target = targetOf(flow, ids, node, kind, port);
    const when = ({ context }: { context: MachineContext }) => context.$port === port;
    if (target) {
      always.push({
        guard: when, target, reenter: true,
        actions: assign(({ context }: { context: MachineContext }) => ({ $port: null, $trace: [...context.$trace, { kind: 'port' as const, node: node.id, port, target }] })),
      });
    } else {
      // An unwired port ends the call: the natural end of a flow on `next`, otherwise an unwired branch.
      const reason = port === 'next' ? 'end-of-flow' : 'unwired';
      always.push({
        guard: when, target: END,
        actions: assign(({ context }: { context: MachineContext }) => ({
          ...ending({ ...context, $trace: [...context.$trace, { kind: 'port' as const, node: node.id, port }] }, node.id, reason, [{ verb: 'hangup', reason }]),
        })),
      });
    }
  }
  if (ports.length === 0) {
    // A node with no ports (hangup) ends the call once entered.
    always.push({ target: END, actions: assign(({ context }: { context: MachineContext }) => ending(context, node.id, 'hangup', [])) });
  }
  const on: Record<string, unknown> = {};
  if (kind.on) {
    for (const type of EVENT_TYPES) {
      if (type === 'call.started' || type === 'call.ended') continue;
      on[type] = {
        actions: assign(({ context, event }: { context: MachineContext; event: EngineEvent }) => {
          const o = kind.on!(data, event, nodeContext(node, context, tz));
          return o ? apply(context, node, o, false) : {};
        }),
      };
    }
  }
  return {
    entry: assign(({ context }: { context: MachineContext }) => {
      const entered: MachineContext = { ...context, local: {}, $steps: context.$steps + 1, $trace: [...context.$trace, { kind: 'enter' as const, node: node.id, type: node.type }] };
      if (entered.$steps > (context.$env.stepLimit ?? DEFAULT_STEP_LIMIT)) return { $steps: entered.$steps, $port: null };
      return { $steps: entered.$steps, $trace: entered.$trace, ...apply(entered, node, kind.enter(data, nodeContext(node, entered, tz)), true) };
    }),
    always,
    on,
  };
}

/**
 * Compiles a flow (already parsed) into a flat XState machine: one state per
 * node, plus `__idle` (before the call starts) and the final `__end`.
 * No invoke, no delays, no child actors; the context is JSON.
 */
export function compileFlow(flow: Flow): AnyStateMachine {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const states: Record<string, unknown> = {};
  for (const node of flow.nodes) if (kindOf(node.type)) states[node.id] = nodeState(flow, ids, node);
  const startOk = ids.has(flow.start);
  states[IDLE] = {
    on: {
      'call.started': startOk
        ? {
            target: flow.start,
            actions: assign(({ event }: { event: Extract<EngineEvent, { type: 'call.started' }> }) => ({
              call: { id: event.callId, from: event.from, to: event.to, direction: event.direction },
            })),
          }
        : { target: END, actions: assign(({ context }: { context: MachineContext }) => ending(context, undefined, 'error', apologyThenHangup, `start node "${flow.start}" does not exist`)) },
    },
  };
  states[END] = { type: 'final' };
  return createMachine({
    id: 'callflow',
    initial: IDLE,
    context: {} as MachineContext,
    states: states as never,
    on: {
      'call.ended': {
        target: `.${END}`,
        actions: assign(({ context, event }: { context: MachineContext; event: EngineEvent }) => ({
          ended: true,
          $trace: [...context.$trace, { kind: 'ended', reason: 'caller-hangup', ...(event.type === 'call.ended' && event.cause ? { detail: event.cause } : {}) } as TraceEntry],
        })),
      },
    },
  } as never);
}

const cache = new WeakMap<Flow, AnyStateMachine>();
const byKey = new Map<string, AnyStateMachine>();

/**
 * The compiled machine for a flow, cached. With `key` (a flow id and version,
 * say `main-line@7`) the cache survives re-parsing the same version.
 */
export function machineFor(flow: Flow, key?: string): AnyStateMachine {
  if (key) {
    let m = byKey.get(key);
    if (!m) {
      m = compileFlow(flow);
      if (byKey.size > 500) byKey.delete(byKey.keys().next().value!);
      byKey.set(key, m);
    }
    return m;
  }
  let m = cache.get(flow);
  if (!m) {
    m = compileFlow(flow);
    cache.set(flow, m);
  }
  return m;
}
