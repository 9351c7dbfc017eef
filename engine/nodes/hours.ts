import { z } from 'zod';
import { DateTime, IANAZone } from 'luxon';
import { DAYS, OBSERVED, checkDayRule, dayRuleFields, holidayOn, ruleOn, ruleWords, type Day } from './day-rules.js';

export { DAYS, DAY_NAMES, dateSchema, type Day } from './day-rules.js';

const OPEN = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const openTime = z.string({ error: 'Give an opening time like 09:00' }).regex(OPEN, 'Use 24-hour time like 09:00');
const closeTime = z.string({ error: 'Give a closing time like 17:00' }).regex(CLOSE, 'Use 24-hour time like 17:30 (24:00 for midnight)');

/** One opening range; `close` may be 24:00, or earlier than `open` for a range past midnight. */
export const rangeSchema = z.object({ open: openTime, close: closeTime });
export type Range = z.output<typeof rangeSchema>;

/**
 * One day's special hours (`open`/`close`: a partial day like Dec 24 09:00–12:00), or `closed: true`, on a day
 * given as a date, a yearly day or a weekday of a month (day-rules.ts). Several entries for a day give several ranges.
 */
export const overrideSchema = z
  .object({ ...dayRuleFields, open: openTime.optional(), close: closeTime.optional(), closed: z.boolean().optional() })
  .superRefine((o, ctx) => {
    checkDayRule(o, ctx);
    if (o.closed) return;
    if (o.open === undefined) ctx.addIssue({ code: 'custom', path: ['open'], message: 'Give the opening time for this day, or mark it closed' });
    if (o.close === undefined) ctx.addIssue({ code: 'custom', path: ['close'], message: 'Give the closing time for this day, or mark it closed' });
  });

/**
 * A day off: one date, or recurring (yearly 12-25, the 4th Thursday of November, the last Monday of May), with an
 * observed-day rule for weekends (`nearest-weekday`: Saturday → the Friday before, Sunday → the Monday after; the
 * day itself stays a holiday too).
 */
export const holidaySchema = z
  .object({ ...dayRuleFields, name: z.string().max(200).default('Holiday'), observed: z.enum(OBSERVED, { error: 'observed is "none" or "nearest-weekday"' }).optional() })
  .superRefine(checkDayRule);

/** The businessHours node's data: zone, weekly hours, holidays and one-day overrides. */
export const hoursSchema = z.object({
  timezone: z.string().min(1, 'Pick a time zone, or leave it empty to use the flow’s').optional(),
  weekly: z
    .strictObject(Object.fromEntries(DAYS.map((d) => [d, z.array(rangeSchema).optional()])) as Record<Day, z.ZodOptional<z.ZodArray<typeof rangeSchema>>>, {
      error: (i) => (i.code === 'unrecognized_keys' ? 'Days are written mon, tue, wed, thu, fri, sat, sun' : undefined),
    })
    .default({}),
  holidays: z.array(holidaySchema).default([]),
  overrides: z.array(overrideSchema).default([]),
});
export type HoursData = z.output<typeof hoursSchema>;

/**
 * A temporary change of a shared schedule ("closed until 15:00", "open until 19:00"): `state` holds from when it was
 * set until the instant `until` (exclusive), over every other rule; after that the schedule's rules hold again.
 */
export const temporarySchema = z.object({
  state: z.enum(['open', 'closed'], { error: 'state is "open" or "closed"' }),
  until: z.iso.datetime({ offset: true, error: 'Give the end as a date and time with its offset, like 2026-12-07T15:00:00-05:00' }),
  note: z.string().max(200).optional(),
}).strict();
export type Temporary = z.output<typeof temporarySchema>;

/** Hours as evaluated: a node's own, or a shared schedule's with its temporary change (if any). */
export type HoursRules = HoursData & { temporary?: Temporary | null };

/** "HH:MM" → minutes after midnight ("24:00" → 1440). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Does this range run past midnight into the next day? (open == close is an empty range.) */
export function overnight(r: Range): boolean {
  return minutesOf(r.close) < minutesOf(r.open);
}

interface DayPlan { ranges: Range[]; source: 'override' | 'closed-override' | 'holiday' | 'weekly'; holiday?: string; rule?: string }

/** The ranges that START on a date: its override (one-day hours win over a holiday), none on a holiday, else its weekday's hours. */
function planFor(d: HoursData, date: DateTime): DayPlan {
  const overrides = d.overrides.filter((o) => ruleOn(o, date));
  const rule = overrides[0] && !overrides[0].date ? ruleWords(overrides[0]) : undefined;
  if (overrides.some((o) => o.closed)) return { ranges: [], source: 'closed-override', ...(rule ? { rule } : {}) };
  if (overrides.length) return { ranges: overrides.map((o) => ({ open: o.open!, close: o.close! })), source: 'override', ...(rule ? { rule } : {}) };
  for (const h of d.holidays) {
    const on = holidayOn(h, date);
    if (on) return { ranges: [], source: 'holiday', holiday: on === 'observed' ? `${h.name} (observed)` : h.name };
  }
  return { ranges: d.weekly[DAYS[date.weekday - 1] as Day] ?? [], source: 'weekly' };
}

