import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { api, type FlowRecord } from './api.js';
import { Editor } from './Editor.js';
import { upgradeFlow } from './graph.js';
import { Loading } from './ui.js';

/** Where the flow comes from: the API (`id`) or a flow file at a URL (`url`, read-only; used by the bench). */
export type Source = { id: string } | { url: string };

/** Loads a flow, then mounts the editor (with clear loading and error states). */
export function EditorPage({ source }: { source: Source }) {
  const [rec, setRec] = useState<FlowRecord | null>(null);
  const [error, setError] = useState('');
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setError('');
    const p = 'id' in source
      ? api<FlowRecord>('GET', `/api/flows/${encodeURIComponent(source.id)}`)
      : fetch(source.url).then(async (r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const flow = await r.json();
        // Anything but a flow file (a JSON of another shape) would crash the editor: say what it is instead.
        if (flow?.format !== 'callflow/1' || !Array.isArray(flow.nodes)) throw new Error('This is not a callflow/1 flow file.');
        return { flow, revision: 0, publishedVersion: null };
      });
    // Opened at today's kind versions; one this builder cannot read (saved by a newer Callflow) says so here.
    p.then((r) => ({ ...r, flow: upgradeFlow(r.flow) })).then(setRec, (e) => setError(e.message));
  }, [attempt]);
  if (error) {
    return (
      <div className="gate"><div className="card">
        <h2>Could not open this flow</h2>
        <div className="error" role="alert">{error}</div>
        <div className="row"><a href="#/">← All flows</a><button onClick={() => setAttempt((a) => a + 1)}>Retry</button></div>
      </div></div>
    );
  }
  if (!rec) return <div className="gate"><Loading what="flow" /></div>;
  return <ReactFlowProvider><Editor record={rec} readOnly={!('id' in source)} /></ReactFlowProvider>;
}
