import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useConfirm, useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { HoursEditor, type HoursWords } from '../HoursEditor.js';
import { SharedSchedule } from '../SharedSchedule.js';
import type { NodeData } from '../graph.js';
import type { ScheduleView } from '../schedules.js';
import { ResourceView, useResource } from './resource.js';
import { fieldErrors } from './team-model.js';

const WORDS: HoursWords = { holidays: 'Holidays (closed all day; the holiday port when wired)', overrides: 'Special days and partial days (replace the weekly hours)', answer: 'a call goes to', ports: {} };
const ZONES: string[] = (() => { try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC']; } })();
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const weekdays = () => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '09:00', close: '17:00' }]]));
type Draft = Pick<ScheduleView, 'name' | 'timezone' | 'weekly' | 'holidays' | 'overrides'>;

/**
 * `#/schedules`: the company's shared schedules (issue #13). A businessHours step that follows one routes by it at
 * call time, so saving here changes every flow that follows it, published ones included. Add, edit (PUT with the
 * revision: a stale one says so), set or clear a temporary change, preview an instant, and delete one no flow follows.
 */
export function SchedulesPage() {
  const list = useResource<{ schedules: ScheduleView[] }>('/api/schedules');
  const [open, setOpen] = useState<string | null>(null);
  const [newId, setNewId] = useState('');
  const [dialog, ask] = useConfirm();
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  const reload = () => void list.reload();
  async function add(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api('POST', '/api/schedules', { id: newId.trim(), name: newId.trim(), timezone: HERE, weekly: weekdays(), holidays: [], overrides: [] });
      setOpen(newId.trim()); setNewId(''); reload();
    } catch (err) { toast('error', `Could not add the schedule: ${(err as Error).message}`); }
  }
  async function remove(s: ScheduleView) {
    if (!(await ask(`Delete the schedule “${s.name}”?`, 'Delete schedule'))) return;
    try { await api('DELETE', `/api/schedules/${encodeURIComponent(s.id)}`); toast('ok', `Deleted ${s.name}`); setOpen(null); reload(); }
    catch (err) { toast('error', (err as Error).message); }
  }
  return (
    <div className="schedules">
      <h1>Schedules</h1>
      <p className="muted">Opening hours your flows share: a business-hours step that follows one changes when you save it here, without republishing.</p>
      <form className="row" onSubmit={add}>
        <input name="scheduleId" aria-label="New schedule id" placeholder="main-office" value={newId} disabled={!!noEdit} title={noEdit || undefined} onChange={(e) => setNewId(e.target.value)} />
        <button type="submit" disabled={!!noEdit || !newId.trim()} title={noEdit || undefined}>Add schedule</button>
      </form>
      <ResourceView state={list} what="schedules" isEmpty={(d) => d.schedules.length === 0} empty="No schedules yet: add one, then pick it in a business-hours step.">
        {(d) => (
          <ul className="schedule-list">
            {d.schedules.map((s) => (
              <li key={s.id} data-schedule={s.id}>
                <button type="button" className="link" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>{s.name}</button>
                <span className="muted"> {s.id} · {s.timezone} · </span><span data-testid="schedule-now-line">{s.now.reason}</span>
                {open === s.id && <ScheduleEditor s={s} all={d.schedules} readOnly={!!noEdit} onSaved={reload} onDelete={() => void remove(s)} />}
              </li>
            ))}
          </ul>
        )}
      </ResourceView>
      {dialog}
    </div>
  );
}

function ScheduleEditor({ s, all, readOnly, onSaved, onDelete }: { s: ScheduleView; all: ScheduleView[]; readOnly: boolean; onSaved: () => void; onDelete: () => void }) {
  const [draft, setDraft] = useState<Draft>({ name: s.name, timezone: s.timezone, weekly: s.weekly, holidays: s.holidays, overrides: s.overrides });
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const toast = useToast();
  useEffect(() => { setDraft({ name: s.name, timezone: s.timezone, weekly: s.weekly, holidays: s.holidays, overrides: s.overrides }); }, [s.revision]);
  async function save(e: React.FormEvent) {
    e.preventDefault();
    try { await api('PUT', `/api/schedules/${encodeURIComponent(s.id)}`, { ...draft, revision: s.revision }); setErrors(new Map()); toast('ok', `Saved ${draft.name}`); onSaved(); }
    catch (err) { setErrors(fieldErrors(err)); }
  }
  return (
    <div className="schedule-editor" data-testid="schedule-editor">
    <form onSubmit={save}>
      <label className="field"><span>Name</span><input name="scheduleName" value={draft.name} disabled={readOnly} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
      <label className="field"><span>Time zone</span>
        <select name="scheduleTimezone" value={draft.timezone} disabled={readOnly} onChange={(e) => setDraft({ ...draft, timezone: e.target.value })}>
          {(ZONES.includes(draft.timezone) ? ZONES : [draft.timezone, ...ZONES]).map((z) => <option key={z}>{z}</option>)}
        </select>
      </label>
      <HoursEditor data={draft as unknown as NodeData} onChange={(d) => setDraft({ ...draft, ...(d as unknown as Draft) })} nodeId={s.id} flowTimezone={draft.timezone} issues={errors} readOnly={readOnly} words={WORDS} />
      {errors.get('') && <div className="field-error" role="alert">{errors.get('')}</div>}
      {!readOnly && <div className="row"><button type="submit">Save schedule</button><button type="button" className="danger" onClick={onDelete}>Delete schedule</button></div>}
    </form>
      <h3>Temporary change</h3>
      <SharedSchedule data={{ scheduleId: s.id }} flowTimezone={s.timezone} schedules={all} reload={onSaved} readOnly={readOnly} />
    </div>
  );
}
