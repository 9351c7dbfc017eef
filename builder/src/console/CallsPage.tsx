import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.js';
import { useToast } from '../ui.js';
import type { Route } from './route.js';
import { href } from './route.js';
import { ResourceView } from './resource.js';
import { usePolled } from './use-poll.js';
import { apiQuery, cleanNumber, filtersHash, filtersOf, OUTCOMES, type CallFilters } from './calls-filters.js';
import { appendPage, duration, mergeFirstPage, type CallRow } from './history-merge.js';
import { LiveCalls } from './LiveCalls.js';
import { CallPage } from './CallPage.js';
import { OUTCOME_LABEL, OutcomeBadge } from './OutcomeBadge.js';
import './calls.css';

const PAGE = 50;
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const E164 = /^\+[1-9]\d{6,14}$/;


/** `#/calls`: live calls and the history, filtered by the hash's query; `#/calls/<id>`: one call's timeline. */
export function CallsPage({ route }: { route: Route }) {
  if (route.rest[0]) return <CallPage key={route.rest[0]} id={route.rest[0]} />;
  return <CallHistory route={route} />;
}

function FilterForm({ filters }: { filters: CallFilters }) {
  const [f, setF] = useState(filters);
  const [problem, setProblem] = useState('');
  const number = useRef<HTMLInputElement>(null);
  useEffect(() => setF(filters), [filters]);
  // "/" jumps to the filters, as on most sites with a search box.
  useEffect(() => {
    const on = (e: KeyboardEvent) => { if (e.key === '/' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement)) { e.preventDefault(); number.current?.focus(); } };
    addEventListener('keydown', on);
    return () => removeEventListener('keydown', on);
  }, []);
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const n = cleanNumber(f.number ?? '');
    if (n && !E164.test(n)) { setProblem('Type the number in E.164, e.g. +13125550100'); number.current?.focus(); return; }
    if (f.from && f.to && f.to < f.from) { setProblem('“To” is before “from”.'); return; }
    setProblem('');
    location.hash = filtersHash({ ...f, number: n || undefined });
  };
  const set = (k: keyof CallFilters) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value || undefined });
  return (
    <form className="call-filters" role="search" aria-label="Filter calls" onSubmit={apply}>
      <label className="field"><span>Number <em>(press /)</em></span>
        <input ref={number} name="number" value={f.number ?? ''} onChange={set('number')} placeholder="+13125550100" aria-invalid={!!problem && problem.startsWith('Type')} aria-describedby="call-filter-problem" />
      </label>
      <label className="field"><span>Direction</span>
        <select name="direction" value={f.direction ?? ''} onChange={set('direction')}><option value="">Any</option><option value="inbound">Inbound</option><option value="outbound">Outbound</option></select>
      </label>
      <label className="field"><span>Outcome</span>
        <select name="outcome" value={f.outcome ?? ''} onChange={set('outcome')}><option value="">Any</option>{OUTCOMES.map((o) => <option key={o} value={o}>{OUTCOME_LABEL[o]}</option>)}</select>
      </label>
      <label className="field"><span>From</span><input type="date" name="from" value={f.from ?? ''} onChange={set('from')} /></label>
      <label className="field"><span>To</span><input type="date" name="to" value={f.to ?? ''} onChange={set('to')} /></label>
      <div className="row filter-buttons">
        <button className="primary">Apply</button>
        <a className="button" href={href('calls')}>Clear</a>
      </div>
      <div id="call-filter-problem" className="field-error" role={problem ? 'alert' : undefined}>{problem}</div>
    </form>
  );
}

function CallHistory({ route }: { route: Route }) {
  const filters = useMemo(() => filtersOf(route.query), [route.query.toString()]);
  const first = usePolled<{ calls: CallRow[]; nextCursor: string | null }>(apiQuery(filters, ZONE, { limit: String(PAGE) }), 3000, true);
  const [rows, setRows] = useState<CallRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const toast = useToast();
  useEffect(() => { setRows([]); setCursor(null); setMore(false); }, [filters]);
  useEffect(() => {
    if (!first.data) return;
    const page = first.data;
    setRows((shown) => mergeFirstPage(shown, page.calls, PAGE));
    setCursor((c) => (more ? c : page.nextCursor));
  }, [first.data]);
  async function loadMore() {
    if (!cursor) return;
    try {
      const page = await api<{ calls: CallRow[]; nextCursor: string | null }>('GET', apiQuery(filters, ZONE, { limit: String(PAGE), cursor }));
      setRows((shown) => appendPage(shown, page.calls)); setCursor(page.nextCursor); setMore(true);
    } catch (e) { toast('error', `Could not load more calls: ${(e as Error).message}`); }
  }
  const filtered = Object.keys(filters).length > 0;
  return (
    <div className="console-page calls-page">
      <h1>Calls</h1>
      <LiveCalls />
      <h2>History</h2>
      <FilterForm filters={filters} />
      <ResourceView state={first} what="calls" isEmpty={(d) => d.calls.length === 0}
        empty={filtered ? <>No calls match these filters. <a href={href('calls')}>Show all calls</a>.</> : <>No calls yet. Call one of your numbers, or place a test call from a flow’s Test tab.</>}>
        {() => (
          <>
            <table className="table calls-table" aria-label="Call history">
              <thead><tr><th>Started</th><th>From</th><th>To</th><th>Direction</th><th>Outcome</th><th>Duration</th><th>Flow</th></tr></thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.callId} data-call={c.callId}>
                    <td><a href={href('calls', c.callId)}>{new Date(c.startedAt).toLocaleString()}</a></td>
                    <td>{c.from ?? '—'}</td><td>{c.to ?? '—'}</td><td>{c.direction}</td>
                    <td><OutcomeBadge o={c.outcome} /></td>
                    <td>{duration(c, Date.now())}</td>
                    <td>{c.flowId ? <code>{c.flowId}</code> : <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {cursor && <button className="load-more" onClick={() => void loadMore()}>Load older calls</button>}
          </>
        )}
      </ResourceView>
    </div>
  );
}
