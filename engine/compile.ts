import { assign, createMachine, type AnyStateMachine } from 'xstate';
import type { DateTime } from 'luxon';
import { kindOf } from './nodes/index.js';
import { clip, fillBounded, MAX_TEXT } from './template.js';
import { Lru } from './lru.js';
import { graphOf, type FlowGraph } from './graph.js';
import { expandSubflows } from './subflow-expand.js';
import type { Emit, NodeContext, Outcome } from './node-kind.js';
import type { Flow, FlowNode } from './schema.js';
import type { CallContext, Cursors, EngineEvent, Env, Instruction, RunMode, TraceEntry } from './types.js';
import { EVENT_TYPES } from './types.js';
import { textVars } from './messages.js';

/**
 * What one step accumulates besides the call context: the instructions, the
 * trace, the port just chosen, the steps taken, the cursors. It is made fresh
 * for every step and thrown away after it (never persisted), so the machine's
 * actions add to it in place instead of copying arrays at every microstep.
 */
export interface StepScratch {
  env: Env;
  /** `env.now` in the flow's zone, parsed on first use (luxon parsing is the costliest part of a step). */
  now: () => DateTime;
  out: Instruction[];
  trace: TraceEntry[];
  port: string | null;
  /** Set by an outcome that ends the call (`Outcome.end`), for the node's end guard. */
  end?: 'rejected' | 'error';
  steps: number;
  cursors: Cursors;
}

/** Context inside the machine: the persisted call context plus this step's scratch. */
export interface MachineContext extends CallContext {
  $: StepScratch;
}

export const END = '__end';
export const IDLE = '__idle';
export const APOLOGY = "We're sorry, something went wrong on our side. Please call again later. Goodbye.";

const DEFAULT_STEP_LIMIT = 100;

/** What a node kind sees: plain fields, with `now` and the template scope built only when asked for. */
class NodeView implements NodeContext {
  readonly id: string;
  readonly mode: RunMode;
  readonly call: CallContext['call'];
  readonly vars: Readonly<Record<string, string>>;
  readonly local: Readonly<Record<string, unknown>>;
  readonly env: Env;
  readonly timezone: string;
  private readonly clock: () => DateTime;
  private readonly trace: TraceEntry[];
  constructor(node: FlowNode, ctx: MachineContext, local: Readonly<Record<string, unknown>>, timezone: string) {
    this.id = node.id; this.mode = ctx.$.env.mode; this.call = ctx.call; this.vars = ctx.vars; this.local = local;
    this.env = ctx.$.env; this.timezone = timezone; this.clock = ctx.$.now; this.trace = ctx.$.trace;
  }
  get now(): DateTime { return this.clock(); }
  // An own arrow property, not a method: kinds hand `ctx.fill` on as a plain function (toPrompt), and a detached
  // method would lose `this` (issue #11: every templated menu/collect/voicemail prompt threw).
  readonly fill = (text: string): string => {
    if (text.length <= MAX_TEXT && !text.includes('{{')) return text;
    const r = fillBounded(text, { call: this.call, vars: this.vars, company: this.env.company, now: this.clock });
    if (r.truncated) this.trace.push({ kind: 'truncated', node: this.id, limit: MAX_TEXT });
    return r.text;
  };
}

/** Variables as kept: each value at most {@link MAX_TEXT} characters (cut, with a trace note), so no loop can grow a call's state. */
function boundedVars(s: StepScratch, node: string, vars: Record<string, string>): Record<string, string> {
  let out = vars;
  for (const k in vars) {
    const v = vars[k]!;
    if (v.length <= MAX_TEXT) continue;
    if (out === vars) out = { ...vars };
    out[k] = clip(v);
    s.trace.push({ kind: 'truncated', node, limit: MAX_TEXT, variable: k });
  }
  return out;
}

/** Adds a node's emits, stamped with the node and step, to the step's instructions. */
function stamp(s: StepScratch, node: string, seq: number, emits: Emit[] | undefined): void {
  if (emits) for (const e of emits) s.out.push({ ...e, node, seq } as Instruction);
}

