import { useCallback, useEffect, useRef, useState } from 'react';
import { apiIfChanged } from '../api.js';
import { useEvery, type ResourceState } from './resource.js';

/**
 * Like useResource, and then polls `path` every `everyMs` while `live` is true and the tab is visible, with the
 * last ETag (a 304 changes nothing, so an unchanged list is neither parsed nor drawn again). Polling rather than
 * a server push: the server keeps no call state in memory (any instance takes any webhook), so a push would poll
 * the database anyway; this works with the Bearer key today and cookies later, through any proxy, within the
 * page's `connect-src 'self'`. An error keeps the last data and is retried on the next tick.
 */
export function usePolled<T>(path: string | null, everyMs: number, live: boolean): ResourceState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(path !== null);
  const etag = useRef<string | null>(null);
  const seq = useRef(0);
  useEffect(() => { etag.current = null; setData(null); setError(''); }, [path]);
  const reload = useCallback(async () => {
    if (path === null) return;
    const n = ++seq.current;
    setLoading(true);
    try {
      const got = await apiIfChanged<T>(path, etag.current);
      if (n !== seq.current) return;
      if (got) { etag.current = got.etag; setData(got.data); }
      setError('');
    } catch (e) {
      if (n === seq.current) setError((e as Error).message);
    } finally { if (n === seq.current) setLoading(false); }
  }, [path]);
  useEffect(() => { void reload(); }, [reload]);
  useEvery(reload, everyMs, live && path !== null);
  return { data, error, loading, reload };
}
