import { useState } from 'react';
import { DateTime } from 'luxon';
import { DAYS, DAY_NAMES, hoursAt, hoursSchema, hoursZone, type Range } from '../../engine/nodes/hours.js';
import { Issue } from './FieldEditor.js';
import type { NodeData } from './graph.js';
import type { DayRule } from '../../engine/nodes/day-rules.js';
import { DayRuleInput } from './DayRuleInput.js';
import { SharedSchedule } from './SharedSchedule.js';
import type { ScheduleView } from './schedules.js';

type Override = DayRule & { open?: string; close?: string; closed?: boolean };
type Holiday = DayRule & { name: string; observed?: 'none' | 'nearest-weekday' };
/** Which day a rule names, without its other fields (so a change of form drops the old ones). */
const RULE_KEYS = ['date', 'yearly', 'month', 'weekday', 'nth'] as const;
const withRule = <T extends DayRule>(x: T, r: DayRule): T => ({ ...Object.fromEntries(Object.entries(x).filter(([k]) => !(RULE_KEYS as readonly string[]).includes(k))), ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) }) as T;
/** The editor's captions: a businessHours node's by default; a team member's working hours say "days off" and "working". */
export interface HoursWords { holidays: string; overrides: string; answer: string; ports: Partial<Record<'open' | 'closed' | 'holiday', string>> }
const NODE_WORDS: HoursWords = { holidays: 'Holidays (closed all day; the holiday port when wired)', overrides: 'Special days (replace the weekly hours)', answer: 'the call goes to', ports: {} };
interface Props {
  data: NodeData; onChange: (d: NodeData) => void; nodeId: string; flowTimezone: string; issues: Map<string, string>; readOnly: boolean; words?: HoursWords;
  /** A node may follow one of the company's shared schedules instead (`scheduleId`); a member's working hours may not. */
  shared?: { schedules: ScheduleView[] | null; reload: () => void };
}

/** Which hours a node follows: its own, or a shared schedule (picking one clears its own, which would be ignored). */
function HoursSource({ data, onChange, readOnly, shared }: Pick<Props, 'data' | 'onChange' | 'readOnly'> & { shared: NonNullable<Props['shared']> }) {
  const id = typeof data.scheduleId === 'string' ? data.scheduleId : '';
  const list = shared.schedules ?? [];
  const pick = (v: string) => {
    const { scheduleId: _old, ...rest } = data;
    onChange(v ? { ...rest, weekly: {}, holidays: [], overrides: [], scheduleId: v } : rest);
  };
  return (
    <label className="field" data-testid="hours-source"><span>Hours</span>
      <select aria-label="Hours" value={id} disabled={readOnly} onChange={(e) => pick(e.target.value)}>
        <option value="">Hours of this step</option>
        {list.map((s) => <option key={s.id} value={s.id}>Shared schedule: {s.name}</option>)}
        {id && !list.some((s) => s.id === id) && <option value={id}>Shared schedule: {id} (missing)</option>}
      </select>
    </label>
  );
}

/** Weekly hours grid, holidays, one-day overrides, and "at this date and time the call goes to…"; or a shared schedule. */
export function HoursEditor(props: Props) {
  const { data, flowTimezone, readOnly, shared } = props;
  if (!shared) return <OwnHours {...props} />;
  return (
    <>
      <HoursSource data={data} onChange={props.onChange} readOnly={readOnly} shared={shared} />
      {typeof data.scheduleId === 'string' && data.scheduleId
        ? (shared.schedules ? <SharedSchedule data={data} flowTimezone={flowTimezone} schedules={shared.schedules} reload={shared.reload} readOnly={readOnly} /> : <p className="muted">Loading the schedules…</p>)
        : <OwnHours {...props} />}
    </>
  );
}

