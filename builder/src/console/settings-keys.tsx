import { useState } from 'react';
import { api, type Role } from '../api.js';
import { useConfirm, useToast } from '../ui.js';
import { atLeast, useMe } from '../me.js';
import { ResourceView, useResource } from './resource.js';

interface KeyRow { id: string; name: string | null; role: Role | null; prefix: string | null; createdAt: string; lastUsedAt: string | null }
const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];

/** Your API keys for scripts: create (the key is shown once), see when each was last used, revoke (confirmed). */
export function ApiKeys() {
  const me = useMe();
  const toast = useToast();
  const [dialog, ask] = useConfirm();
  const keys = useResource<{ keys: KeyRow[] }>('/api/keys');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'' | Role>('');
  const [made, setMade] = useState<string | null>(null);
  async function create(e: React.FormEvent) {
    e.preventDefault();
    try {
      const r = await api<{ key: string }>('POST', '/api/keys', { ...(name.trim() ? { name: name.trim() } : {}), ...(role ? { role } : {}) });
      setMade(r.key); setName(''); setRole('');
      await keys.reload();
    } catch (err) { toast('error', `No key made: ${(err as Error).message}`); }
  }
  async function revoke(k: KeyRow) {
    if (!(await ask(`Revoke ${k.name ?? 'this key'} (${k.prefix ?? 'old key'}…)? Scripts using it get 401 from their next request.`, 'Revoke'))) return;
    try { await api('DELETE', `/api/keys/${k.id}`); toast('ok', 'Key revoked'); } catch (err) { toast('error', `Not revoked: ${(err as Error).message}`); }
    await keys.reload();
  }
  return (
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">Your API keys</h2>
      <p className="muted small">For scripts: send <code>Authorization: Bearer cf_…</code>. A key acts as you, never above your role; pick a lower one to limit what a script may do.</p>
      <form className="row settings-inline" onSubmit={create}>
        <label className="grow">Name<input name="key-name" placeholder="e.g. nightly export" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} /></label>
        <label>Acts as<select name="key-role" value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
          <option value="">my role ({me?.role})</option>
          {ROLES.filter((r) => atLeast(me?.role, r) && r !== me?.role).map((r) => <option key={r} value={r}>{r}</option>)}
        </select></label>
        <button className="primary">Create key</button>
      </form>
      {made && (
        <div className="banner ok once" role="status">
          <span>Your new key (shown only now; only a hash is kept):</span>
          <input aria-label="New API key" readOnly value={made} onFocus={(e) => e.currentTarget.select()} data-testid="new-key" />
          <button onClick={() => void navigator.clipboard?.writeText(made).then(() => toast('ok', 'Copied'), () => toast('error', 'Copy it by hand'))}>Copy</button>
          <button onClick={() => setMade(null)}>Done</button>
        </div>
      )}
      <ResourceView state={keys} what="API keys" isEmpty={(d) => d.keys.length === 0} empty="No API keys yet: create one above for a script.">
        {(d) => (
          <table className="table">
            <thead><tr><th>Name</th><th>Key</th><th>Acts as</th><th>Created</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {d.keys.map((k) => (
                <tr key={k.id} data-key={k.prefix ?? k.id}>
                  <td>{k.name ?? <span className="muted">unnamed</span>}</td>
                  <td><code>{k.prefix ? `${k.prefix}…` : 'issued before accounts'}</code></td>
                  <td>{k.role ?? (me?.person ? 'your role' : 'owner')}</td>
                  <td>{new Date(k.createdAt).toLocaleString()}</td>
                  <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : <span className="muted">never</span>}</td>
                  <td className="actions"><button className="danger" onClick={() => void revoke(k)}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ResourceView>
      {dialog}
    </section>
  );
}
