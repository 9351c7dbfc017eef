/**
 * How a call moves through a flow's wiring: the one place that says which
 * edge leaving a node by a port is followed. The compiler, lint, the cost
 * estimate (server/billing) and the builder's simulator all ask here.
 *
 * The rules:
 * - first edge: of the edges leaving a node by one port, a call follows the
 *   first (in file order) whose target exists; later ones are ignored (lint
 *   reports them as `duplicate-port`);
 * - fallbacks: an unwired port may fall back to another port of its kind
 *   (businessHours `holiday` → `closed`), followed as if it were that port;
 * - ports: only the ports the node's kind has for its data are followed
 *   (`out`); an edge from any other port is never taken.
 */
import { kindOf } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';

/** A node as the graph needs it (a flow file's node, or the builder's React Flow node). */
export interface GraphNode { id: string; type?: string; data?: unknown }
/** An edge as the graph needs it; a missing `sourceHandle` is the empty port. */
export interface GraphEdge { source: string; sourceHandle?: string | null; target: string }

/** Finds the kind of a node type (the registry by default; tests may pass their own). */
export type KindLookup = (type: string) => NodeKind | undefined;

/** Fallback chains longer than this are cut (a kind's fallbacks that loop must not hang lint). */
const MAX_FALLBACKS = 10;

/** A flow's wiring, indexed once. */
export interface FlowGraph<N extends GraphNode = GraphNode, E extends GraphEdge = GraphEdge> {
  /** The first node with each id (later duplicates are lint's to report). */
  readonly byId: ReadonlyMap<string, N>;
  /** The edge a call follows leaving `id` by `port` itself (first-edge rule, no fallbacks). */
  edge(id: string, port: string): E | undefined;
  /** The edge a call takes leaving `id` by `port`: its own, else its fallback's (holiday → closed); undefined when unwired. */
  taken(id: string, port: string): E | undefined;
  /** Where leaving `id` by `port` goes (`taken(...)?.target`). */
  next(id: string, port: string): string | undefined;
  /** The edges a call can follow out of `id`, in file order: one per port of the node's kind, the first-edge rule applied. */
  out(id: string): readonly E[];
}

const keyOf = (id: string, port: string) => `${id}\u0000${port}`;

/** Calls a kind's function; a kind that throws on odd data must not take its caller down. */
function safePorts(kind: NodeKind | undefined, data: unknown): string[] {
  try { return kind?.ports(data as never) ?? []; } catch { return []; }
}

/** Indexes `flow`'s edges for {@link FlowGraph}; O(nodes + edges), ports computed only when `out` asks. */
export function graphOf<N extends GraphNode, E extends GraphEdge>(flow: { nodes: readonly N[]; edges: readonly E[] }, lookup: KindLookup = kindOf): FlowGraph<N, E> {
  const byId = new Map<string, N>();
  for (const n of flow.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  const first = new Map<string, E>();
  // Per source, the followed edge of each port, in file order.
  const bySource = new Map<string, E[]>();
  for (const e of flow.edges) {
    const key = keyOf(e.source, e.sourceHandle ?? '');
    if (!byId.has(e.target) || first.has(key)) continue;
    first.set(key, e);
    const list = bySource.get(e.source);
    if (list) list.push(e); else bySource.set(e.source, [e]);
  }
  const outs = new Map<string, readonly E[]>();
  const kind = (id: string) => { const t = byId.get(id)?.type; return t === undefined ? undefined : lookup(t); };
  const edge = (id: string, port: string) => first.get(keyOf(id, port));
  const taken = (id: string, port: string): E | undefined => {
    const fallbacks = kind(id)?.fallbacks;
    for (let p: string | undefined = port, hops = 0; p !== undefined && hops <= MAX_FALLBACKS; hops++) {
      const e = edge(id, p);
      if (e) return e;
      const fb: string | undefined = fallbacks?.[p];
      p = fb !== p ? fb : undefined;
    }
    return undefined;
  };
  const out = (id: string): readonly E[] => {
    let list = outs.get(id);
    if (!list) {
      const node = byId.get(id);
      const candidates = bySource.get(id) ?? [];
      const ports = new Set(node && candidates.length ? safePorts(kind(id), node.data) : []);
      list = candidates.filter((e) => ports.has(e.sourceHandle ?? ''));
      outs.set(id, list);
    }
    return list;
  };
  return { byId, edge, taken, next: (id, port) => taken(id, port)?.target, out };
}
