import { memo, useEffect } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { NODE_TYPES, kindOf } from '../../engine/nodes/index.js';
import { portsOf, type FlowNodeRF } from './graph.js';
import { summarize } from './summary.js';

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
  // Handles come and go with the data (menu keys, branch rules): tell React Flow.
  useEffect(() => { update(id); }, [id, portsKey, update]);
  return (
    <div className={`cf-node cf-kind-${type}${selected ? ' is-selected' : ''}`} data-testid={`node-${id}`}>
      <Handle type="target" position={Position.Top} className="cf-in" />
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

/** Built once at module scope from the engine's registry, so new kinds appear by themselves. */
export const nodeTypes = Object.fromEntries(NODE_TYPES.map((t) => [t, FlowNodeView]));
