/**
 * Subflows inlined: a flow whose `subflow` steps have their flows embedded (the `subflows` header the server writes
 * at publish) becomes one flat flow, before it is compiled or read by the server. Pure; the same published version
 * always expands the same way, so the per-version caches hold.
 *
 *   parent:  greet ─next→ verify(subflow: flow "check", returns done/failed) ─done→ menu
 *                                                                          └failed→ bye
 *   child "check":  ask(collect) ─next→ ok(return done)   ask ─timeout→ no(return failed)
 *   inlined: greet ─next→ verify/ask ─next→ menu          verify/ask ─timeout→ bye
 *
 * - The child's steps are named `<subflow step>/<child step>` (a subflow inside it: `a/b/c`); edges into the
 *   subflow step go to the child's start step.
 * - A child `return` step is replaced by the parent's step on the subflow step's port of that name; a port the
 *   parent left unwired keeps the return step, which ends the call (as an unwired port does).
 * - A child `hangup` (or any way its call ends) ends the call.
 * - Variables are one set: the child reads the parent's `vars`, and what it sets is there after it returns.
 * - A subflow step whose flow is not embedded stays as it is (its kind apologises and ends the call).
 * Depth is bounded ({@link MAX_SUBFLOW_DEPTH}); the server refuses cycles at publish, and an embedded chain is
 * finite anyway (each level is an older published version).
 */
import { parseFlow, type Flow, type FlowEdge, type FlowNode } from './schema.js';

/** How deep subflows may nest; deeper ones stay unexpanded (they apologise). */
export const MAX_SUBFLOW_DEPTH = 5;

const hasSubflow = (f: Flow) => f.nodes.some((n) => n.type === 'subflow');

/** The flow with its embedded subflows inlined (the same object when there is nothing to inline). */
export function expandSubflows(flow: Flow, depth = 0): Flow {
  if (!flow.subflows || !hasSubflow(flow) || depth >= MAX_SUBFLOW_DEPTH) return flow;
  // Each subflow step's child, expanded in turn (its own embedded subflows come with its published document).
  const children = new Map<string, Flow>();
  for (const n of flow.nodes) {
    const id = n.type === 'subflow' ? (n.data as { flow: string }).flow : undefined;
    const embedded = id ? flow.subflows[id] : undefined;
    if (embedded) children.set(n.id, expandSubflows(parseFlow(embedded.flow), depth + 1));
  }
  if (!children.size) return flow;
  const edgeOut = new Map<string, string>();
  for (const e of flow.edges) { const k = `${e.source}\u0000${e.sourceHandle}`; if (!edgeOut.has(k)) edgeOut.set(k, e.target); }

  // Where a call goes when it would enter `id` of the parent: into a child's start, or out by a return (bounded hops).
  const entry = (id: string, hops = 0): string => {
    const child = children.get(id);
    return child && hops < 20 ? inner(id, child, child.start, hops + 1) : id;
  };
  // A step `cid` of the child run by subflow step `s`, as the parent sees it.
  const inner = (s: string, child: Flow, cid: string, hops: number): string => {
    const node = child.nodes.find((n) => n.id === cid);
    if (node?.type !== 'return') return `${s}/${cid}`;
    const back = edgeOut.get(`${s}\u0000${(node.data as { port: string }).port}`);
    return back !== undefined ? entry(back, hops) : `${s}/${cid}`;
  };

  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  for (const n of flow.nodes) {
    const child = children.get(n.id);
    if (!child) { nodes.push(n); continue; }
    for (const cn of child.nodes) {
      if (cn.type === 'return' && inner(n.id, child, cn.id, 0) !== `${n.id}/${cn.id}`) continue; // wired back: replaced
      nodes.push({ ...cn, id: `${n.id}/${cn.id}` });
    }
    for (const ce of child.edges) edges.push({ ...ce, id: `${n.id}/${ce.id}`, source: `${n.id}/${ce.source}`, target: inner(n.id, child, ce.target, 0) });
  }
  for (const e of flow.edges) if (!children.has(e.source)) edges.push({ ...e, target: entry(e.target) });
  const { subflows: _embedded, ...rest } = flow;
  return { ...rest, start: entry(flow.start), nodes, edges };
}
