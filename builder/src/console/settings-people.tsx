import { useState } from 'react';
import { api, type Role } from '../api.js';
import { useConfirm, useToast } from '../ui.js';
import { atLeast, needs, useMe } from '../me.js';
import { ResourceView, useResource } from './resource.js';

const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];
interface Person { id: string; email: string; name: string; role: Role; hasPassword: boolean; createdAt: string }
interface Invitation { id: string; email: string; role: Role; invitedBy: string | null; createdAt: string; expiresAt: string }

/** The people of the company (everyone sees them); admins and owners change roles, remove people and invite. */
export function People() {
  const me = useMe();
  const toast = useToast();
  const [dialog, ask] = useConfirm();
  const people = useResource<{ people: Person[] }>('/api/people');
  const isAdmin = atLeast(me?.role, 'admin');
  const invitations = useResource<{ invitations: Invitation[] }>(isAdmin ? '/api/invitations' : null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const adminReason = needs(me, 'admin');
  // Only an owner hands out or takes away the owner role.
  const owners = people.data?.people.filter((p) => p.role === 'owner').length ?? 0;
  const lockedFor = (p: Person) => adminReason || (p.role === 'owner' && me?.role !== 'owner' ? 'Only an owner changes an owner'
    : p.role === 'owner' && owners <= 1 ? 'The only owner: make someone else an owner first' : '');

  const [pending, setPending] = useState<Record<string, Role>>({});
  async function changeRole(p: Person, next: Role) {
    setPending(({ [p.id]: _, ...rest }) => rest);
    try { await api('PATCH', `/api/people/${p.id}`, { role: next }); toast('ok', `${p.email} is now ${next}`); } catch (err) { toast('error', `Role not changed: ${(err as Error).message}`); }
    await people.reload();
  }
  async function remove(p: Person) {
    if (!(await ask(`Remove ${p.email}? They are signed out at once and their API keys stop working.`, 'Remove'))) return;
    try { await api('DELETE', `/api/people/${p.id}`); toast('ok', `Removed ${p.email}`); } catch (err) { toast('error', `Not removed: ${(err as Error).message}`); }
    await people.reload();
  }
  async function invite(e: React.FormEvent) {
    e.preventDefault();
    try {
      const r = await api<{ link: string; invitation: Invitation }>('POST', '/api/invitations', { email: email.trim(), role });
      setLink({ email: r.invitation.email, url: r.link }); setEmail('');
      await invitations.reload();
    } catch (err) { toast('error', `Not invited: ${(err as Error).message}`); }
  }
  async function withdraw(i: Invitation) {
    if (!(await ask(`Withdraw the invitation of ${i.email}? Their link stops working.`, 'Withdraw'))) return;
    try { await api('DELETE', `/api/invitations/${i.id}`); toast('ok', `Withdrew the invitation of ${i.email}`); } catch (err) { toast('error', `Not withdrawn: ${(err as Error).message}`); }
    await invitations.reload();
  }
  return (
    <section aria-labelledby="people-h">
      <h2 id="people-h">People and roles</h2>
      <p className="muted small">Viewers read everything; editors also edit, publish and roll back flows; admins also buy, release and route numbers, set the budget, delete flows and manage people; owners also manage owners.</p>
      <ResourceView state={people} what="people" isEmpty={(d) => d.people.length === 0}>
        {(d) => (
          <table className="table">
            <thead><tr><th>Name</th><th>Email</th><th>Role</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {d.people.map((p) => (
                <tr key={p.id} data-person={p.email}>
                  <td>{p.name}{p.id === me?.person?.id && <span className="muted"> (you)</span>}{!p.hasPassword && <span className="badge">no password yet</span>}</td>
                  <td>{p.email}</td>
                  <td>
                    {/* Applied with the button, not on change: arrowing through a select must not change roles on the way. */}
                    <select aria-label={`Role of ${p.email}`} value={pending[p.id] ?? p.role} disabled={!!lockedFor(p)} title={lockedFor(p) || undefined} onChange={(e) => setPending({ ...pending, [p.id]: e.target.value as Role })}>
                      {ROLES.map((r) => <option key={r} value={r} disabled={r === 'owner' && me?.role !== 'owner'}>{r}</option>)}
                    </select>
                    {pending[p.id] && pending[p.id] !== p.role && <button onClick={() => void changeRole(p, pending[p.id]!)}>Change role</button>}
                  </td>
                  <td className="actions"><button className="danger" disabled={!!lockedFor(p)} title={lockedFor(p) || undefined} onClick={() => void remove(p)}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ResourceView>
      <h3>Invite someone</h3>
      {adminReason ? <p className="muted">{adminReason}: ask an admin or owner to invite people.</p> : (
        <>
          <form className="row settings-inline" onSubmit={invite}>
            <label className="grow">Email<input name="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
            <label>Role<select name="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.filter((r) => r !== 'owner' || me?.role === 'owner').map((r) => <option key={r} value={r}>{r}</option>)}
            </select></label>
            <button className="primary" disabled={!email.trim()}>Invite</button>
          </form>
          {link && (
            <div className="banner ok once" role="status">
              <span>Send this link to {link.email} (shown only now; valid 7 days):</span>
              <input aria-label="Invitation link" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} data-testid="invite-link" />
              <button onClick={() => void navigator.clipboard?.writeText(link.url).then(() => toast('ok', 'Copied'), () => toast('error', 'Copy it by hand'))}>Copy</button>
              <button onClick={() => setLink(null)}>Done</button>
            </div>
          )}
          <h3>Pending invitations</h3>
          <ResourceView state={invitations} what="invitations" isEmpty={(d) => d.invitations.length === 0} empty="No pending invitations.">
            {(d) => (
              <table className="table">
                <thead><tr><th>Email</th><th>Role</th><th>Invited by</th><th>Expires</th><th><span className="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  {d.invitations.map((i) => (
                    <tr key={i.id}>
                      <td>{i.email}</td><td>{i.role}</td><td>{i.invitedBy}</td>
                      <td>{new Date(i.expiresAt) < new Date() ? <span className="badge">expired</span> : new Date(i.expiresAt).toLocaleString()}</td>
                      <td className="actions"><button className="danger" onClick={() => void withdraw(i)}>Withdraw</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </ResourceView>
        </>
      )}
      {dialog}
    </section>
  );
}
