import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api.js';
import { Loading } from '../ui.js';

/** What {@link useResource} holds: the last good data, the last error, and whether a load is under way. */
export interface ResourceState<T> { data: T | null; error: string; loading: boolean; reload: () => Promise<void> }

/**
 * GETs `path` from the API when it changes (and on `reload()`); a slower, older answer never overwrites a newer one.
 * `path = null` waits (nothing is loaded). Keeps showing the previous data while reloading, so lists do not flash.
 */
export function useResource<T>(path: string | null): ResourceState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(path !== null);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    if (path === null) return;
    const n = ++seq.current;
    setLoading(true);
    try {
      const d = await api<T>('GET', path);
      if (n === seq.current) { setData(d); setError(''); }
    } catch (e) {
      if (n === seq.current) setError((e as Error).message);
    } finally { if (n === seq.current) setLoading(false); }
  }, [path]);
  useEffect(() => { void reload(); }, [reload]);
  return { data, error, loading, reload };
}

/**
 * Calls `fn` every `everyMs` while `on` and the tab is visible (a hidden tab polls nothing); the one timer every
 * console page that refreshes itself uses. `fn` should be stable (a useResource `reload`, a useCallback).
 */
export function useEvery(fn: () => unknown, everyMs: number, on = true): void {
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => { if (document.visibilityState === 'visible') void fn(); }, everyMs);
    return () => clearInterval(t);
  }, [fn, everyMs, on]);
}

/**
 * The three states every console page has, in one place: loading (first load only), an error with Retry,
 * and an empty state saying what to do; otherwise `children(data)`.
 */
export function ResourceView<T>({ state, what, isEmpty, empty, children }: {
  state: ResourceState<T>;
  /** Plural noun for the captions: "numbers", "voicemails". */
  what: string;
  isEmpty?: (data: T) => boolean;
  /** The empty state's text or content: say what the user can do next. */
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (state.error && state.data === null) {
    return <div className="error" role="alert">Could not load {what}: {state.error} <button onClick={() => void state.reload()}>Retry</button></div>;
  }
  if (state.data === null) return <Loading what={what} />;
  if (isEmpty?.(state.data)) return <div className="empty">{empty ?? `No ${what} yet.`}</div>;
  return (
    <>
      {state.error && <div className="error" role="alert">Could not refresh {what}: {state.error} <button onClick={() => void state.reload()}>Retry</button></div>}
      {children(state.data)}
    </>
  );
}
