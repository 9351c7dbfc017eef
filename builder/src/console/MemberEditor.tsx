import { useState } from 'react';
import { api } from '../api.js';
import { HoursEditor, type HoursWords } from '../HoursEditor.js';
import type { NodeData } from '../graph.js';
import { fieldErrors, type TeamMember, type WorkingHours } from './team-model.js';
import { Dialog } from './Dialog.js';

const WORDS: HoursWords = {
  holidays: 'Days off (not rung all day)', overrides: 'Special days (replace the weekly hours)',
  answer: 'they are', ports: { open: 'working', closed: 'off', holiday: 'on a day off' },
};
const ZONES: string[] = (() => { try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC']; } })();
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const weekdays = (): WorkingHours['weekly'] => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '09:00', close: '17:00' }]]));

/**
 * Edits one member in a dialog: name, number, and working hours with the flow's own hours editor (off: always
 * working). Saves with PUT /api/team/:id; the API's field errors are shown where they belong. Escape cancels.
 */
export function MemberEditor({ member, onDone }: { member: TeamMember; onDone: (saved: boolean) => void }) {
  const [name, setName] = useState(member.name);
  const [to, setTo] = useState(member.to);
  const [hours, setHours] = useState<WorkingHours | null>(member.workingHours);
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await api('PUT', `/api/team/${encodeURIComponent(member.id)}`, { name: name.trim(), to: to.trim(), status: member.setStatus, workingHours: hours });
      onDone(true);
    } catch (err) { setErrors(fieldErrors(err)); } finally { setBusy(false); }
  }
  const err = (k: string) => errors.get(k) && <span className="field-error" id={`member-${k}-error`}>{errors.get(k)}</span>;
  const hoursErrors = [...errors].filter(([k]) => !['', 'name', 'to'].includes(k));
  return (
    <Dialog title={`Edit ${member.name}`} onClose={() => onDone(false)} className="team-editor">
      <form onSubmit={save}>
        <label className="field"><span>Name</span>
          <input name="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} aria-invalid={errors.has('name')} aria-describedby={errors.has('name') ? 'member-name-error' : undefined} />
          {err('name')}
        </label>
        <label className="field"><span>Number <em>(E.164, like +13125550101, or sip:)</em></span>
          <input name="to" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={errors.has('to')} aria-describedby={errors.has('to') ? 'member-to-error' : undefined} />
          {err('to')}
        </label>
        <label className="field check">
          <input type="checkbox" name="hasHours" checked={hours !== null} onChange={(e) => setHours(e.target.checked ? { timezone: HERE, weekly: weekdays() } : null)} />
          Working hours <em>(unchecked: rung whenever available)</em>
        </label>
        {hours && (
          <div className="team-hours" data-testid="member-hours">
            <label className="field"><span>Time zone</span>
              <select name="timezone" value={hours.timezone} onChange={(e) => setHours({ ...hours, timezone: e.target.value })}>
                {(ZONES.includes(hours.timezone) ? ZONES : [hours.timezone, ...ZONES]).map((z) => <option key={z}>{z}</option>)}
              </select>
              {err('timezone')}
            </label>
            <HoursEditor data={hours as unknown as NodeData} onChange={(d) => setHours(d as unknown as WorkingHours)} nodeId={member.id} flowTimezone={hours.timezone} issues={errors} readOnly={false} words={WORDS} />
          </div>
        )}
        {(errors.get('') || hoursErrors.length > 0) && (
          <div className="error" role="alert">{errors.get('') ?? `Check the working hours: ${hoursErrors.map(([k, m]) => `${k}: ${m}`).join('; ')}`}</div>
        )}
        <div className="row end">
          <button type="button" onClick={() => onDone(false)}>Cancel</button>
          <button className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
        </div>
      </form>
    </Dialog>
  );
}
