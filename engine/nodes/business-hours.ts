import { IANAZone } from 'luxon';
import { defineNode } from '../node-kind.js';
import { DAYS, DAY_NAMES, hoursPortAt, hoursSchema, minutesOf, type HoursData, type Range } from './hours.js';
import { cardLine, phrases } from './words.js';

export { hoursAt, hoursPortAt, type HoursAnswer } from './hours.js';

type Finding = { code: string; severity: 'error' | 'warning'; message: string };
const WEEK = 7 * 1440;

/** A weekly range as intervals on a Monday-00:00-based minute axis (split where it wraps past Sunday). */
function weekIntervals(dayIndex: number, r: Range): Array<[number, number]> {
  const o = minutesOf(r.open), c = minutesOf(r.close);
  const start = dayIndex * 1440 + o;
  const end = dayIndex * 1440 + (c < o ? 1440 + c : c);
  return end > WEEK ? [[start, WEEK], [0, end - WEEK]] : [[start, end]];
}

function overlaps(a: Array<[number, number]>, b: Array<[number, number]>): boolean {
  return a.some(([s1, e1]) => b.some(([s2, e2]) => s1 < e2 && s2 < e1));
}

function lintWeekly(d: HoursData): Finding[] {
  const out: Finding[] = [];
  const all: Array<{ label: string; iv: Array<[number, number]> }> = [];
  DAYS.forEach((day, i) => {
    for (const r of d.weekly[day] ?? []) {
      const label = `${DAY_NAMES[day]} ${r.open}–${r.close}`;
      if (r.open === r.close) {
        out.push({ code: 'hours.empty-range', severity: 'error', message: `${label} opens and closes at the same time. For all day use 00:00–24:00.` });
        continue;
      }
      all.push({ label, iv: weekIntervals(i, r) });
    }
  });
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(all[i]!.iv, all[j]!.iv)) out.push({ code: 'hours.overlap', severity: 'warning', message: `The hours ${all[i]!.label} and ${all[j]!.label} overlap. Merge them into one range.` });
    }
  }
  return out;
}

function lintDates(d: HoursData): Finding[] {
  const out: Finding[] = [];
  const holidays = new Set<string>();
  for (const h of d.holidays) {
    if (holidays.has(h.date)) out.push({ code: 'hours.holiday-duplicate', severity: 'warning', message: `${h.date} is listed as a holiday twice.` });
    holidays.add(h.date);
  }
  const byDate = new Map<string, Array<{ open?: string; close?: string; closed?: boolean }>>();
  for (const o of d.overrides) byDate.set(o.date, [...(byDate.get(o.date) ?? []), o]);
  for (const [date, list] of byDate) {
    if (list.some((o) => o.closed) && list.some((o) => !o.closed)) {
      out.push({ code: 'hours.override-conflict', severity: 'warning', message: `${date} is marked closed and also has special hours; it will be closed.` });
    }
    const ranges = list.filter((o) => !o.closed && o.open && o.close) as Range[];
    for (const r of ranges) {
      if (r.open === r.close) out.push({ code: 'hours.empty-range', severity: 'error', message: `The special hours ${r.open}–${r.close} on ${date} open and close at the same time.` });
    }
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (overlaps(weekIntervals(0, ranges[i]!), weekIntervals(0, ranges[j]!))) {
          out.push({ code: 'hours.overlap', severity: 'warning', message: `The special hours on ${date} overlap (${ranges[i]!.open}–${ranges[i]!.close} and ${ranges[j]!.open}–${ranges[j]!.close}).` });
        }
      }
    }
  }
  return out;
}

/** Route by opening hours in a time zone: weekly hours, holidays and one-day overrides. */
export const businessHours = defineNode({
  type: 'businessHours',
  label: 'Business hours',
  description: 'Send the call one way when you are open and another when you are closed or on a holiday.',
  schema: hoursSchema,
  example: {
    weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '09:00', close: '17:00' }]])),
    holidays: [],
    overrides: [],
  },
  ports: () => ['open', 'closed', 'holiday'],
  fallbacks: { holiday: 'closed' },
  // Open and closed are both reached every week: a missing one hangs up on callers silently.
  reachablePorts: () => ['open', 'closed'],
  waits: () => false,
  channels: ['voice', 'sms'],
  silent: true, // plays nothing: a reject after it still refuses the call unanswered
  noun: 'business-hours check',
  portPhrase: phrases({ open: 'for when the business is open', closed: 'for when the business is closed', holiday: 'for holidays' }),
  accent: 'cyan',
  summary: (d) => {
    const open = DAYS.filter((k) => (d.weekly?.[k] ?? []).length).map((k) => `${k} ${d.weekly![k]!.map((r) => `${r.open}–${r.close}`).join(',')}`);
    const hol = (d.holidays ?? []).length;
    return [cardLine(open.length ? open.slice(0, 2).join(' · ') + (open.length > 2 ? ` +${open.length - 2}` : '') : 'always closed'), hol ? `${hol} holiday${hol > 1 ? 's' : ''}` : ''].filter(Boolean);
  },
  sets: () => [],
  cost: () => ({}),
  widgets: { weekly: 'hours', holidays: 'hidden', overrides: 'hidden' },
  // Only the port: the reason's wording is for the builder's preview (hoursAt).
  enter: (d, ctx) => ({ port: hoursPortAt(d, ctx.timezone, ctx.now.toISO() ?? ctx.env.now) }),
  lint: (d) => {
    const out: Finding[] = [];
    if (d.timezone !== undefined && !IANAZone.isValidZone(d.timezone)) {
      out.push({ code: 'hours.timezone', severity: 'error', message: `"${d.timezone}" is not a time zone we know. Use a name like America/New_York or Europe/London.` });
    }
    out.push(...lintWeekly(d), ...lintDates(d));
    const anyHours = DAYS.some((day) => (d.weekly[day] ?? []).length > 0) || d.overrides.some((o) => !o.closed);
    if (!anyHours) out.push({ code: 'hours.never-open', severity: 'warning', message: 'No opening hours are set, so every call goes to closed.' });
    return out;
  },
});
