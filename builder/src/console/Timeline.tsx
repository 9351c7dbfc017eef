import { useEffect, useState } from 'react';
import { apiBlob } from '../api.js';
import { entryText, KIND_LABEL, offsetText, readableBody, type Entry } from './timeline-view.js';

const KINDS = Object.keys(KIND_LABEL) as Entry['kind'][];

/** A kept recording: fetched with the key (an `<audio src>` cannot send it), played from a blob URL. */
function Recording({ url, label }: { url: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let made: string | null = null;
    apiBlob(url, 'recording').then(({ blob }) => { made = URL.createObjectURL(blob); setSrc(made); }, (e) => setError((e as Error).message));
    return () => { if (made) URL.revokeObjectURL(made); };
  }, [url]);
  if (error) return <span className="field-error">Could not load the recording: {error}</span>;
  return src ? <audio controls src={src} aria-label={label} /> : <span className="muted">loading audio…</span>;
}

/** The call's timeline, oldest first: time offset, kind, what it says, the raw body on demand. Kinds can be hidden. */
export function Timeline({ entries }: { entries: Entry[] }) {
  const [hidden, setHidden] = useState<Set<Entry['kind']>>(new Set());
  if (entries.length === 0) return <div className="empty small">Nothing recorded for this call yet.</div>;
  const toggle = (k: Entry['kind']) => setHidden((h) => { const n = new Set(h); if (n.has(k)) n.delete(k); else n.add(k); return n; });
  return (
    <>
      <fieldset className="row wrap timeline-kinds">
        <legend>Show</legend>
        {KINDS.map((k) => (
          <label key={k} className="field check"><input type="checkbox" checked={!hidden.has(k)} onChange={() => toggle(k)} /> {KIND_LABEL[k]}</label>
        ))}
      </fieldset>
      <ol className="timeline" data-testid="timeline">
        {entries.filter((e) => !hidden.has(e.kind)).map((e, i) => (
          <li key={i} className={`tl tl-${e.kind}`} data-kind={e.kind}>
            <time dateTime={e.at} title={new Date(e.at).toLocaleString()}>{offsetText(e.offsetMs)}</time>
            <span className="tl-kind">{KIND_LABEL[e.kind]}</span>
            <div className="tl-body">
              <span className="tl-text">{entryText(e)}</span>
              {(e.kind === 'webhook' || e.kind === 'answer') && (
                <details><summary>{e.kind === 'webhook' ? `Body (${e.path})` : 'Body'}</summary><pre>{readableBody(e)}</pre></details>
              )}
              {e.kind === 'recording' && <Recording url={e.url} label={`Recording, ${e.seconds ?? '?'} seconds`} />}
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}
