import { z } from 'zod';
import { defineNode, type FlowFinding, type FlowLintContext } from '../node-kind.js';
import { cardLine } from './words.js';

/** A port a subflow returns by (a `return` step's `port`, one of the subflow step's `returns`). */
export const returnPortSchema = z
  .string({ error: 'Name the way back, e.g. done' })
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'Use letters, digits, - and _ (no spaces), starting with a letter');

const schema = z.object({
  flow: z.string({ error: 'Pick the flow to run' }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'Give the id of one of your flows (lowercase letters, digits and -)'),
  returns: z.array(returnPortSchema).min(1, 'Name at least one way back').max(20).default(['done'])
    .describe('The ports the other flow comes back by: the names of its return steps'),
});

/** What the caller hears when a subflow step runs without its flow (never on a published version: see below). */
export const SUBFLOW_MISSING = "We're sorry, this part of the call is not available right now. Goodbye.";

/**
 * Run another published flow of the company, then come back by the port its `return` step names (`done`,
 * `failed`, ...); a hang-up in it ends the call. The server resolves the flow when this one is published and
 * embeds that published version in this version (`subflows` header), so a call keeps the version it started on
 * and no step reads the store: engine/subflow-expand.ts inlines its steps, named `<this step>/<its step>` in the
 * trace and the call log's path, before the flow is compiled. Variables are one set: the subflow reads this
 * flow's `vars` and what it sets is seen here after it returns. Unresolved (a draft in the builder's simulator)
 * the step apologises and ends the call.
 */
export const subflow = defineNode({
  type: 'subflow',
  label: 'Run a subflow',
  description: 'Run another of your published flows, then come back by the way its "return" step names (a hang-up there ends the call).',
  schema,
  example: { flow: 'verify-caller', returns: ['done', 'failed'] },
  ports: (d) => [...new Set(d.returns)],
  reachablePorts: (d) => [...new Set(d.returns)],
  waits: () => false,
  enter: () => ({ emit: [{ verb: 'say', text: SUBFLOW_MISSING }, { verb: 'hangup', reason: 'subflow-missing' }], end: 'error' }),
  noun: 'subflow',
  portPhrase: (port) => `for when the subflow returns by "${port}"`,
  accent: 'violet',
  summary: (d) => [cardLine(`run flow ${d.flow ?? '?'}`), cardLine(`back by ${(d.returns ?? ['done']).join(', ')}`)],
  sets: () => [],
  cost: () => ({}),
  flowLint: (ctx) => subflowFindings(ctx),
});

/**
 * A flow that runs itself (directly, or through the flows it runs: `calls` from the company's flows), a flow that
 * is not published, and a return port the subflow step has no port for. The company's flows come from the server
 * (lint route and publish); without them only a flow running itself is found.
 */
function subflowFindings({ flow, flows }: FlowLintContext): FlowFinding[] {
  const out: FlowFinding[] = [];
  for (const n of flow.nodes) {
    if (n.type !== 'subflow') continue;
    const d = (n.data ?? {}) as { flow?: string; returns?: string[] };
    if (!d.flow) continue;
    const cycle = d.flow === flow.id ? [flow.id, flow.id] : flows ? pathBack(d.flow, flow.id, flows) : undefined;
    if (cycle) {
      out.push({ code: 'subflow.cycle', severity: 'error', node: n.id, path: ['flow'], message: `The subflow step "${n.id}" runs ${cycle.map((c) => `"${c}"`).join(' → ')}: a flow cannot run itself, or the call would never come back.` });
      continue;
    }
    if (!flows) continue;
    const child = flows[d.flow];
    if (!child) { out.push({ code: 'subflow.missing', severity: 'error', node: n.id, path: ['flow'], message: `The subflow step "${n.id}" runs "${d.flow}", but you have no flow with that id.` }); continue; }
    if (!child.published) { out.push({ code: 'subflow.unpublished', severity: 'error', node: n.id, path: ['flow'], message: `The subflow step "${n.id}" runs "${d.flow}", which is not published yet: publish it first.` }); continue; }
    const ports = new Set(d.returns ?? ['done']);
    for (const r of child.returns) {
      if (!ports.has(r)) out.push({ code: 'subflow.port', severity: 'error', node: n.id, path: ['returns'], message: `"${d.flow}" can return by "${r}", but the subflow step "${n.id}" has no such way back: add "${r}" to its returns.` });
    }
  }
  return out;
}

/** The chain of flows `self → start → … → self` through the flows each runs, or undefined when there is none. */
function pathBack(start: string, self: string, flows: NonNullable<FlowLintContext['flows']>): string[] | undefined {
  const seen = new Set<string>();
  const walk = (id: string, trail: string[]): string[] | undefined => {
    if (id === self) return trail;
    if (seen.has(id)) return undefined;
    seen.add(id);
    for (const next of flows[id]?.calls ?? []) {
      const found = walk(next, [...trail, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [self, start]);
}
