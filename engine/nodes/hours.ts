import { z } from 'zod';
import { DateTime, IANAZone } from 'luxon';

/** Weekday keys, Monday first (luxon's weekday 1..7). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export const DAY_NAMES: Record<Day, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

const OPEN = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const openTime = z.string({ error: 'Give an opening time like 09:00' }).regex(OPEN, 'Use 24-hour time like 09:00');
const closeTime = z.string({ error: 'Give a closing time like 17:00' }).regex(CLOSE, 'Use 24-hour time like 17:30 (24:00 for midnight)');

/** A calendar date `YYYY-MM-DD` that exists. */
export const dateSchema = z
  .string({ error: 'Give a date like 2026-12-25' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-25')
  .refine((s) => DateTime.fromISO(s, { zone: 'utc' }).isValid, 'This date does not exist on the calendar');

/** One opening range; `close` may be 24:00, or earlier than `open` for a range past midnight. */
export const rangeSchema = z.object({ open: openTime, close: closeTime });
export type Range = z.output<typeof rangeSchema>;

/** One day's special hours (`open`/`close`), or `closed: true`. Several entries for a date give several ranges. */
export const overrideSchema = z
  .object({ date: dateSchema, open: openTime.optional(), close: closeTime.optional(), closed: z.boolean().optional() })
  .superRefine((o, ctx) => {
    if (o.closed) return;
    if (o.open === undefined) ctx.addIssue({ code: 'custom', path: ['open'], message: 'Give the opening time for this day, or mark it closed' });
    if (o.close === undefined) ctx.addIssue({ code: 'custom', path: ['close'], message: 'Give the closing time for this day, or mark it closed' });
  });

/** The businessHours node's data: zone, weekly hours, holidays and one-day overrides. */
export const hoursSchema = z.object({
  timezone: z.string().min(1, 'Pick a time zone, or leave it empty to use the flow’s').optional(),
  weekly: z
    .strictObject(Object.fromEntries(DAYS.map((d) => [d, z.array(rangeSchema).optional()])) as Record<Day, z.ZodOptional<z.ZodArray<typeof rangeSchema>>>, {
      error: (i) => (i.code === 'unrecognized_keys' ? 'Days are written mon, tue, wed, thu, fri, sat, sun' : undefined),
    })
    .default({}),
  holidays: z.array(z.object({ date: dateSchema, name: z.string().max(200).default('Holiday') })).default([]),
  overrides: z.array(overrideSchema).default([]),
});
export type HoursData = z.output<typeof hoursSchema>;

/** "HH:MM" → minutes after midnight ("24:00" → 1440). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Does this range run past midnight into the next day? (open == close is an empty range.) */
export function overnight(r: Range): boolean {
  return minutesOf(r.close) < minutesOf(r.open);
}

interface DayPlan { ranges: Range[]; source: 'override' | 'closed-override' | 'holiday' | 'weekly'; holiday?: string }

/** The ranges that START on a date: its override, none on a holiday, else its weekday's hours. */
function planFor(d: HoursData, date: DateTime): DayPlan {
  const iso = date.toISODate()!;
  const overrides = d.overrides.filter((o) => o.date === iso);
  if (overrides.some((o) => o.closed)) return { ranges: [], source: 'closed-override' };
  if (overrides.length) return { ranges: overrides.map((o) => ({ open: o.open!, close: o.close! })), source: 'override' };
  const holiday = d.holidays.find((h) => h.date === iso);
  if (holiday) return { ranges: [], source: 'holiday', holiday: holiday.name };
  return { ranges: d.weekly[DAYS[date.weekday - 1]!] ?? [], source: 'weekly' };
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
  | { port: HoursAnswer['port']; local: DateTime; zone: string; day: DateTime; today: DayPlan; range?: Range; overnightFrom?: DateTime };

/**
 * Pure evaluation of business hours at an instant, on wall-clock time in the
 * zone (so DST changes need no special case). A range belongs to the day it
 * starts: 22:00–06:00 on Friday is open Friday night and Saturday until 06:00;
 * a holiday or closed override cancels the ranges that start that day.
 * Close is exclusive.
 */
function verdictAt(d: HoursData, timezone: string, isoInstant: string): Verdict {
  const zone = hoursZone(d, timezone);
  const t = DateTime.fromISO(isoInstant, { setZone: true });
  if (!t.isValid) return { port: 'closed', invalid: isoInstant };
  const local = t.setZone(zone);
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
export function hoursPortAt(d: HoursData, timezone: string, isoInstant: string): HoursAnswer['port'] {
  return verdictAt(d, timezone, isoInstant).port;
}

/** Where a call goes at an instant (see {@link verdictAt} for the rules), and why, in words. */
export function hoursAt(d: HoursData, timezone: string, isoInstant: string): HoursAnswer {
  const v = verdictAt(d, timezone, isoInstant);
  if ('invalid' in v) return { port: 'closed', reason: `Closed: "${v.invalid}" is not a date and time` };
  const { local, zone, day, today, range: r } = v;
  const at = `it is ${local.toFormat('cccc yyyy-MM-dd HH:mm')} in ${zone}`;
  const label = today.source === 'override' ? `the special hours of ${day.toISODate()}` : `${local.toFormat('cccc')}'s hours`;
  if (r && v.overnightFrom) return { port: 'open', reason: `Open: ${v.overnightFrom.toFormat('cccc')}'s ${r.open}–${r.close} hours run past midnight (${at})` };
  if (r) return { port: 'open', reason: `Open: ${label} ${r.open}–${r.close} (${at})` };
  if (today.source === 'holiday') return { port: 'holiday', reason: `Holiday: ${today.holiday} (${at})` };
  if (today.source === 'closed-override') return { port: 'closed', reason: `Closed: ${day.toISODate()} is marked closed (${at})` };
  const listed = today.ranges.map((x) => `${x.open}–${x.close}`).join(', ');
  return { port: 'closed', reason: listed ? `Closed: outside ${label} ${listed} (${at})` : `Closed: no hours on ${today.source === 'override' ? day.toISODate() : local.toFormat('cccc')} (${at})` };
}
