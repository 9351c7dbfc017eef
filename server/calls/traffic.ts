/**
 * Per-node traffic of a flow, added up from the paths its calls took (the call log's `path`, written by
 * runner.ts `pathEntry`: `>node` entered, `node.port` left by, `end:reason@node`). Pure: the route reads the
 * rows, this counts them, so the counting is tested without a server.
 */
import type { CallPathRow } from '../store/types.js';

/** What the counting reads of a call. */
export type PathRow = Pick<CallPathRow, 'version' | 'path' | 'ended'>;

/** What happened at one node over the period. */
export interface NodeTraffic {
  /** Distinct calls that reached the node (the heat). */
  calls: number;
  /** Times it was entered (a menu a caller came back to counts each time). */
  entered: number;
  /** Times each output port was taken. */
  ports: Record<string, number>;
  /** Calls that ended while in this node, for whatever reason (a hangup node's own end included). */
  ended: number;
  /** Of those, calls the caller left here (hung up before the flow ended them): the drop-off. */
  hungUp: number;
}

/** A flow's traffic: totals, the calls per version, and each node's {@link NodeTraffic}. */
export interface FlowTraffic {
  calls: number;
  ended: number;
  versions: Record<string, number>;
  nodes: Record<string, NodeTraffic>;
}

export const emptyTraffic = (): FlowTraffic => ({ calls: 0, ended: 0, versions: {}, nodes: {} });
const emptyNode = (): NodeTraffic => ({ calls: 0, entered: 0, ports: {}, ended: 0, hungUp: 0 });

/** One path line read back: an entry, a port taken, or the end (its node when the engine named one). */
type Line = { kind: 'enter'; node: string } | { kind: 'port'; node: string; port: string } | { kind: 'end'; reason: string; node?: string };

function parseLine(l: string): Line | undefined {
  if (l.startsWith('>')) return { kind: 'enter', node: l.slice(1) };
  if (l.startsWith('end:')) {
    const [reason, node] = l.slice(4).split('@') as [string, string | undefined];
    return { kind: 'end', reason, ...(node ? { node } : {}) };
  }
  // Node ids have no dots (engine/schema.ts nodeIdSchema); a port may (it is the rest).
  const dot = l.indexOf('.');
  return dot > 0 ? { kind: 'port', node: l.slice(0, dot), port: l.slice(dot + 1) } : undefined;
}

/** Adds one call's path to `t` (mutates it). */
function addCall(t: FlowTraffic, row: PathRow): void {
  const node = (id: string) => (t.nodes[id] ??= emptyNode());
  const reached = new Set<string>();
  let last: string | undefined;
  let end: { reason: string; node?: string } | undefined;
  for (const raw of row.path) {
    const l = parseLine(raw);
    if (!l) continue;
    if (l.kind === 'enter') { node(l.node).entered++; reached.add(l.node); last = l.node; }
    else if (l.kind === 'port') { const p = node(l.node).ports; p[l.port] = (p[l.port] ?? 0) + 1; }
    else end ??= l;
  }
  for (const id of reached) node(id).calls++;
  t.calls++;
  const v = String(row.version ?? 'unknown');
  t.versions[v] = (t.versions[v] ?? 0) + 1;
  if (!row.ended && !end) return; // still in progress: not a drop-off anywhere yet
  t.ended++;
  const at = end?.node ?? last;
  if (!at) return;
  node(at).ended++;
  // The caller hung up, or the call stopped with no end the engine chose (the network dropped it mid-node).
  if (!end || end.reason === 'caller-hangup') node(at).hungUp++;
}

/**
 * Adds up call paths into a {@link FlowTraffic}. Calls of different versions add up per node id, so the overlay
 * draws one number per node of the flow being edited (a node removed since has counts nobody draws).
 */
export function aggregateTraffic(rows: Iterable<PathRow>): FlowTraffic {
  return addCalls(emptyTraffic(), rows);
}

/** Adds more calls to a running total `t` (mutated and returned): for reading the calls page by page. */
export function addCalls(t: FlowTraffic, rows: Iterable<PathRow>): FlowTraffic {
  for (const r of rows) addCall(t, r);
  return t;
}
