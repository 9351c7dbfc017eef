import type { FlowInput } from '../../engine/schema.js';

/** How one node differs between two versions. */
export type NodeDiff = 'added' | 'removed' | 'changed' | 'same';

export interface FlowDiff {
  nodes: Map<string, NodeDiff>;
  /** Edge ids only in the newer version / only in the older one. */
  addedEdges: string[];
  removedEdges: string[];
  /** Header fields that changed (name, start, timezone, ...). */
  header: string[];
}

const canon = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
const edgeKey = (e: FlowInput['edges'][number]) => `${e.source}:${e.sourceHandle}>${e.target}`;

/**
 * Semantic diff of two versions: a node is changed when its type or data
 * differ (moving it is not a change), or when its outgoing wiring differs.
 */
export function diffFlows(older: FlowInput, newer: FlowInput): FlowDiff {
  const a = new Map(older.nodes.map((n) => [n.id, n]));
  const b = new Map(newer.nodes.map((n) => [n.id, n]));
  const outs = (f: FlowInput, id: string) => f.edges.filter((e) => e.source === id).map(edgeKey).sort().join('|');
  const nodes = new Map<string, NodeDiff>();
  for (const [id, n] of b) {
    const o = a.get(id);
    nodes.set(id, !o ? 'added' : o.type !== n.type || canon(o.data) !== canon(n.data) || outs(older, id) !== outs(newer, id) ? 'changed' : 'same');
  }
  for (const id of a.keys()) if (!b.has(id)) nodes.set(id, 'removed');
  const ea = new Set(older.edges.map(edgeKey)), eb = new Set(newer.edges.map(edgeKey));
  const header = (['name', 'start', 'timezone', 'description'] as const).filter((k) => older[k] !== newer[k]);
  return {
    nodes,
    addedEdges: newer.edges.filter((e) => !ea.has(edgeKey(e))).map((e) => e.id),
    removedEdges: older.edges.filter((e) => !eb.has(edgeKey(e))).map((e) => e.id),
    header,
  };
}
