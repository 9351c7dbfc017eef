import { useState } from 'react';
import { DateTime } from 'luxon';
import { nodeHoursAt } from '../../engine/nodes/business-hours.js';
import { api, ApiError } from './api.js';
import { scheduleEnvs, type ScheduleView } from './schedules.js';
import type { NodeData } from './graph.js';

interface Props { data: NodeData; flowTimezone: string; schedules: ScheduleView[]; reload: () => void; readOnly: boolean }

/**
 * A businessHours node that follows a shared schedule: which one, its temporary change (set "closed until …" /
 * "open until …" or go back to the regular hours: POST/DELETE /api/schedules/:id/override), and "at this date
 * and time the call goes to…" by the engine's own nodeHoursAt over the schedule as the server has it.
 */
export function SharedSchedule({ data, flowTimezone, schedules, reload, readOnly }: Props) {
  const id = String(data.scheduleId ?? '');
  const s = schedules.find((x) => x.id === id);
  const [state, setState] = useState<'closed' | 'open'>('closed');
  const [until, setUntil] = useState('15:00');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [at, setAt] = useState(() => DateTime.now().toFormat("yyyy-LL-dd'T'HH:mm"));
  if (!s) return <div className="field-error" data-testid="schedule-missing">The shared schedule “{id}” does not exist in your company: pick another, or use hours of its own.</div>;
  const override = async (body?: unknown) => {
    try {
      await api(body ? 'POST' : 'DELETE', `/api/schedules/${encodeURIComponent(s.id)}/override`, body);
      setError('');
      reload();
    } catch (e) { setError(e instanceof ApiError || e instanceof Error ? e.message : String(e)); }
  };
  const instant = DateTime.fromISO(at, { zone: s.timezone });
  const answer = instant.isValid ? nodeHoursAt({ ...data, weekly: {}, holidays: [], overrides: [], scheduleId: s.id } as never, scheduleEnvs(schedules), flowTimezone, instant.toISO()!) : null;
  return (
    <div className="field group" data-testid="shared-schedule">
      <p className="muted">Follows “{s.name}” ({s.timezone}): every flow that follows it changes with it, published ones too. Edit it under <a href="#/schedules">Schedules</a>.</p>
      <p data-testid="schedule-now">Now: {s.now.reason}</p>
      {s.temporary
        ? <div className="row" data-testid="schedule-temporary">{s.temporary.state === 'open' ? 'Open' : 'Closed'} until {DateTime.fromISO(s.temporary.until).setZone(s.timezone).toFormat('ccc d LLL HH:mm')}{s.temporary.setBy ? ` (set by ${s.temporary.setBy})` : ''}
          {!readOnly && <button type="button" className="link" onClick={() => void override()}>Back to regular hours</button>}</div>
        : null}
      {!readOnly && (
        <div className="row kv" data-testid="schedule-override">
          <select aria-label="Temporary change" value={state} onChange={(e) => setState(e.target.value as 'open' | 'closed')}>
            <option value="closed">Closed until</option><option value="open">Open until</option>
          </select>
          <input type="time" aria-label="Until" value={until} onChange={(e) => setUntil(e.target.value)} />
          <input aria-label="Note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
          <button type="button" onClick={() => void override({ state, until, ...(note ? { note } : {}) })}>Set temporary change</button>
        </div>
      )}
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="preview" data-testid="hours-preview">
        <label className="field"><span>At this date and time ({s.timezone})</span>
          <input type="datetime-local" name="hours-preview-at" value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
        {answer && <div className={`preview-answer port-${answer.port}`}>the call goes to <strong data-testid="hours-preview-port">{answer.port}</strong> — {answer.reason}</div>}
      </div>
    </div>
  );
}
