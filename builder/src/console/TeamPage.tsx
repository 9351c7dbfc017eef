import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { useConfirm, useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { ResourceView, useEvery, useResource } from './resource.js';
import { MemberEditor } from './MemberEditor.js';
import { availableNow, fieldErrors, memberIdFor, STATUSES, usedByText, type MemberStatus, type TeamMember } from './team-model.js';
import './team.css';

/**
 * `#/team`: the people round-robin and transfer nodes ring. Add (validated by the API), set each one's status with
 * a radio group (arrow keys move it), see whether a call would ring them now, edit name, number and working hours,
 * and remove them after a confirmation that says which flows still list them.
 */
export function TeamPage() {
  const team = useResource<{ members: TeamMember[] }>('/api/team');
  const [editing, setEditing] = useState<TeamMember | null>(null);
  const [dialog, ask] = useConfirm();
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  // "Available now" follows the clock (working hours): refresh each minute.
  useEvery(team.reload, 60_000);

  // One member's changes go out in the order they were made (arrow keys send several quickly): the last one wins.
  const queue = useRef(new Map<string, Promise<unknown>>());
  function setStatus(m: TeamMember, status: MemberStatus) {
    const next = (queue.current.get(m.id) ?? Promise.resolve()).then(async () => {
      try { await api('PATCH', `/api/team/${encodeURIComponent(m.id)}`, { status }); }
      catch (e) { toast('error', `Could not set ${m.name} ${status}: ${(e as Error).message}`); }
    });
    queue.current.set(m.id, next);
    void next.then(() => { if (queue.current.get(m.id) === next) void team.reload(); });
  }

  async function remove(m: TeamMember) {
    const uses = usedByText(m);
    const text = uses
      ? `${m.name} is rung by ${uses}. Those flows keep their number and still ring it until you edit them. Remove ${m.name} from the team?`
      : `Remove ${m.name} from the team? No flow rings them.`;
    if (!(await ask(text, 'Remove member'))) return;
    try { await api('DELETE', `/api/team/${encodeURIComponent(m.id)}`); toast('ok', `Removed ${m.name}`); await team.reload(); }
    catch (e) { toast('error', `Could not remove ${m.name}: ${(e as Error).message}`); }
  }

  return (
    <div className="team">
      <h1>Team</h1>
      <p className="muted">The people your flows ring. Round-robin nodes skip anyone busy, offline or outside their working hours.</p>
      <AddMember taken={new Set(team.data?.members.map((m) => m.id) ?? [])} onAdded={() => void team.reload()} />
      <ResourceView state={team} what="team members" isEmpty={(d) => d.members.length === 0}
        empty="No team members yet. Add the first one above: a name and the number to ring.">
        {(d) => (
          <table className="table team-table">
            <thead><tr><th scope="col">Name</th><th scope="col">Number</th><th scope="col">Status</th><th scope="col">Available now?</th><th scope="col">Working hours</th><th scope="col">Used by</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {d.members.map((m) => {
                const now = availableNow(m);
                return (
                  <tr key={m.id} data-member={m.id}>
                    <th scope="row">{m.name}</th>
                    <td><code>{m.to}</code></td>
                    <td><StatusToggle member={m} onChange={(s) => setStatus(m, s)} /></td>
                    <td data-testid="available-now" className={now.yes ? 'now-yes' : 'now-no'}>{now.why}</td>
                    <td>{m.workingHours ? hoursSummary(m) : <span className="muted">any time</span>}</td>
                    <td data-testid="used-by">{usedByText(m) || <span className="muted">no flow</span>}</td>
                    <td><div className="actions">
                      <button onClick={() => setEditing(m)} disabled={!!noEdit} title={noEdit || undefined} aria-label={`Edit ${m.name}`}>Edit</button>
                      <button className="danger" onClick={() => void remove(m)} disabled={!!noEdit} title={noEdit || undefined} aria-label={`Remove ${m.name}`}>Remove</button>
                    </div></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </ResourceView>
      {editing && <MemberEditor member={editing} onDone={(saved) => { setEditing(null); if (saved) { toast('ok', 'Saved'); void team.reload(); } }} />}
      {dialog}
    </div>
  );
}

/** Available / busy / offline as one radio group: Tab reaches it, the arrow keys change it (shown at once, saved behind). */
function StatusToggle({ member, onChange }: { member: TeamMember; onChange: (s: MemberStatus) => void }) {
  const [value, setValue] = useState(member.setStatus);
  const noEdit = needs(useMe(), 'editor');
  useEffect(() => setValue(member.setStatus), [member.setStatus]);
  return (
    <div className="segmented" role="radiogroup" aria-label={`Status of ${member.name}`}>
      {STATUSES.map((s) => (
        <label key={s} className={`seg seg-${s}`} title={noEdit || undefined}>
          <input type="radio" name={`status-${member.id}`} value={s} checked={value === s} disabled={!!noEdit} onChange={() => { setValue(s); onChange(s); }} />
          <span>{s}</span>
        </label>
      ))}
    </div>
  );
}

/** "mon–fri, 1 day off (America/Chicago)": enough to read the table; Edit shows the grid. */
function hoursSummary(m: TeamMember): string {
  const h = m.workingHours!;
  const days = Object.entries(h.weekly).filter(([, r]) => r.length).map(([d]) => d);
  const off = h.holidays?.length ? `, ${h.holidays.length} day${h.holidays.length === 1 ? '' : 's'} off` : '';
  return `${days.length ? days.join(' ') : 'no shifts'}${off} (${h.timezone})`;
}

/** Name and number; the id comes from the name. The API's validation answers show under the field at fault. */
function AddMember({ taken, onAdded }: { taken: Set<string>; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  async function add(e: React.FormEvent) {
    e.preventDefault();
    const id = memberIdFor(name, taken);
    try {
      await api('PUT', `/api/team/${encodeURIComponent(id)}`, { name: name.trim(), to: to.trim(), status: 'available' });
      setName(''); setTo(''); setErrors(new Map());
      toast('ok', `Added ${name.trim()}`);
      onAdded();
    } catch (err) { setErrors(fieldErrors(err)); }
  }
  const err = (k: string) => errors.get(k) && <span className="field-error" id={`add-${k || 'form'}-error`}>{errors.get(k)}</span>;
  return (
    <form className="team-add row" onSubmit={add} aria-label="Add a team member">
      <label className="field"><span>Name</span>
        <input name="memberName" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={errors.has('name')} aria-describedby={errors.has('name') ? 'add-name-error' : undefined} />
        {err('name')}
      </label>
      <label className="field"><span>Number <em>(E.164 or sip:)</em></span>
        <input name="memberTo" value={to} placeholder="+13125550101" onChange={(e) => setTo(e.target.value)} aria-invalid={errors.has('to')} aria-describedby={errors.has('to') ? 'add-to-error' : undefined} />
        {err('to')}
      </label>
      <button className="primary" disabled={!!noEdit} title={noEdit || undefined}>Add member</button>
      {errors.get('') && <div className="error" role="alert">{errors.get('')}</div>}
    </form>
  );
}
