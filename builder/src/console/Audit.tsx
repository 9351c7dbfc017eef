import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { needs, useMe } from '../me.js';
import { ResourceView, useResource } from './resource.js';
import type { Route } from './route.js';
import { href } from './route.js';
import './audit.css';

interface Entry { id: number; at: string; actor: string; action: string; target: string | null; detail: unknown }
interface Page { entries: Entry[]; next: number | null; actions: string[] }

const ACTION_NAMES: Record<string, string> = {
  'flow.publish': 'published a flow', 'flow.rollback': 'rolled back a flow', 'flow.delete': 'deleted a flow',
  'number.buy': 'bought a number', 'number.release': 'released a number', 'number.route': 'routed a number', 'number.configure': 'changed a number',
  'number.connections': 'changed the Telnyx connections', 'usage.budget': 'changed the budget', 'usage.rates': 'changed the rates',
  'voicemail.delete': 'deleted a voicemail', 'voicemail.restore': 'undid deleting a voicemail', 'smtp.change': 'changed the email (SMTP) settings', 'person.invite': 'invited someone', 'person.role': 'changed a role', 'person.remove': 'removed someone',
  'invitation.revoke': 'withdrew an invitation', 'invitation.accept': 'accepted an invitation', 'key.create': 'created an API key', 'key.revoke': 'revoked an API key',
};

const detailText = (d: unknown) => (d && typeof d === 'object' ? Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : '');

/** `#/audit` (admins and owners): who did what, newest first, filtered by action (`#/audit?action=flow.publish`), 50 at a time. */
export function AuditPage({ route }: { route: Route }) {
  const me = useMe();
  const reason = needs(me, 'admin');
  const action = route.query.get('action') ?? '';
  const first = useResource<Page>(reason ? null : `/api/audit${action ? `?action=${encodeURIComponent(action)}` : ''}`);
  const [more, setMore] = useState<{ entries: Entry[]; next: number | null } | null>(null);
  const [moreError, setMoreError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setMore(null), [first.data]);
  if (reason) return <div className="flows"><h1>Audit log</h1><div className="empty" role="note">The audit log is for admins and owners. {reason}.</div></div>;
  const next = more ? more.next : first.data?.next ?? null;
  async function loadMore() {
    if (next === null) return;
    setBusy(true); setMoreError('');
    try {
      const p = await api<Page>('GET', `/api/audit?before=${next}${action ? `&action=${encodeURIComponent(action)}` : ''}`);
      setMore((m) => ({ entries: [...(m?.entries ?? []), ...p.entries], next: p.next }));
    } catch (e) { setMoreError((e as Error).message); } finally { setBusy(false); }
  }
  return (
    <div className="flows audit">
      <div className="row">
        <h1 className="grow">Audit log</h1>
        <label className="row">Action
          <select name="audit-action" value={action} onChange={(e) => { location.hash = href('audit', { action: e.target.value }); }}>
            <option value="">all actions</option>
            {(first.data?.actions ?? Object.keys(ACTION_NAMES)).map((a) => <option key={a} value={a}>{ACTION_NAMES[a] ?? a}</option>)}
          </select>
        </label>
      </div>
      <ResourceView state={first} what="the audit log" isEmpty={(d) => d.entries.length === 0}
        empty={action ? 'Nothing of that kind yet. Pick “all actions” to see everything.' : 'Nothing recorded yet: publishing, rolling back, buying, releasing, routing and deleting show up here with who did it.'}>
        {(d) => (
          <>
            <table className="table">
              <thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Details</th></tr></thead>
              <tbody>
                {[...d.entries, ...(more?.entries ?? [])].map((e) => (
                  <tr key={e.id} data-action={e.action}>
                    <td><time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time></td>
                    <td>{e.actor}</td>
                    <td>{ACTION_NAMES[e.action] ?? e.action} <code className="muted">{e.action}</code></td>
                    <td>{e.target && <code>{e.target}</code>}</td>
                    <td className="muted">{detailText(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {moreError && <div className="error" role="alert">Could not load more: {moreError} <button onClick={() => void loadMore()}>Retry</button></div>}
            {next !== null ? <button className="audit-more" disabled={busy} onClick={() => void loadMore()}>{busy ? 'Loading…' : 'Load older entries'}</button>
              : <p className="muted small">That is everything.</p>}
          </>
        )}
      </ResourceView>
    </div>
  );
}
