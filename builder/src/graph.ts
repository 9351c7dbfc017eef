import { applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import type { FlowInput } from '../../engine/schema.js';
import { kindOf } from '../../engine/nodes/index.js';
import { kindsHeader, migrateFlow } from '../../engine/migrate.js';

/** The flow header: everything in a `callflow/1` file except nodes and edges. */
export type Header = Omit<FlowInput, 'nodes' | 'edges'>;
/** Node data as React Flow holds it: exactly the flow file's `data`. */
export type NodeData = Record<string, unknown>;
export type FlowNodeRF = Node<NodeData>;

/** What the editor edits: the header plus React Flow's own nodes and edges. */
export interface Doc { header: Header; nodes: FlowNodeRF[]; edges: Edge[] }

/**
 * A flow as the editor opens it: node data saved at an older kind version brought up to today's (engine/migrate.ts),
 * so the editor shows and saves it at the current version. Throws an Error saying where and why when it cannot be
 * (a kind version from a newer Callflow, a failed migration).
 */
export function upgradeFlow(flow: unknown): FlowInput {
  const { doc, issues } = migrateFlow(flow);
  const first = issues[0];
  if (first) throw new Error(`${first.path.join('.')}: ${first.message}.`);
  return doc as FlowInput;
}

/** A flow file → the editor's document (upgraded: {@link upgradeFlow}; no translation beyond React Flow's types). */
export function fromFlow(flow: FlowInput): Doc {
  const { nodes, edges, ...header } = upgradeFlow(flow);
  return {
    header,
    nodes: nodes.map((n) => ({ id: n.id, type: n.type, position: { ...n.position }, data: (n.data ?? {}) as NodeData })),
    edges: edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target })),
  };
}

/**
 * The editor's document → a flow file. Strips React Flow's runtime fields
 * (measured, selected, dragging, ...) so the saved file diffs well in git.
 */
export function toFlow(doc: Doc): FlowInput {
  // The kind versions this data is at, recomputed from the nodes (a node of a newer kind may have been dropped in).
  const { kinds: _old, ...header } = doc.header;
  const kinds = kindsHeader(doc.nodes.map((n) => n.type ?? ''));
  return {
    ...header,
    ...(kinds ? { kinds } : {}),
    nodes: doc.nodes.map((n) => ({ id: n.id, type: n.type as never, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) }, data: n.data as never })),
    edges: doc.edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle ?? '', target: e.target })),
  } as FlowInput;
}

/** A new, empty flow with a valid header. */
export function emptyFlow(id: string, name: string, timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'): FlowInput {
  // `start` must name a step; the first step dropped on the canvas takes it over.
  return { format: 'callflow/1', id, name, timezone, start: 'start', nodes: [], edges: [] };
}

/** Turns a name into a flow id slug (`Main line` → `main-line`). */
export function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'flow';
}

/** A readable id not yet used: `menu`, `menu-2`, `menu-3`, ... */
export function freshId(base: string, taken: Set<string>): string {
  const stem = base.replace(/[^A-Za-z0-9_-]/g, '') || 'node';
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/** Adds a node of `type` at `position` with the kind's example data; the first node becomes the start. */
export function addNode(doc: Doc, type: string, position: { x: number; y: number }): Doc {
  const kind = kindOf(type);
  const id = freshId(type, new Set(doc.nodes.map((n) => n.id)));
  const node: FlowNodeRF = { id, type, position, data: structuredClone((kind?.example ?? {}) as NodeData), selected: true };
  const header = doc.header.start && doc.nodes.some((n) => n.id === doc.header.start) ? doc.header : { ...doc.header, start: id };
  return { header, nodes: [...doc.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges: doc.edges };
}

/** Connects `source.port → target`; a port leads to one place, so an older edge from it is replaced. */
export function connect(doc: Doc, source: string, port: string, target: string): Doc {
  if (source === target && !port) return doc;
  const id = `${source}-${port}`;
  return { ...doc, edges: [...doc.edges.filter((e) => !(e.source === source && e.sourceHandle === port)), { id, source, sourceHandle: port, target }] };
}

/** Applies React Flow's change lists (move, select, remove, ...) as a pure reducer. */
export function applyChanges(doc: Doc, nodeChanges: NodeChange<FlowNodeRF>[], edgeChanges: EdgeChange[]): Doc {
  let nodes = nodeChanges.length ? applyNodeChanges(nodeChanges, doc.nodes) : doc.nodes;
  let edges = edgeChanges.length ? applyEdgeChanges(edgeChanges, doc.edges) : doc.edges;
  if (nodes.length !== doc.nodes.length) {
    // Removing a node removes its edges too, so the file never holds dangling ones.
    const ids = new Set(nodes.map((n) => n.id));
    edges = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  }
  return { ...doc, nodes, edges };
}

/** Replaces one node's data. */
export function setNodeData(doc: Doc, id: string, data: NodeData): Doc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, data } : n)) };
}

/**
 * Renames a node: edges and the start follow. Returns the doc unchanged
 * when the new id is taken or empty.
 */
export function renameNode(doc: Doc, from: string, to: string): Doc {
  if (!to || from === to || doc.nodes.some((n) => n.id === to)) return doc;
  const fix = (x: string) => (x === from ? to : x);
  return {
    // Import notes (engine/import-notes.ts) follow their step to its new id.
    header: { ...doc.header, start: fix(doc.header.start), ...(doc.header.import ? { import: { ...doc.header.import, notes: (doc.header.import.notes ?? []).map((x) => ({ ...x, node: fix(x.node) })) } } : {}) },
    nodes: doc.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: doc.edges.map((e) => (e.source === from || e.target === from ? { ...e, id: e.source === from ? `${to}-${e.sourceHandle}` : e.id, source: fix(e.source), target: fix(e.target) } : e)),
  };
}

/** Drops edges whose port no longer exists (a menu option was removed, ...). */
export function pruneEdges(doc: Doc): Doc {
  const ports = new Map(doc.nodes.map((n) => [n.id, portsOf(n.type ?? '', n.data)]));
  const edges = doc.edges.filter((e) => ports.get(e.source)?.includes(e.sourceHandle ?? '') ?? false);
  return edges.length === doc.edges.length ? doc : { ...doc, edges };
}

/** A kind's ports for some data; [] when the data is too broken to say. */
export function portsOf(type: string, data: unknown): string[] {
  const kind = kindOf(type);
  if (!kind) return [];
  try { return kind.ports(data as never) ?? []; } catch { return []; }
}

/** The selection, for copy: nodes plus the edges between them. */
export function copySelection(doc: Doc): { nodes: FlowNodeRF[]; edges: Edge[] } {
  const nodes = doc.nodes.filter((n) => n.selected);
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

/** Pastes copied nodes with fresh ids, offset, selected; edges between them are kept. */
export function paste(doc: Doc, clip: { nodes: FlowNodeRF[]; edges: Edge[] }, offset = 40): Doc {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const map = new Map<string, string>();
  for (const n of clip.nodes) { const id = freshId(n.id.replace(/-\d+$/, ''), taken); taken.add(id); map.set(n.id, id); }
  const nodes = clip.nodes.map((n) => ({ id: map.get(n.id)!, type: n.type, data: structuredClone(n.data), position: { x: n.position.x + offset, y: n.position.y + offset }, selected: true }));
  const edges = clip.edges.map((e) => ({ id: `${map.get(e.source)}-${e.sourceHandle}`, source: map.get(e.source)!, sourceHandle: e.sourceHandle, target: map.get(e.target)! }));
  return { ...doc, nodes: [...doc.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes], edges: [...doc.edges, ...edges] };
}