/** Records an outcome: emits and port into the scratch; the context fields it changes as the assign's patch. */
function apply(ctx: MachineContext, node: FlowNode, o: Outcome, entering: boolean): Partial<MachineContext> {
  const s = ctx.$;
  stamp(s, node.id, ctx.seq, o.emit);
  s.port = o.port ?? null;
  if (o.end) s.end = o.end;
  if (o.cursor !== undefined) s.cursors[node.id] = o.cursor;
  const patch: Partial<MachineContext> = {};
  if (o.local) patch.local = o.local;
  else if (entering) patch.local = {};
  if (o.vars) patch.vars = { ...ctx.vars, ...boundedVars(s, node.id, o.vars) };
  return patch;
}

function ending(ctx: MachineContext, node: string | undefined, reason: Extract<TraceEntry, { kind: 'ended' }>['reason'], emits: Emit[], detail?: string): Partial<MachineContext> {
  const s = ctx.$;
  stamp(s, node ?? 'flow', ctx.seq, emits);
  s.trace.push({ kind: 'ended', node, reason, ...(detail ? { detail } : {}) });
  s.port = null;
  return { ended: true };
}

const apologyThenHangup: Emit[] = [{ verb: 'say', text: APOLOGY }, { verb: 'hangup', reason: 'error' }];

type Args = { context: MachineContext };
/** A node's scratch state on entry: empty (kinds never change what they are given). */
const NO_LOCAL: Readonly<Record<string, unknown>> = Object.freeze({});
const limitOf = (s: StepScratch) => s.env.stepLimit ?? DEFAULT_STEP_LIMIT;

function nodeState(flow: Flow, wiring: FlowGraph, node: FlowNode): Record<string, unknown> {
  const kind = kindOf(node.type)!;
  const data = node.data as never;
  const tz = flow.timezone;
  const ports = kind.ports(data);
  const always: unknown[] = [
    {
      guard: ({ context }: Args) => context.$.steps > limitOf(context.$),
      target: END,
      actions: assign(({ context }: Args) => ending(context, node.id, 'step-limit', apologyThenHangup, `more than ${limitOf(context.$)} steps without waiting for the caller`)),
    },
    {
      // An outcome that ends the call itself (a reject: Outcome.end), whatever ports the node has.
      guard: ({ context }: Args) => context.$.end !== undefined,
      target: END,
      actions: assign(({ context }: Args) => ending(context, node.id, context.$.end!, [])),
    },
  ];
  for (const port of ports) {
    // Where leaving by this port goes: engine/graph.ts (first edge, fallbacks).
    const target = wiring.next(node.id, port);
    const when = ({ context }: Args) => context.$.port === port;
    if (target) {
      always.push({
        guard: when, target, reenter: true,
        actions: assign(({ context }: Args) => {
          context.$.port = null;
          context.$.trace.push({ kind: 'port', node: node.id, port, target });
          return {};
        }),
      });
    } else {
      // An unwired port ends the call: the natural end of a flow on `next`, otherwise an unwired branch.
      const reason = port === 'next' ? 'end-of-flow' : 'unwired';
      always.push({
        guard: when, target: END,
        actions: assign(({ context }: Args) => {
          context.$.trace.push({ kind: 'port', node: node.id, port });
          return ending(context, node.id, reason, [{ verb: 'hangup', reason }]);
        }),
      });
    }
  }
  if (ports.length === 0) {
    // A node with no ports (hangup) ends the call once entered.
    always.push({ target: END, actions: assign(({ context }: Args) => ending(context, node.id, 'hangup', [])) });
  }
  const on: Record<string, unknown> = {};
  if (kind.on) {
    const handle = assign(({ context, event }: { context: MachineContext; event: EngineEvent }) => {
      const o = kind.on!(data, event, new NodeView(node, context, context.local, tz));
      return o ? apply(context, node, o, false) : {};
    });
    for (const type of [...EVENT_TYPES, ...(kind.events ?? [])]) if (type !== 'call.started' && type !== 'call.ended') on[type] = { actions: handle };
  }
  return {
    entry: assign(({ context }: Args) => {
      const s = context.$;
      s.steps++;
      s.trace.push({ kind: 'enter', node: node.id, type: node.type });
      // Past the limit the node does nothing: the limit guard above ends the call.
      if (s.steps > limitOf(s)) { s.port = null; return {}; }
      return apply(context, node, kind.enter(data, new NodeView(node, context, NO_LOCAL, tz)), true);
    }),
    always,
    on,
  };
}

