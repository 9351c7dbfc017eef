import { useState } from 'react';
import type { FlowSummary } from '../api.js';
import { Loading } from '../ui.js';
import { formatMicros } from './money.js';
import { useResource } from './resource.js';

interface PathEstimate { nodes: string[]; ports: string[]; seconds: number; outboundSeconds: number; micros: number; truncated?: boolean }
interface Estimate { flowId: string; assumptions: Record<string, number>; paths: PathEstimate[] }

/** Pick a flow and see what one call costs along each of its paths (GET /api/usage/estimate/:flowId), dearest first. */
export function FlowEstimate() {
  const flows = useResource<{ flows: FlowSummary[] }>('/api/flows');
  const [flowId, setFlowId] = useState('');
  const est = useResource<Estimate>(flowId ? `/api/usage/estimate/${encodeURIComponent(flowId)}` : null);
  const paths = est.data && est.data.flowId === flowId ? [...est.data.paths].sort((a, b) => b.micros - a.micros) : null;

  return (
    <section aria-labelledby="estimate-h">
      <h2 id="estimate-h">Estimated cost per call</h2>
      {flows.error ? <div className="error" role="alert">Could not load the flows: {flows.error} <button onClick={() => void flows.reload()}>Retry</button></div> : (
        <div className="row"><label htmlFor="estimate-flow">Flow to estimate</label>
          <select id="estimate-flow" value={flowId} onChange={(e) => setFlowId(e.target.value)} disabled={!flows.data}>
            <option value="">{flows.data ? (flows.data.flows.length ? 'Pick a flow…' : 'No flows yet') : 'Loading flows…'}</option>
            {flows.data?.flows.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
          </select>
        </div>
      )}
      {!flowId ? null : est.error ? <div className="error" role="alert">Could not estimate: {est.error} <button onClick={() => void est.reload()}>Retry</button></div>
        : !paths ? <Loading what="the estimate" /> : (
          <>
            <table className="table compact" aria-label="Cost per path">
              <thead><tr><th scope="col">Path</th><th scope="col" className="num">Seconds</th><th scope="col" className="num">Cost</th></tr></thead>
              <tbody>
                {paths.map((p) => (
                  <tr key={p.nodes.join('>') + p.ports.join('>')} data-path={p.nodes.join('>')}>
                    <td>{p.nodes.map((n, i) => <span key={i}>{i > 0 && <span className="muted"> —{p.ports[i - 1]}→ </span>}<code>{n}</code></span>)}{p.truncated && <span className="muted"> (loops back)</span>}</td>
                    <td className="num">{p.seconds}{p.outboundSeconds ? ` (+${p.outboundSeconds} out)` : ''}</td>
                    <td className="num">{formatMicros(p.micros)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">Durations are assumptions where the flow cannot say (seconds): {Object.entries(est.data!.assumptions).map(([k, v]) => `${k} ${v}`).join(', ')}.</p>
          </>
        )}
    </section>
  );
}
