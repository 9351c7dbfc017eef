import type { ReactNode } from 'react';
import { PAGES } from './pages.js';
import type { Route } from './route.js';

/**
 * The console around every page: the brand, one link per page (the current one marked for screen readers too),
 * the company, who is signed in (a link to their settings), and signing out. Pages render inside `<main>`.
 */
export function Shell({ route, company, who, onSignOut, children }: { route: Route; company: string; who?: string; onSignOut: () => void; children: ReactNode }) {
  return (
    <div className="page console">
      <header className="topbar">
        <strong className="brand">Callflow</strong>
        <nav aria-label="Console" className="console-nav">
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={route.page === p.path ? 'page' : undefined}>{p.title}</a>
          ))}
        </nav>
        <span className="grow" />
        <span className="muted" data-testid="company" title={company}>{company}</span>
        {who && <a href="#/settings" className="muted" data-testid="who" title={who}>{who}</a>}
        <button onClick={onSignOut}>Sign out</button>
      </header>
      <main className="console-main">{children}</main>
    </div>
  );
}

/** What an unknown `#/…` shows: where the user is, and the way back. */
export function NotFound({ route }: { route: Route }) {
  return (
    <div className="empty" role="alert">
      There is no page “{route.page}”. <a href="#/flows">Go to the flows</a>.
    </div>
  );
}
