import { useMemo } from 'react';
import { Background, Controls, ReactFlow, ReactFlowProvider, type Edge } from '@xyflow/react';
import type { FlowInput } from '../../engine/schema.js';
import { diffFlows } from './diff.js';
import { nodeTypes } from './FlowNodeView.js';
import type { FlowNodeRF } from './graph.js';

/** A read-only canvas of two versions merged: added, removed and changed nodes highlighted. */
export function DiffView({ older, newer, title, onClose }: { older: FlowInput; newer: FlowInput; title: string; onClose: () => void }) {
  const d = useMemo(() => diffFlows(older, newer), [older, newer]);
  const { nodes, edges } = useMemo(() => {
    const nodes: FlowNodeRF[] = [
      ...newer.nodes.map((n) => ({ id: n.id, type: n.type, position: n.position, data: n.data as Record<string, unknown>, className: `diff-${d.nodes.get(n.id)}` })),
      ...older.nodes.filter((n) => d.nodes.get(n.id) === 'removed').map((n) => ({ id: n.id, type: n.type, position: n.position, data: n.data as Record<string, unknown>, className: 'diff-removed' })),
    ];
    const added = new Set(d.addedEdges);
    const edges: Edge[] = [
      ...newer.edges.map((e) => ({ id: `n-${e.id}`, source: e.source, sourceHandle: e.sourceHandle, target: e.target, className: added.has(e.id) ? 'diff-edge-added' : '' })),
      ...older.edges.filter((e) => d.removedEdges.includes(e.id)).map((e) => ({ id: `o-${e.id}`, source: e.source, sourceHandle: e.sourceHandle, target: e.target, className: 'diff-edge-removed' })),
    ];
    return { nodes, edges };
  }, [older, newer, d]);
  const count = (k: string) => [...d.nodes.values()].filter((x) => x === k).length;
  return (
    <div className="modal-back">
      <div className="modal wide" role="dialog" aria-label={`Differences ${title}`} data-testid="diff-view">
        <div className="row">
          <strong className="grow">Differences {title}</strong>
          <span className="badge diff-added">{count('added')} added</span>
          <span className="badge diff-removed">{count('removed')} removed</span>
          <span className="badge diff-changed">{count('changed')} changed</span>
          {d.header.length > 0 && <span className="badge">settings: {d.header.join(', ')}</span>}
          <button onClick={onClose}>Close</button>
        </div>
        <div className="diff-canvas">
          <ReactFlowProvider>
            <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView nodesDraggable={false} nodesConnectable={false} elementsSelectable={false} proOptions={{ hideAttribution: true }}>
              <Background /><Controls showInteractive={false} />
            </ReactFlow>
          </ReactFlowProvider>
        </div>
      </div>
    </div>
  );
}
