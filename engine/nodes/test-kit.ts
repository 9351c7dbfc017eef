/**
 * Helpers for the node kinds' tests: build small flows, run a call through
 * the real `step()`, and read ports and verbs back. Pure, like the engine.
 */
import { DateTime } from 'luxon';
import { parseFlow, type Flow } from '../schema.js';
import { step } from '../step.js';
import { fillTemplate } from '../template.js';
import type { NodeContext } from '../node-kind.js';
import type { EngineEvent, Env, Instruction, Snapshot, StepResult } from '../types.js';

export const CALLER = '+13125550147';
export const CALLED = '+18445550199';
export const started: EngineEvent = { type: 'call.started', from: CALLER, to: CALLED, callId: 'call-1', direction: 'inbound' };

/** A node as tests write it: id, type, data (position is filled in). */
export interface TestNode { id: string; type: string; data: unknown }

/** Builds and parses a flow; edges are `[source, port, target]`. The first node is the start. */
export function flowOf(nodes: TestNode[], edges: Array<[string, string, string]>, opts: { timezone?: string } = {}): Flow {
  return parseFlow({
    format: 'callflow/1', id: 'test', name: 'Test', timezone: opts.timezone ?? 'America/New_York', start: nodes[0]!.id,
    nodes: nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * 100 } })),
    edges: edges.map(([s, p, t]) => ({ id: `${s}-${p}`, source: s, sourceHandle: p, target: t })),
  });
}

/** Runs a call: `call.started`, then each event, with a JSON round trip of the snapshot between steps. */
export function runCall(flow: Flow, env: Env, events: EngineEvent[]): StepResult[] {
  const out: StepResult[] = [step(flow, null, started, env)];
  for (const ev of events) {
    const snap = JSON.parse(JSON.stringify(out.at(-1)!.snapshot)) as Snapshot;
    out.push(step(flow, snap, ev, env));
  }
  return out;
}

/** `node:port` for every port taken in a step's trace. */
export function portsOf(r: StepResult): string[] {
  return r.trace.flatMap((t) => (t.kind === 'port' ? [`${t.node}:${t.port}`] : []));
}

/** The verbs a step emitted, in order. */
export function verbsOf(r: StepResult): string[] {
  return r.instructions.map((i) => i.verb);
}

/** The instruction of a verb (the first one), typed. */
export function first<V extends Instruction['verb']>(r: StepResult, verb: V): Extract<Instruction, { verb: V }> {
  const i = r.instructions.find((x) => x.verb === verb);
  if (!i) throw new Error(`no ${verb} in ${JSON.stringify(r.instructions)}`);
  return i as Extract<Instruction, { verb: V }>;
}

/** A NodeContext for kind-level tests (no flow needed). */
export function nodeContext(env: Env, over: Partial<NodeContext> = {}): NodeContext {
  const call = { id: 'call-1', from: CALLER, to: CALLED, direction: 'inbound' as const };
  const vars = over.vars ?? {};
  const timezone = over.timezone ?? 'America/New_York';
  const now = DateTime.fromISO(env.now, { setZone: true }).setZone(timezone);
  return {
    id: 'n', mode: env.mode, call, vars, local: {}, env, now, timezone,
    fill: (t) => fillTemplate(t, { call, vars, company: env.company, now }),
    ...over,
  };
}
