import { IANAZone } from 'luxon';
import { kindOf } from './nodes/index.js';
import { cycles } from './lint-loops.js';
import { ownershipFindings } from './lint-numbers.js';
import { channelFindings, lintModeOf } from './lint-channel.js';
import { scheduleFindings } from './lint-schedules.js';
import { nodeLabel, nodeName, portPhrase, sentence } from './lint-words.js';
import type { Finding } from './lint.js';
import { graphOf, type FlowGraph, type KindLookup } from './graph.js';
import type { FlowLintContext, NodeKind } from './node-kind.js';
import type { Flow, FlowEdge, FlowNode } from './schema.js';

export type { KindLookup } from './graph.js';

/** Calls a kind's function; a kind that throws on odd data must not take the linter down. */
function safe<T>(fn: () => T, fallback: T): T {
  try { return fn(); } catch { return fallback; }
}

interface Graph {
  flow: Flow;
  kind: (n: FlowNode) => NodeKind;
  /** First node with each id (later duplicates are reported, then ignored). */
  byId: ReadonlyMap<string, FlowNode>;
  /** What a call can follow (engine/graph.ts: the first-edge rule, fallbacks, the kind's ports). */
  wiring: FlowGraph<FlowNode, FlowEdge>;
}

// A type no kind knows (possible only with a hand-built Flow) has no ports, waits and checks nothing.
const NO_KIND = { ports: () => [], waits: () => true } as unknown as NodeKind;

function nodesFindings(flow: Flow, byId: ReadonlyMap<string, FlowNode>): Finding[] {
  const out: Finding[] = [];
  flow.nodes.forEach((n, i) => {
    if (byId.get(n.id) !== n) out.push({ code: 'duplicate-node-id', severity: 'error', node: n.id, path: ['nodes', i, 'id'], message: `Two steps share the id "${n.id}"; give each step its own id.` });
  });
  if (!byId.has(flow.start)) out.push({ code: 'start-missing', severity: 'error', path: ['start'], message: `The flow starts at "${flow.start}", but there is no step with that id.` });
  if (!IANAZone.isValidZone(flow.timezone)) out.push({ code: 'bad-timezone', severity: 'error', path: ['timezone'], message: `The time zone "${flow.timezone}" is not one we know; use a name like America/New_York.` });
  return out;
}

function edgeFindings(flow: Flow, byId: ReadonlyMap<string, FlowNode>, kind: Graph['kind']): Finding[] {
  const out: Finding[] = [];
  const seenIds = new Set<string>();
  const seenPorts = new Set<string>();
  flow.edges.forEach((e, i) => {
    const path = ['edges', i];
    if (seenIds.has(e.id)) out.push({ code: 'duplicate-edge-id', severity: 'error', edge: e.id, path: [...path, 'id'], message: `Two connections share the id "${e.id}"; give each its own id.` });
    seenIds.add(e.id);
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    if (!source) {
      out.push({ code: 'dangling-edge', severity: 'error', edge: e.id, path: [...path, 'source'], message: `A connection starts at "${e.source}", but there is no step with that id.` });
      return;
    }
    const name = nodeName(source, kind(source));
    if (!target) out.push({ code: 'dangling-edge', severity: 'error', edge: e.id, node: source.id, path: [...path, 'target'], message: `${sentence(name)} is connected to "${e.target}", but there is no step with that id.` });
    const ports = safe(() => kind(source).ports(source.data as never), [] as string[]);
    if (!ports.includes(e.sourceHandle)) {
      const has = ports.length ? `its exits are ${ports.map((p) => `"${p}"`).join(', ')}` : 'it has no exits';
      out.push({ code: 'unknown-port', severity: 'error', edge: e.id, node: source.id, path: [...path, 'sourceHandle'], message: `A connection leaves ${name} by "${e.sourceHandle}", but ${has}.` });
      return;
    }
    const key = `${e.source}\u0000${e.sourceHandle}`;
    if (seenPorts.has(key)) out.push({ code: 'duplicate-port', severity: 'error', edge: e.id, node: source.id, path, message: `The "${e.sourceHandle}" exit of ${name} is connected twice; a call can follow only one, so remove one connection.` });
    seenPorts.add(key);
  });
  return out;
}

function reachable(g: Graph): Set<string> {
  const seen = new Set<string>();
  if (!g.byId.has(g.flow.start)) return seen;
  const todo = [g.flow.start];
  while (todo.length) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of g.wiring.out(id)) if (!seen.has(e.target)) todo.push(e.target);
  }
  return seen;
}

function reachFindings(g: Graph): Finding[] {
  const out: Finding[] = [];
  const seen = reachable(g);
  const startOk = g.byId.has(g.flow.start);
  for (const n of g.byId.values()) {
    // With no start every step is unreachable; the start-missing error already says so.
    if (startOk && !seen.has(n.id)) out.push({ code: 'unreachable', severity: 'warning', node: n.id, message: `No call can reach ${nodeName(n, g.kind(n))}; connect it to the flow or delete it.` });
    const wanted = safe(() => g.kind(n).reachablePorts?.(n.data as never) ?? [], [] as string[]);
    for (const port of wanted) {
      if (!g.wiring.taken(n.id, port)) out.push({ code: 'unwired-port', severity: 'warning', node: n.id, port, message: `${sentence(nodeName(n, g.kind(n)))} has no path ${portPhrase(g.kind(n), port)}.` });
    }
  }
  return out;
}

