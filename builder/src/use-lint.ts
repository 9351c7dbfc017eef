import { useEffect, useMemo, useState } from 'react';
import { lintFlow, type Finding } from '../../engine/lint.js';
import { toFlow, type Doc } from './graph.js';

/** A finding with the node it concerns resolved (from `node` or a `['nodes', i, …]` path). */
export type NodeFinding = Finding & { nodeId?: string };

/** Lints the document a moment after it stops changing (lint of 2,000 nodes should not run per keystroke). */
export function useLint(doc: Doc, delay = 250): NodeFinding[] {
  const [findings, setFindings] = useState<NodeFinding[]>([]);
  const { header, nodes, edges } = doc;
  // Positions and selection do not change findings; data, ids and edges do.
  const key = useMemo(() => nodesKey(nodes), [nodes]);
  useEffect(() => {
    const t = setTimeout(() => {
      try {
        const flow = toFlow({ header, nodes, edges });
        setFindings(lintFlow(flow).map((f) => ({ ...f, nodeId: f.node ?? (f.path?.[0] === 'nodes' && typeof f.path[1] === 'number' ? flow.nodes[f.path[1]]?.id : undefined) })));
      } catch (e) {
        setFindings([{ code: 'lint-crashed', severity: 'error', message: `The linter failed: ${(e as Error).message}` }]);
      }
    }, delay);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `nodes`
  }, [header, edges, key]);
  return findings;
}

function nodesKey(nodes: Doc['nodes']): string {
  // Data objects are replaced on every edit, so a reference id per data object is enough.
  return nodes.map((n) => `${n.id}:${refId(n.data)}`).join(',');
}

const ids = new WeakMap<object, number>();
let next = 0;
function refId(o: object): number {
  let v = ids.get(o);
  if (v === undefined) { v = ++next; ids.set(o, v); }
  return v;
}
