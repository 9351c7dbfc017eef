import { z } from 'zod';
import { DateTime } from 'luxon';

/** Weekday keys, Monday first (luxon's weekday 1..7). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export const DAY_NAMES: Record<Day, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDINAL = ['', '1st', '2nd', '3rd', '4th', '5th'];

/** A calendar date `YYYY-MM-DD` that exists. */
export const dateSchema = z
  .string({ error: 'Give a date like 2026-12-25' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-25')
  .refine((s) => DateTime.fromISO(s, { zone: 'utc' }).isValid, 'This date does not exist on the calendar');

/** A day of every year, `MM-DD` (02-29 counts only in leap years). */
export const monthDaySchema = z
  .string({ error: 'Give a month and day like 12-25' })
  .regex(/^\d{2}-\d{2}$/, 'Use a month and day like 12-25')
  .refine((s) => DateTime.fromISO(`2024-${s}`, { zone: 'utc' }).isValid, 'This day does not exist on the calendar');

/**
 * Which day a rule falls on, in exactly one of three forms: one `date` (2026-12-25); `yearly` (12-25, every
 * year); or the `nth` (1-5, or `last`) `weekday` of a `month` (4th thu of 11 = Thanksgiving, last mon of 5 =
 * Memorial Day). Holidays and one-day hours (overrides) use it.
 */
export const dayRuleFields = {
  date: dateSchema.optional(),
  yearly: monthDaySchema.optional(),
  month: z.number({ error: 'Give the month as a number, 1 (January) to 12' }).int().min(1).max(12).optional(),
  weekday: z.enum(DAYS, { error: 'Days are written mon, tue, wed, thu, fri, sat, sun' }).optional(),
  nth: z.union([z.number().int().min(1).max(5), z.literal('last')], { error: 'Give which one: 1 to 5, or "last"' }).optional(),
};
export interface DayRule { date?: string; yearly?: string; month?: number; weekday?: Day; nth?: number | 'last' }

/** Refinement for an object holding {@link dayRuleFields}: exactly one form, and a weekday rule complete. */
export function checkDayRule(o: DayRule, ctx: z.RefinementCtx): void {
  const weekdayForm = o.month !== undefined || o.weekday !== undefined || o.nth !== undefined;
  const forms = [o.date !== undefined, o.yearly !== undefined, weekdayForm].filter(Boolean).length;
  if (forms === 0) ctx.addIssue({ code: 'custom', path: ['date'], message: 'Give a date (2026-12-25), a yearly day (12-25), or a weekday of a month (nth, weekday, month)' });
  if (forms > 1) ctx.addIssue({ code: 'custom', path: [o.date !== undefined ? 'date' : 'yearly'], message: 'Use one of date, yearly, or nth weekday of a month, not several' });
  if (weekdayForm) {
    for (const f of ['month', 'weekday', 'nth'] as const) {
      if (o[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: `A weekday-of-the-month rule needs ${f === 'nth' ? 'nth (1 to 5, or "last")' : f}` });
    }
  }
}

/** Does the rule fall on this (local) day? */
export function ruleOn(r: DayRule, day: DateTime): boolean {
  if (r.date !== undefined) return day.toISODate() === r.date;
  if (r.yearly !== undefined) return day.toFormat('MM-dd') === r.yearly;
  if (r.month === undefined || r.weekday === undefined || r.nth === undefined) return false;
  if (day.month !== r.month || DAYS[day.weekday - 1] !== r.weekday) return false;
  if (r.nth === 'last') return day.plus({ days: 7 }).month !== day.month;
  return Math.ceil(day.day / 7) === r.nth;
}

/** How a holiday on a weekend is also kept on a weekday: `none`, or `nearest-weekday` (Saturday → Friday before, Sunday → Monday after). */
export const OBSERVED = ['none', 'nearest-weekday'] as const;
export type Observed = (typeof OBSERVED)[number];

/** Is the day the holiday itself, or (with `nearest-weekday`) the weekday it is observed on? Both are closed. */
export function holidayOn(h: DayRule & { observed?: Observed }, day: DateTime): 'day' | 'observed' | false {
  if (ruleOn(h, day)) return 'day';
  if (h.observed !== 'nearest-weekday') return false;
  if (day.weekday === 5 && ruleOn(h, day.plus({ days: 1 }))) return 'observed';
  if (day.weekday === 1 && ruleOn(h, day.minus({ days: 1 }))) return 'observed';
  return false;
}

/** A rule in words: `2026-12-25`, `every December 25`, `the 4th Thursday of November`, `the last Monday of May`. */
export function ruleWords(r: Partial<DayRule>): string {
  if (r.date) return r.date;
  if (r.yearly) {
    const [m, d] = r.yearly.split('-').map(Number);
    return `every ${MONTHS[(m ?? 1) - 1] ?? r.yearly} ${d}`;
  }
  if (r.month && r.weekday && r.nth !== undefined) {
    const which = r.nth === 'last' ? 'last' : ORDINAL[r.nth] ?? `${r.nth}th`;
    return `the ${which} ${DAY_NAMES[r.weekday]} of ${MONTHS[r.month - 1]}`;
  }
  return 'an incomplete day';
}

/** One key per distinct rule (duplicate checks). */
export const ruleKey = (r: DayRule): string => JSON.stringify([r.date ?? null, r.yearly ?? null, r.month ?? null, r.weekday ?? null, r.nth ?? null]);
