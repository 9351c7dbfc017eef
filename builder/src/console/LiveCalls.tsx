import { href } from './route.js';
import { usePolled } from './use-poll.js';
import { duration, type CallRow } from './history-merge.js';

/** The calls in progress, polled every 2 s (GET /api/calls/live with its ETag), each linked to its timeline. */
export function LiveCalls() {
  const live = usePolled<{ calls: CallRow[] }>('/api/calls/live', 2000, true);
  const calls = live.data?.calls ?? [];
  return (
    <section className="live-calls" aria-labelledby="live-calls-h">
      <h2 id="live-calls-h">Live now {live.data && <span className={`badge ${calls.length ? 'live' : ''}`} data-testid="live-count">{calls.length}</span>}</h2>
      {live.error && <div className="error" role="alert">Could not load live calls: {live.error} <button onClick={() => void live.reload()}>Retry</button></div>}
      {!live.data && !live.error ? <div className="loading"><span className="spinner" /> Loading live calls…</div> : calls.length === 0 ? (
        <div className="empty small">No calls in progress. New calls show up here as they start.</div>
      ) : (
        <ul className="live-list" aria-live="polite">
          {calls.map((c) => (
            <li key={c.callId} data-live-call={c.callId}>
              <a href={href('calls', c.callId)}><span className="live-dot" aria-hidden="true" />{c.from ?? 'unknown'} → {c.to ?? 'unknown'}</a>
              <span className="muted">{c.direction}, {duration(c, Date.now())}{typeof c.node === 'string' ? `, in ${c.node}` : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