/** The zone the hours are read in: the node's, else the flow's, else UTC (invalid zones are skipped; lint flags them). */
export function hoursZone(d: Pick<HoursData, 'timezone'>, flowZone: string): string {
  if (d.timezone && IANAZone.isValidZone(d.timezone)) return d.timezone;
  return IANAZone.isValidZone(flowZone) ? flowZone : 'UTC';
}

/** Where a call goes at an instant, and why, in words for the builder's preview. */
export interface HoursAnswer { port: 'open' | 'closed' | 'holiday'; reason: string }

/** Where the hours put an instant, with what decided it (the reason is worded from this only when asked for). */
type Verdict =
  | { port: 'closed'; invalid: string }
  | { port: 'open' | 'closed'; temporary: Temporary; local: DateTime; zone: string }
  | { port: HoursAnswer['port']; local: DateTime; zone: string; day: DateTime; today: DayPlan; range?: Range; overnightFrom?: DateTime };

/**
 * Pure evaluation of business hours at an instant, on wall-clock time in the
 * zone (so DST changes need no special case). A range belongs to the day it
 * starts: 22:00–06:00 on Friday is open Friday night and Saturday until 06:00;
 * a holiday or closed override cancels the ranges that start that day.
 * Close is exclusive.
 */
function verdictAt(d: HoursRules, timezone: string, isoInstant: string): Verdict {
  const zone = hoursZone(d, timezone);
  const t = DateTime.fromISO(isoInstant, { setZone: true });
  if (!t.isValid) return { port: 'closed', invalid: isoInstant };
  const local = t.setZone(zone);
  // A temporary change holds over every rule until its end (exclusive).
  if (d.temporary && t.toMillis() < Date.parse(d.temporary.until)) return { port: d.temporary.state, temporary: d.temporary, local, zone };
  const m = local.hour * 60 + local.minute;
  const day = local.startOf('day');
  const today = planFor(d, day);
  for (const r of today.ranges) {
    const o = minutesOf(r.open), c = minutesOf(r.close);
    if (c < o ? m >= o : m >= o && m < c) return { port: 'open', local, zone, day, today, range: r };
  }
  const prevDay = day.minus({ days: 1 });
  for (const r of planFor(d, prevDay).ranges) {
    if (overnight(r) && m < minutesOf(r.close)) return { port: 'open', local, zone, day, today, range: r, overnightFrom: prevDay };
  }
  return { port: today.source === 'holiday' ? 'holiday' : 'closed', local, zone, day, today };
}

/**
 * The port business hours `d` give at an instant (open, closed or holiday): {@link hoursAt} without the
 * words, for whoever only needs the answer (the node on every call, the server's team working hours).
 */
export function hoursPortAt(d: HoursRules, timezone: string, isoInstant: string): HoursAnswer['port'] {
  return verdictAt(d, timezone, isoInstant).port;
}

/** Where a call goes at an instant (see {@link verdictAt} for the rules), and why, in words. */
export function hoursAt(d: HoursRules, timezone: string, isoInstant: string): HoursAnswer {
  const v = verdictAt(d, timezone, isoInstant);
  if ('invalid' in v) return { port: 'closed', reason: `Closed: "${v.invalid}" is not a date and time` };
  if ('temporary' in v) {
    const until = DateTime.fromISO(v.temporary.until).setZone(v.zone);
    const note = v.temporary.note ? `; ${v.temporary.note}` : '';
    return { port: v.port, reason: `${v.port === 'open' ? 'Open' : 'Closed'} until ${until.toFormat('cccc yyyy-MM-dd HH:mm')} (a temporary change${note}; it is ${v.local.toFormat('cccc yyyy-MM-dd HH:mm')} in ${v.zone})` };
  }
  const { local, zone, day, today, range: r } = v;
  const at = `it is ${local.toFormat('cccc yyyy-MM-dd HH:mm')} in ${zone}`;
  const label = today.source === 'override' ? `the special hours of ${day.toISODate()}${today.rule ? ` (${today.rule})` : ''}` : `${local.toFormat('cccc')}'s hours`;
  if (r && v.overnightFrom) return { port: 'open', reason: `Open: ${v.overnightFrom.toFormat('cccc')}'s ${r.open}–${r.close} hours run past midnight (${at})` };
  if (r) return { port: 'open', reason: `Open: ${label} ${r.open}–${r.close} (${at})` };
  if (today.source === 'holiday') return { port: 'holiday', reason: `Holiday: ${today.holiday} (${at})` };
  if (today.source === 'closed-override') return { port: 'closed', reason: `Closed: ${day.toISODate()}${today.rule ? ` (${today.rule})` : ''} is marked closed (${at})` };
  const listed = today.ranges.map((x) => `${x.open}–${x.close}`).join(', ');
  return { port: 'closed', reason: listed ? `Closed: outside ${label} ${listed} (${at})` : `Closed: no hours on ${today.source === 'override' ? day.toISODate() : local.toFormat('cccc')} (${at})` };
}
