import { useEffect, useState } from 'react';
import { api, apiKey, ApiError } from './api.js';
import { ToastProvider } from './ui.js';
import { Shell, NotFound } from './console/Shell.js';
import { PAGES } from './console/pages.js';
import { parseRoute } from './console/route.js';
import { EditorPage } from './EditorPage.js';
import { openRequest } from './open-url.js';

/** The route is the hash: `#/` flows list, `#/flows/<id>` editor, `#/<page>` a console page (console/pages.tsx). `?open=<url>` opens a flow file read from a URL on this server (bench, offline). */
function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** Asks for the API key once, checks it with GET /api/me, remembers it. */
function KeyGate({ onReady }: { onReady: (company: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true); setError('');
    try {
      const me = await api<{ company: { name: string } }>('GET', '/api/me', undefined, key.trim());
      apiKey.set(key.trim());
      onReady(me.company.name);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That key was not accepted. Check it and try again.' : (err as Error).message);
    } finally { setBusy(false); }
  }
  return (
    <div className="gate">
      <form className="card" onSubmit={submit}>
        <h1>Callflow</h1>
        <p>Enter your API key. It is remembered in this browser.</p>
        <label>API key<input name="apiKey" type="password" autoFocus value={key} onChange={(e) => setKey(e.target.value)} placeholder="cf_…" /></label>
        {error && <div className="error" role="alert">{error}</div>}
        <button className="primary" disabled={!key.trim() || busy}>{busy ? 'Checking…' : 'Continue'}</button>
        <p className="muted">The server prints a key on its first start. Lost it? Run <code>npx callflow admin create-key</code> on the server.</p>
      </form>
    </div>
  );
}

/** The whole builder. */
export function App() {
  const hash = useHash();
  const asked = openRequest(location.search, location.origin);
  const open = asked && 'url' in asked ? asked.url : null;
  const [refused, setRefused] = useState(asked && 'refused' in asked ? asked.refused : '');
  const [company, setCompany] = useState<string | null>(null);
  const [checking, setChecking] = useState(!open && !!apiKey.get());

  useEffect(() => {
    if (open || !apiKey.get()) return;
    api<{ company: { name: string } }>('GET', '/api/me')
      .then((me) => setCompany(me.company.name))
      .catch((e) => { if (e instanceof ApiError && e.status === 401) apiKey.clear(); })
      .finally(() => setChecking(false));
  }, [open]);

  if (open) return <ToastProvider><EditorPage source={{ url: open }} /></ToastProvider>;
  // A refused ?open= is ignored (the builder opens as usual) and said so on top of the page.
  const notice = refused && (
    <div className="banner error open-refused" role="alert">
      <span>{refused}</span><button onClick={() => setRefused('')}>Dismiss</button>
    </div>
  );
  if (checking) return <>{notice}<div className="gate"><div className="loading"><span className="spinner" /> Checking your key…</div></div></>;
  if (company === null) return <ToastProvider>{notice}<KeyGate onReady={setCompany} /></ToastProvider>;
  const route = parseRoute(hash);
  const signOut = () => { apiKey.clear(); setCompany(null); };
  if (route.page === 'flows' && route.rest[0]) {
    return <ToastProvider>{notice}<EditorPage key={route.rest[0]} source={{ id: route.rest[0] }} /></ToastProvider>;
  }
  const page = PAGES.find((p) => p.path === route.page);
  return (
    <ToastProvider>
      {notice}
      <Shell route={route} company={company} onSignOut={signOut}>
        {page ? <page.Page key={page.path} route={route} /> : <NotFound route={route} />}
      </Shell>
    </ToastProvider>
  );
}
