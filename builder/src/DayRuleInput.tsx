import { DateTime } from 'luxon';
import { DAYS, DAY_NAMES, type DayRule } from '../../engine/nodes/day-rules.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
type Form = 'date' | 'yearly' | 'weekday';
const formOf = (r: DayRule): Form => (r.yearly !== undefined ? 'yearly' : r.month !== undefined || r.weekday !== undefined || r.nth !== undefined ? 'weekday' : 'date');
const CLEAR = { date: undefined, yearly: undefined, month: undefined, weekday: undefined, nth: undefined };

/** Which day a holiday or special day falls on: one date, every year on a day, or the nth (or last) weekday of a month. */
export function DayRuleInput({ rule, onChange, readOnly, label }: { rule: DayRule; onChange: (r: DayRule) => void; readOnly: boolean; label: string }) {
  const form = formOf(rule);
  const today = DateTime.now();
  const switchTo = (f: Form) => onChange({ ...CLEAR, ...(f === 'date' ? { date: today.toISODate()! } : f === 'yearly' ? { yearly: today.toFormat('MM-dd') } : { month: today.month, weekday: 'mon', nth: 1 }) });
  const [mm, dd] = (rule.yearly ?? '01-01').split('-').map(Number) as [number, number];
  const yearly = (m: number, d: number) => onChange({ ...CLEAR, yearly: `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` });
  return (
    <span className="day-rule">
      <select aria-label={`${label}: repeats`} value={form} disabled={readOnly} onChange={(e) => switchTo(e.target.value as Form)}>
        <option value="date">on</option><option value="yearly">every year on</option><option value="weekday">every year, the</option>
      </select>
      {form === 'date' && <input type="date" aria-label={`${label} date`} value={rule.date ?? ''} disabled={readOnly} onChange={(e) => onChange({ ...CLEAR, date: e.target.value })} />}
      {form === 'yearly' && <>
        <select aria-label={`${label} month`} value={mm} disabled={readOnly} onChange={(e) => yearly(Number(e.target.value), dd)}>{MONTHS.map((m, i) => <option key={m} value={i + 1}>{m}</option>)}</select>
        <input type="number" min={1} max={31} aria-label={`${label} day`} value={dd} disabled={readOnly} onChange={(e) => yearly(mm, Number(e.target.value))} />
      </>}
      {form === 'weekday' && <>
        <select aria-label={`${label}: which`} value={String(rule.nth ?? 1)} disabled={readOnly} onChange={(e) => onChange({ ...rule, nth: e.target.value === 'last' ? 'last' : Number(e.target.value) })}>
          {['1', '2', '3', '4', '5'].map((n) => <option key={n} value={n}>{['1st', '2nd', '3rd', '4th', '5th'][Number(n) - 1]}</option>)}<option value="last">last</option>
        </select>
        <select aria-label={`${label} weekday`} value={rule.weekday ?? 'mon'} disabled={readOnly} onChange={(e) => onChange({ ...rule, weekday: e.target.value as DayRule['weekday'] })}>{DAYS.map((d) => <option key={d} value={d}>{DAY_NAMES[d]}</option>)}</select>
        of
        <select aria-label={`${label} month`} value={rule.month ?? 1} disabled={readOnly} onChange={(e) => onChange({ ...rule, month: Number(e.target.value) })}>{MONTHS.map((m, i) => <option key={m} value={i + 1}>{m}</option>)}</select>
      </>}
    </span>
  );
}
