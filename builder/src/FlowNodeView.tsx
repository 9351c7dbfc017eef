import { memo, useEffect, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { NODE_TYPES, kindOf } from '../../engine/nodes/index.js';
import { portsOf, type FlowNodeRF } from './graph.js';
import { summarize } from './summary.js';
import { TrafficBadge } from './TrafficOverlay.js';

/**
 * One component for every node kind: header (label + id), the key settings,
 * one labelled source handle per port. Memo'd: with 2,000 nodes only the
 * ones whose data or selection changed re-render.
 */
export const FlowNodeView = memo(function FlowNodeView({ id, type, data, selected }: NodeProps<FlowNodeRF>) {
  const kind = kindOf(type);
  const ports = portsOf(type, data);
  const portsKey = ports.join('|');
  const update = useUpdateNodeInternals();
  // Handles come and go with the data (menu keys, branch rules): tell React Flow when
  // they change. Not on mount: React Flow measures new nodes itself, and one forced
  // measure per node is quadratic on a 2,000-node flow.
  const seen = useRef(portsKey);
  useEffect(() => {
    if (seen.current === portsKey) return;
    seen.current = portsKey;
    update(id);
  }, [id, portsKey, update]);
  return (
    <div className={`cf-node cf-kind-${type}${selected ? ' is-selected' : ''}`} data-accent={kind?.accent} data-testid={`node-${id}`}>
      <Handle type="target" position={Position.Top} className="cf-in" />
      <TrafficBadge id={id} />
      <div className="cf-node-head">
        <span className="cf-node-kind">{kind?.label ?? type}</span>
        <span className="cf-node-id">{id}</span>
      </div>
      <div className="cf-node-body">
        {summarize(type, data).map((line, i) => <div key={i} className="cf-node-line">{line}</div>)}
      </div>
      {ports.length > 0 && (
        <div className="cf-ports">
          {ports.map((p) => (
            <div key={p} className="cf-port" data-port={p}>
              <span className="cf-port-label">{p}</span>
              <Handle type="source" position={Position.Bottom} id={p} className="cf-out" data-testid={`handle-${id}-${p}`} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
});

/** Card size, fixed in CSS (.cf-node) so handle positions are known before a node is drawn. */
export const NODE_W = 220, NODE_H = 100;
const HANDLE = 10;

/**
 * Size and handle positions of a node card, computed instead of measured:
 * React Flow then need not mount all 2,000 nodes of a big flow to measure
 * them (it draws only the visible ones and measures those when they appear).
 */
export function nodeGeometry(id: string, type: string, data: unknown): Pick<FlowNodeRF, 'width' | 'height' | 'handles'> {
  const ports = portsOf(type, data);
  const cell = (NODE_W - 2) / Math.max(ports.length, 1);
  return {
    width: NODE_W,
    height: NODE_H,
    handles: [
      { id: null, type: 'target', position: Position.Top, x: NODE_W / 2 - HANDLE / 2, y: -1, width: HANDLE, height: HANDLE },
      ...ports.map((p, i) => ({ id: p, type: 'source' as const, position: Position.Bottom, x: 1 + cell * (i + 0.5) - HANDLE / 2, y: NODE_H - 1 - HANDLE / 2, width: HANDLE, height: HANDLE })),
    ],
  };
}

/** Built once at module scope from the engine's registry, so new kinds appear by themselves. */
export const nodeTypes = Object.fromEntries(NODE_TYPES.map((t) => [t, FlowNodeView]));
