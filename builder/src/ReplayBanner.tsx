import { useEffect, useRef, useState } from 'react';
import type { Flow } from '../../engine/schema.js';
import { api } from './api.js';
import { href, parseRoute } from './console/route.js';
import { replayScript, type CallScript, type Replayed } from './replay.js';

/** What a `?replay=<callId>` in the editor's hash asked for and got. */
export type ReplayState = { callId: null } | { callId: string; error?: string; script?: CallScript; result?: Replayed };

/**
 * `#/flows/<id>?replay=<callId>`: fetches the call's recorded script (GET /api/calls/:id/script) and, once the
 * flow parses, replays it in the simulator once (later edits do not replay it again: Restart does a fresh call).
 */
export function useReplay(flow: Flow | null): ReplayState {
  const [callId] = useState(() => parseRoute(location.hash).query.get('replay'));
  const [script, setScript] = useState<CallScript | null>(null);
  const [error, setError] = useState('');
  const [result, setResult] = useState<Replayed | undefined>();
  const done = useRef(false);
  useEffect(() => {
    if (!callId) return;
    api<CallScript>('GET', `/api/calls/${encodeURIComponent(callId)}/script`).then(setScript, (e) => setError((e as Error).message));
  }, [callId]);
  useEffect(() => {
    if (!script || !flow || done.current) return;
    done.current = true;
    try { setResult(replayScript(flow, script)); } catch (e) { setError(`The engine failed: ${(e as Error).message}`); }
  }, [script, flow]);
  if (!callId) return { callId: null };
  return { callId, ...(error ? { error } : {}), ...(script ? { script } : {}), ...(result ? { result } : {}) };
}

/** Says which call was replayed and whether the replay reached the recorded call's end. */
export function ReplayBanner({ state }: { state: ReplayState }) {
  if (!state.callId) return null;
  const back = <a href={href('calls', state.callId)}>the call’s timeline</a>;
  if (state.error) return <div className="error" role="alert">Could not replay call {state.callId}: {state.error} ({back})</div>;
  if (!state.result) return <div className="banner" role="status">Replaying call {state.callId}…</div>;
  const r = state.result, rec = state.script!.recorded.end;
  return (
    <div className={`banner ${r.sameEnd ? 'ok' : 'warn'}`} role="status" data-testid="replay-result">
      Replayed call {state.callId} ({r.mode === 'texml' ? 'TeXML' : 'Call Control'}, {state.script!.steps.length} recorded events{r.skipped ? `, ${r.skipped} stale skipped` : ''}):{' '}
      {r.sameEnd ? `same end as the recorded call (${rec ?? 'still live'})` : `the recorded call ended ${rec ?? '(not yet)'}, this draft ends ${r.end ?? '(still waiting)'}`}
      {r.sameEnd && !r.samePath ? ', by another path' : ''}. Back to {back}.
    </div>
  );
}