/**
 * Compiles a flow (already parsed) into a flat XState machine: one state per
 * node, plus `__idle` (before the call starts) and the final `__end`.
 * No invoke, no delays, no child actors; the persisted context is JSON.
 */
export function compileFlow(input: Flow): AnyStateMachine {
  // Subflows embedded at publish are inlined first (engine/subflow-expand.ts): the machine stays flat.
  const flow = expandSubflows(input);
  const wiring = graphOf(flow);
  const states: Record<string, unknown> = {};
  for (const node of flow.nodes) if (kindOf(node.type)) states[node.id] = nodeState(flow, wiring, node);
  const startOk = wiring.byId.has(flow.start);
  const begin = (at: string) => assign(({ context, event }: { context: MachineContext; event: Extract<EngineEvent, { type: 'call.started' }> }) => ({
    call: { id: event.callId, from: event.from, to: event.to, direction: event.direction },
    // An outbound flow call's vars (server/calls/outbound-flow.ts), bounded as every variable is.
    ...(event.vars ? { vars: { ...context.vars, ...boundedVars(context.$, at, event.vars) } } : {}),
  }));
  // A call may start at a node whose kind resumes calls there (NodeKind.resumable: a hold queue's call back), by `startAt`.
  const resumable = flow.nodes.filter((n) => kindOf(n.type)?.resumable && n.id !== flow.start).map((n) => ({
    guard: ({ event }: { event: Extract<EngineEvent, { type: 'call.started' }> }) => event.startAt === n.id, target: n.id, actions: begin(n.id),
  }));
  states[IDLE] = {
    on: {
      'call.started': startOk
        ? [...resumable, { target: flow.start, actions: begin(flow.start) }]
        : { target: END, actions: assign(({ context }: Args) => ending(context, undefined, 'error', apologyThenHangup, `start node "${flow.start}" does not exist`)) },
      // A text conversation (mode sms) starts with the first text: the texter is the caller, our number the called.
      'message.received': startOk
        ? {
            target: flow.start,
            actions: assign(({ event }: { event: Extract<EngineEvent, { type: 'message.received' }> }) => ({
              call: { id: event.conversationId ?? '', from: event.from, to: event.to, direction: 'inbound' as const },
              vars: textVars(event),
            })),
          }
        : { target: END, actions: assign(({ context }: Args) => ending(context, undefined, 'error', [], `start node "${flow.start}" does not exist`)) },
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
        actions: assign(({ context, event }: { context: MachineContext; event: EngineEvent }) => {
          context.$.trace.push({ kind: 'ended', reason: 'caller-hangup', ...(event.type === 'call.ended' && event.cause ? { detail: event.cause } : {}) });
          return { ended: true };
        }),
      },
    },
  } as never);
}

/**
 * How many compiled machines the engine keeps by version key, and their total
 * size in flow elements (nodes + edges). A compiled machine costs about 4 KB
 * per element (measured: a 1,500-element flow ~6 MB, the main line ~130 KB),
 * so the weight bound keeps the cache near 80 MB however many versions are
 * published; an evicted version is compiled again on its next step.
 */
export const MACHINE_CACHE_LIMITS = { entries: 500, elements: 20_000 } as const;

/** A flow's size for the caches' weight bounds: its nodes plus its edges (at least 1). */
export const flowElements = (flow: Flow): number => flow.nodes.length + flow.edges.length || 1;

const cache = new WeakMap<Flow, AnyStateMachine>();
const byKey = new Lru<string, AnyStateMachine>(MACHINE_CACHE_LIMITS.entries, MACHINE_CACHE_LIMITS.elements);

/** What the keyed machine cache holds now: entries and their total elements (for tests and diagnostics). */
export function machineCacheStats(): { entries: number; elements: number } {
  return { entries: byKey.size, elements: byKey.weight };
}

/**
 * The compiled machine for a flow, cached. With `key` (a flow id and version,
 * say `main-line@7`) the cache survives re-parsing the same version; that
 * cache is a bounded LRU ({@link MACHINE_CACHE_LIMITS}). Without a key the
 * flow object is the key (a WeakMap: it goes when the flow does).
 */
export function machineFor(flow: Flow, key?: string): AnyStateMachine {
  if (key) {
    let m = byKey.get(key);
    if (!m) {
      m = compileFlow(flow);
      byKey.set(key, m, flowElements(flow));
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
