import { useEffect, useState } from 'react';
import { api, ApiError, type Member } from './api.js';
import { FieldEditor, Issue } from './FieldEditor.js';
import type { Field } from './form.js';

type Row = { id: string; name?: string; to: string };

/**
 * Round-robin members picked from the team (`GET /api/team`). When the team
 * API is missing or fails, members are typed by hand with the generic form.
 */
export function MembersPicker({ value, field, onChange, issues, readOnly }: { value: Row[] | undefined; field: Field; onChange: (v: Row[]) => void; issues: Map<string, string>; readOnly: boolean }) {
  const [team, setTeam] = useState<Member[] | null>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    api<{ members: Member[] }>('GET', '/api/team').then((r) => setTeam(r.members), (e) => {
      setNote(e instanceof ApiError && e.status === 404 ? 'The team directory is not available on this server: type members below.' : `Could not load the team: ${e.message}`);
    });
  }, []);
  const list = value ?? [];
  const chosen = new Set(list.map((m) => m.id));
  return (
    <div className="members">
      {team && (
        <fieldset className="field group" data-testid="team-picker">
          <legend>Ring these team members (in order)</legend>
          {team.length === 0 && <div className="muted">Your team is empty.</div>}
          {team.map((m) => (
            <label key={m.id} className="check">
              <input type="checkbox" checked={chosen.has(m.id)} disabled={readOnly}
                onChange={(e) => onChange(e.target.checked ? [...list, { id: m.id, name: m.name, to: m.to }] : list.filter((x) => x.id !== m.id))} />
              {m.name} <span className="muted">{m.to}{m.status ? ` · ${m.status}` : ''}</span>
            </label>
          ))}
        </fieldset>
      )}
      {note && <div className="muted">{note}</div>}
      <FieldEditor name="members" field={field} value={list} onChange={(v) => onChange(v as Row[])} path="members" issues={issues} vars={[]} readOnly={readOnly} />
      <Issue issues={issues} path="members" />
    </div>
  );
}
