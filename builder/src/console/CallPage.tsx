import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { downloadJson, useConfirm, useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { href } from './route.js';
import { ResourceView } from './resource.js';
import { usePolled } from './use-poll.js';
import { duration, type CallRow } from './history-merge.js';
import { money, pathNodes, type Entry } from './timeline-view.js';
import { Timeline } from './Timeline.js';
import { OutcomeBadge } from './OutcomeBadge.js';

/** GET /api/calls/:id/timeline. */
interface TimelineData { call: CallRow & { version: number | null; hangupSource: string | null; amdResult: string | null; path?: string[] }; live: boolean; entries: Entry[]; totalMicros: number }

/**
 * `#/calls/<id>`: the debugger view of one call: what it is, the path it took (each node linked to the editor),
 * every webhook, step and answer in order, its recordings and costs. A live call is polled (1.5 s, ETag) and gains
 * entries as they happen; it can be hung up. Exports as a fixture; replays in the flow's simulator.
 */
export function CallPage({ id }: { id: string }) {
  const path = `/api/calls/${encodeURIComponent(id)}/timeline`;
  // Polled while the call is live; once an answer says it ended, it stays as it is.
  const [live, setLive] = useState(true);
  const state = usePolled<TimelineData>(path, 1500, live);
  useEffect(() => { if (state.data && !state.data.live) setLive(false); }, [state.data]);
  return (
    <div className="console-page call-page">
      <nav aria-label="Breadcrumb"><a href={href('calls')}>← Calls</a></nav>
      <ResourceView state={state} what="this call" empty="">
        {(d) => <CallView data={d} />}
      </ResourceView>
    </div>
  );
}

function CallView({ data }: { data: TimelineData }) {
  const { call, live, entries } = data;
  const toast = useToast();
  const [dialog, ask] = useConfirm();
  const noEdit = needs(useMe(), 'editor');
  const nodes = pathNodes(entries);
  const id = encodeURIComponent(call.callId);
  async function hangUp() {
    if (!(await ask(`Hang up the call from ${call.from ?? 'unknown'} to ${call.to ?? 'unknown'} now? The caller is cut off.`, 'Hang up'))) return;
    try { await api('POST', `/api/calls/${id}/hangup`); toast('info', 'Hanging up…'); }
    catch (e) { toast('error', `Could not hang up: ${(e as Error).message}`); }
  }
  async function exportFixture() {
    try { downloadJson(`call-${call.callId.replace(/[^A-Za-z0-9_-]/g, '_')}.fixture.json`, await api('GET', `/api/calls/${id}/fixture`)); }
    catch (e) { toast('error', `Could not export: ${(e as Error).message}`); }
  }
  return (
    <>
      <div className="row wrap call-head">
        <h1 className="grow">Call from {call.from ?? 'unknown'} to {call.to ?? 'unknown'}</h1>
        {live ? <span className="badge live" role="status" data-testid="call-live">● live{typeof call.node === 'string' ? ` in ${call.node}` : ''}</span> : <OutcomeBadge o={call.outcome} />}
      </div>
      <dl className="call-facts">
        <dt>Started</dt><dd>{new Date(call.startedAt).toLocaleString()}</dd>
        <dt>Duration</dt><dd>{duration(call, Date.now())}{live ? ' so far' : ''}</dd>
        <dt>Direction</dt><dd>{call.direction}{call.mode ? `, ${call.mode === 'texml' ? 'TeXML' : 'Call Control'}` : ''}</dd>
        <dt>Ended</dt><dd>{call.endedAt ? `${new Date(call.endedAt).toLocaleTimeString()}${call.hangupCause ? ` (${call.hangupCause}${call.hangupSource ? `, by ${call.hangupSource}` : ''})` : ''}` : '—'}</dd>
        <dt>Flow</dt><dd>{call.flowId ? <a href={href('flows', call.flowId)}>{call.flowId}</a> : 'none'}{call.version ? ` v${call.version}` : ''}</dd>
        <dt>Cost</dt><dd data-testid="call-cost">{money(data.totalMicros)}</dd>
      </dl>
      <div className="row wrap call-actions">
        <button onClick={() => void exportFixture()}>Export as fixture</button>
        {call.flowId ? <a className="button" href={href('flows', call.flowId, { replay: call.callId })}>Replay in the simulator</a> : null}
        {live && <button className="danger" onClick={() => void hangUp()} disabled={!!noEdit} title={noEdit || undefined}>Hang up…</button>}
      </div>
      <section aria-labelledby="call-path-h">
        <h2 id="call-path-h">Path</h2>
        {nodes.length === 0 ? <div className="empty small">This call entered no node of a flow.</div> : (
          <ol className="call-path" data-testid="call-path">
            {nodes.map((n, i) => <li key={i}>{call.flowId ? <a href={href('flows', call.flowId, { node: n })}>{n}</a> : n}</li>)}
          </ol>
        )}
      </section>
      <section aria-labelledby="call-timeline-h">
        <h2 id="call-timeline-h">Timeline {live && <span className="muted small-note">(updates as the call goes on)</span>}</h2>
        <Timeline entries={entries} />
      </section>
      {dialog}
    </>
  );
}
