import { useEffect, useState } from 'react';
import { api, apiKey, ApiError, setCsrfToken, type Me } from './api.js';
import { ToastProvider } from './ui.js';
import { Shell, NotFound } from './console/Shell.js';
import { PAGES } from './console/pages.js';
import { parseRoute } from './console/route.js';
import { SignIn } from './console/SignIn.js';
import { AcceptPage, ForgotPage, ResetPage } from './console/AccountPages.js';
import { MeContext } from './me.js';
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

/** Pages drawn without the console around them, signed in or not: one-time links and the reset request. */
const OPEN_PAGES = new Set(['forgot', 'reset', 'accept']);

/** The whole builder. Signed in by the session cookie (or a remembered API key); GET /api/me says who, with which role. */
export function App() {
  const hash = useHash();
  const asked = openRequest(location.search, location.origin);
  const open = asked && 'url' in asked ? asked.url : null;
  const [refused, setRefused] = useState(asked && 'refused' in asked ? asked.refused : '');
  const [me, setMeState] = useState<Me | null>(null);
  // Asked only with a key or the server's signed-in marker cookie: a fresh visit goes straight to sign-in (no 401).
  const [checking, setChecking] = useState(!open && (!!apiKey.get() || /(^|;\s*)callflow_signed_in=/.test(document.cookie)));
  const setMe = (m: Me | null) => { setCsrfToken(m?.csrfToken); setMeState(m); };

  useEffect(() => {
    if (!checking) return;
    api<Me>('GET', '/api/me')
      .then(setMe)
      .catch((e) => { if (e instanceof ApiError && e.status === 401) apiKey.clear(); })
      .finally(() => setChecking(false));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once, on load

  if (open) return <ToastProvider><EditorPage source={{ url: open }} /></ToastProvider>;
  // A refused ?open= is ignored (the builder opens as usual) and said so on top of the page.
  const notice = refused && (
    <div className="banner error open-refused" role="alert">
      <span>{refused}</span><button onClick={() => setRefused('')}>Dismiss</button>
    </div>
  );
  const route = parseRoute(hash);
  if (OPEN_PAGES.has(route.page)) {
    const Page = route.page === 'forgot' ? ForgotPage : route.page === 'reset' ? ResetPage : AcceptPage;
    return <ToastProvider>{notice}<Page route={route} onReady={setMe} /></ToastProvider>;
  }
  if (checking) return <>{notice}<div className="gate"><div className="loading"><span className="spinner" /> Checking your sign-in…</div></div></>;
  if (me === null) return <ToastProvider>{notice}<SignIn onReady={setMe} /></ToastProvider>;
  const signOut = () => {
    const wasSession = !apiKey.get();
    apiKey.clear();
    if (wasSession) void api('DELETE', '/api/session').catch(() => {});
    setMe(null);
  };
  const body = route.page === 'flows' && route.rest[0]
    ? <EditorPage key={route.rest[0]} source={{ id: route.rest[0] }} />
    : (() => {
      const page = PAGES.find((p) => p.path === route.page);
      return (
        <Shell route={route} company={me.company.name} who={me.person ? `${me.person.email} (${me.role})` : `API key (${me.role})`} onSignOut={signOut}>
          {page ? <page.Page key={page.path} route={route} /> : <NotFound route={route} />}
        </Shell>
      );
    })();
  return <MeContext.Provider value={me}><ToastProvider>{notice}{body}</ToastProvider></MeContext.Provider>;
}