function loopFindings(g: Graph): Finding[] {
  // TeXML is the strict mode of a call: say/play do not wait there, so a loop of them would spin. An SMS flow waits only in waitForReply.
  const mode = lintModeOf(g.flow);
  const idle = [...g.byId.values()].filter((n) => !safe(() => g.kind(n).waits(n.data as never, mode), true));
  const idleIds = new Set(idle.map((n) => n.id));
  const next = (id: string) => g.wiring.out(id).filter((e) => idleIds.has(e.target)).map((e) => e.target);
  return cycles(idle.map((n) => n.id), next).map((ids) => {
    const first = g.byId.get(ids[0]!)!;
    const via = ids.slice(1).map((id) => `"${nodeLabel(g.byId.get(id)!)}"`);
    const how = via.length ? `leads back to itself through ${via.join(', ')}` : 'leads straight back to itself';
    return { code: 'endless-loop', severity: 'error', node: first.id, nodes: ids, message: `${sentence(nodeName(first, g.kind(first)))} ${how} and nothing on the way waits for the caller: this loop would repeat forever without waiting for the caller.` };
  });
}

function kindFindings(g: Graph): Finding[] {
  const out: Finding[] = [];
  // Who sets each variable (the kinds' `sets`), for a kind that warns about overwriting another step's.
  const setters = new Map<string, FlowNode[]>();
  for (const n of g.byId.values()) for (const v of safe(() => g.kind(n).sets(n.data as never), [] as string[])) setters.set(v, [...(setters.get(v) ?? []), n]);
  for (const n of g.byId.values()) {
    const lint = g.kind(n).lint;
    if (!lint) continue;
    const setElsewhere = (name: string) => { const o = setters.get(name)?.find((m) => m !== n); return o ? nodeName(o, g.kind(o)) : undefined; };
    const found = safe(() => lint(n.data as never, { timezone: g.flow.timezone, setElsewhere }), [{ code: 'lint-failed', severity: 'warning' as const, message: `We could not fully check ${nodeName(n, g.kind(n))}; review its settings.` }]);
    const at = g.flow.nodes.indexOf(n);
    for (const f of found) out.push({ code: f.code, severity: f.severity, node: n.id, ...(f.path ? { path: ['nodes', at, 'data', ...f.path] } : {}), message: f.message });
  }
  return out;
}

/** Checks a kind makes of the whole flow (NodeKind.flowLint), once per kind the flow uses. */
function flowKindFindings(g: Graph, lookup: KindLookup, company: CompanyFacts): Finding[] {
  const out: Finding[] = [];
  for (const type of new Set(g.flow.nodes.map((n) => n.type))) {
    const kind = lookup(type);
    if (!kind?.flowLint) continue;
    const found = safe(() => kind.flowLint!({ flow: g.flow, wiring: g.wiring, kindOf: lookup, flows: company.flows }), []);
    for (const f of found) {
      const at = f.node === undefined ? -1 : g.flow.nodes.findIndex((n) => n.id === f.node);
      out.push({ code: f.code, severity: f.severity, ...(f.node ? { node: f.node } : {}), ...(f.path && at >= 0 ? { path: ['nodes', at, 'data', ...f.path] } : {}), message: f.message });
    }
  }
  return out;
}

/**
 * What lint knows about the flow's company, when the caller has it (engine/lint.ts LintContext): its numbers, and
 * its other flows by id (published or not, the ports their `return` steps name, the flows they run as subflows).
 */
export interface CompanyFacts {
  numbers?: readonly string[];
  flows?: FlowLintContext['flows'];
  /** The ids of the company's shared schedules: a node following one that is not among them is an error (lint-schedules.ts). */
  schedules?: readonly string[];
}

/** Graph and per-kind findings for a flow that passed the schema; with the company's numbers, the ownership check too. */
export function graphFindings(flow: Flow, lookup: KindLookup = kindOf, company: CompanyFacts = {}): Finding[] {
  const wiring = graphOf<FlowNode, FlowEdge>(flow, lookup);
  const byId = wiring.byId;
  const kind = (n: FlowNode) => lookup(n.type) ?? NO_KIND;
  const g: Graph = { flow, kind, byId, wiring };
  const owned = company.numbers ? ownershipFindings(flow, kind, company.numbers) : [];
  const schedules = company.schedules ? scheduleFindings(flow, kind, company.schedules) : [];
  return [...nodesFindings(flow, byId), ...edgeFindings(flow, byId, kind), ...reachFindings(g), ...loopFindings(g), ...kindFindings(g), ...channelFindings(flow, byId.values(), kind), ...flowKindFindings(g, lookup, company), ...owned, ...schedules];
}