function OwnHours({ data, onChange, flowTimezone, issues, readOnly, words = NODE_WORDS }: Props) {
  const weekly = (data.weekly ?? {}) as Record<string, Range[] | undefined>;
  const holidays = (data.holidays ?? []) as Holiday[];
  const overrides = (data.overrides ?? []) as Override[];
  const setWeekly = (day: string, ranges: Range[]) => onChange({ ...data, weekly: { ...weekly, [day]: ranges } });
  const time = (label: string, v: string | undefined, set: (s: string) => void) => (
    <input type="time" aria-label={label} value={v === '24:00' ? '23:59' : v ?? ''} disabled={readOnly} onChange={(e) => set(e.target.value)} />
  );
  return (
    <>
      <fieldset className="field group hours" data-testid="hours-weekly">
        <legend>Weekly hours</legend>
        {DAYS.map((day) => {
          const ranges = weekly[day] ?? [];
          return (
            <div key={day} className="hours-day" data-day={day}>
              <span className="day">{DAY_NAMES[day].slice(0, 3)}</span>
              <div className="ranges">
                {ranges.length === 0 && <span className="muted">closed</span>}
                {ranges.map((r, i) => (
                  <span key={i} className="range">
                    {time(`${day} opens`, r.open, (s) => setWeekly(day, ranges.map((x, j) => (j === i ? { ...x, open: s } : x))))}
                    –
                    {time(`${day} closes`, r.close, (s) => setWeekly(day, ranges.map((x, j) => (j === i ? { ...x, close: s } : x))))}
                    {!readOnly && <button type="button" className="link danger" aria-label={`Remove ${day} range`} onClick={() => setWeekly(day, ranges.filter((_, j) => j !== i))}>×</button>}
                    <Issue issues={issues} path={`weekly.${day}.${i}.open`} /><Issue issues={issues} path={`weekly.${day}.${i}.close`} />
                  </span>
                ))}
              </div>
              {!readOnly && <button type="button" className="link" aria-label={`Add hours on ${day}`} onClick={() => setWeekly(day, [...ranges, { open: '09:00', close: '17:00' }])}>+</button>}
            </div>
          );
        })}
        {!readOnly && (
          <button type="button" onClick={() => onChange({ ...data, weekly: { ...weekly, ...Object.fromEntries(['tue', 'wed', 'thu', 'fri'].map((d) => [d, structuredClone(weekly.mon ?? [])])) } })}>
            Copy Monday to Tue–Fri
          </button>
        )}
      </fieldset>
      <fieldset className="field group" data-testid="hours-holidays">
        <legend>{words.holidays}</legend>
        {holidays.map((h, i) => (
          <div key={i} className="row kv">
            <DayRuleInput label="Holiday" rule={h} readOnly={readOnly} onChange={(r) => onChange({ ...data, holidays: holidays.map((x, j) => (j === i ? withRule(x, r) : x)) })} />
            <input aria-label="Holiday name" value={h.name} disabled={readOnly} onChange={(e) => onChange({ ...data, holidays: holidays.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })} />
            {h.date === undefined && (
              <label className="check"><input type="checkbox" checked={h.observed === 'nearest-weekday'} disabled={readOnly}
                onChange={(e) => onChange({ ...data, holidays: holidays.map((x, j) => (j === i ? { ...x, observed: e.target.checked ? 'nearest-weekday' : 'none' } : x)) })} /> on a weekend, also the nearest weekday</label>
            )}
            {!readOnly && <button type="button" className="link danger" onClick={() => onChange({ ...data, holidays: holidays.filter((_, j) => j !== i) })}>×</button>}
            <Issue issues={issues} path={`holidays.${i}.date`} />
          </div>
        ))}
        {!readOnly && <button type="button" onClick={() => onChange({ ...data, holidays: [...holidays, { date: DateTime.now().toISODate()!, name: 'Holiday' }] })}>+ Add holiday</button>}
      </fieldset>
      <fieldset className="field group" data-testid="hours-overrides">
        <legend>{words.overrides}</legend>
        {overrides.map((o, i) => {
          const set = (patch: Partial<Override>) => onChange({ ...data, overrides: overrides.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
          return (
            <div key={i} className="row kv">
              <DayRuleInput label="Special day" rule={o} readOnly={readOnly} onChange={(r) => onChange({ ...data, overrides: overrides.map((x, j) => (j === i ? withRule(x, r) : x)) })} />
              <label className="check"><input type="checkbox" checked={!!o.closed} disabled={readOnly} onChange={(e) => set(e.target.checked ? { closed: true, open: undefined, close: undefined } : { closed: undefined, open: '10:00', close: '14:00' })} /> closed</label>
              {!o.closed && <>{time('Special day opens', o.open, (s) => set({ open: s }))}–{time('Special day closes', o.close, (s) => set({ close: s }))}</>}
              {!readOnly && <button type="button" className="link danger" onClick={() => onChange({ ...data, overrides: overrides.filter((_, j) => j !== i) })}>×</button>}
              <Issue issues={issues} path={`overrides.${i}.open`} />
            </div>
          );
        })}
        {!readOnly && <button type="button" onClick={() => onChange({ ...data, overrides: [...overrides, { date: DateTime.now().toISODate()!, closed: true }] })}>+ Add special day</button>}
      </fieldset>
      <HoursPreview data={data} flowTimezone={flowTimezone} words={words} />
    </>
  );
}

/** "At this date and time the call goes to…", computed by the engine's own `hoursAt`. */
function HoursPreview({ data, flowTimezone, words }: { data: NodeData; flowTimezone: string; words: HoursWords }) {
  const [at, setAt] = useState(() => DateTime.now().toFormat("yyyy-LL-dd'T'HH:mm"));
  const parsed = hoursSchema.safeParse(data);
  const zone = parsed.success ? hoursZone(parsed.data, flowTimezone) : flowTimezone;
  const instant = DateTime.fromISO(at, { zone });
  const answer = parsed.success && instant.isValid ? hoursAt(parsed.data, flowTimezone, instant.toISO()!) : null;
  return (
    <div className="preview" data-testid="hours-preview">
      <label className="field"><span>At this date and time ({zone})</span>
        <input type="datetime-local" name="hours-preview-at" value={at} onChange={(e) => setAt(e.target.value)} />
      </label>
      {answer
        ? <div className={`preview-answer port-${answer.port}`}>{words.answer} <strong data-testid="hours-preview-port">{words.ports[answer.port] ?? answer.port}</strong> — {answer.reason}</div>
        : <div className="field-error">Fix the hours above to see where a call goes.</div>}
    </div>
  );
}
