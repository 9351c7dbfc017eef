import { IANAZone } from 'luxon';
import { defineNode, type KindFinding } from '../node-kind.js';
import { z } from 'zod';
import { DAYS, DAY_NAMES, hoursAt, hoursPortAt, hoursSchema, minutesOf, type HoursAnswer, type HoursData, type Range } from './hours.js';
import { ruleKey, ruleWords } from './day-rules.js';
import type { ScheduleEnv } from '../types.js';
import { cardLine, phrases } from './words.js';

export { hoursAt, hoursPortAt, type HoursAnswer } from './hours.js';

/** A shared schedule's id (server/api/schedules.ts makes them). */
export const SCHEDULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const schema = hoursSchema.extend({
  scheduleId: z.string().regex(SCHEDULE_ID, 'A schedule id is lower-case letters, digits and -, like main-office').optional(),
});
type BusinessHoursData = z.output<typeof schema>;

/** Does the node have hours of its own (which a scheduleId makes dead)? */
const ownHours = (d: Partial<HoursData>) => DAYS.some((day) => (d.weekly?.[day] ?? []).length > 0) || (d.holidays ?? []).length > 0 || (d.overrides ?? []).length > 0;

/**
 * Where a businessHours node sends a call at an instant, and why: by its shared schedule (read from the step's
 * `schedules`, as the server handed them) or by its own hours. A schedule that is not there gives `closed`.
 */
export function nodeHoursAt(d: BusinessHoursData, schedules: Readonly<Record<string, ScheduleEnv>> | undefined, timezone: string, isoInstant: string): HoursAnswer {
  if (!d.scheduleId) return hoursAt(d, timezone, isoInstant);
  const s = schedules?.[d.scheduleId];
  if (!s) return { port: 'closed', reason: `Closed: the shared schedule "${d.scheduleId}" does not exist` };
  const a = hoursAt(s, timezone, isoInstant);
  return { port: a.port, reason: `${s.name}: ${a.reason}` };
}

type Finding = KindFinding;
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
    if (holidays.has(ruleKey(h))) out.push({ code: 'hours.holiday-duplicate', severity: 'warning', message: `${ruleWords(h)} is listed as a holiday twice.` });
    holidays.add(ruleKey(h));
  }
  const byDate = new Map<string, Array<{ open?: string; close?: string; closed?: boolean }>>();
  const words = new Map<string, string>();
  for (const o of d.overrides) {
    byDate.set(ruleKey(o), [...(byDate.get(ruleKey(o)) ?? []), o]);
    words.set(ruleKey(o), ruleWords(o));
  }
  for (const [key, list] of byDate) {
    const date = words.get(key)!;
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

/** Route by opening hours in a time zone: weekly hours, holidays and one-day overrides, or a shared schedule. */
export const businessHours = defineNode({
  type: 'businessHours',
  label: 'Business hours',
  description: 'Send the call one way when you are open and another when you are closed or on a holiday. Use a shared schedule to change the hours of every flow at once.',
  schema,
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
    if (d.scheduleId) return [cardLine(`Shared schedule: ${d.scheduleId}`)];
    const open = DAYS.filter((k) => (d.weekly?.[k] ?? []).length).map((k) => `${k} ${d.weekly![k]!.map((r) => `${r.open}–${r.close}`).join(',')}`);
    const hol = (d.holidays ?? []).length;
    return [cardLine(open.length ? open.slice(0, 2).join(' · ') + (open.length > 2 ? ` +${open.length - 2}` : '') : 'always closed'), hol ? `${hol} holiday${hol > 1 ? 's' : ''}` : ''].filter(Boolean);
  },
  sets: () => [],
  cost: () => ({}),
  widgets: { weekly: 'hours', holidays: 'hidden', overrides: 'hidden', scheduleId: 'hidden' },
  scheduleRef: (d) => d.scheduleId,
  // Only the port: the reason's wording is for the builder's preview (nodeHoursAt). A shared schedule is read from
  // the step's env (the server hands it in at call time); one that is not there sends the call to closed.
  enter: (d, ctx) => {
    const at = ctx.now.toISO() ?? ctx.env.now;
    if (!d.scheduleId) return { port: hoursPortAt(d, ctx.timezone, at) };
    const s = ctx.env.schedules?.[d.scheduleId];
    return { port: s ? hoursPortAt(s, ctx.timezone, at) : 'closed' };
  },
  lint: (d) => {
    const out: Finding[] = [];
    if (d.scheduleId) {
      if (ownHours(d)) out.push({ code: 'hours.schedule-and-own', severity: 'error', path: ['scheduleId'], message: `This step follows the shared schedule "${d.scheduleId}" and also has hours of its own, which would be ignored. Keep one: clear its own hours, or stop using the schedule.` });
      return out;
    }
    if (d.timezone !== undefined && !IANAZone.isValidZone(d.timezone)) {
      out.push({ code: 'hours.timezone', severity: 'error', message: `"${d.timezone}" is not a time zone we know. Use a name like America/New_York or Europe/London.` });
    }
    out.push(...lintWeekly(d), ...lintDates(d));
    const anyHours = DAYS.some((day) => (d.weekly[day] ?? []).length > 0) || d.overrides.some((o) => !o.closed);
    if (!anyHours) out.push({ code: 'hours.never-open', severity: 'warning', message: 'No opening hours are set, so every call goes to closed.' });
    return out;
  },
});
