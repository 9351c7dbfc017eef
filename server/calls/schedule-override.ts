/**
 * Temporary changes of a shared schedule ("closed until 15:00", "open until 19:00", "closed today"): when one
 * ends, as an instant, from what a person wrote (the API's `until`, an owner's text), and what is in effect now.
 */
import { DateTime } from 'luxon';
import { hoursAt } from '../../engine/nodes/hours.js';
import type { ScheduleRow } from '../store/schedule-types.js';
import { scheduleEnvOf } from './schedules.js';

/**
 * The end of a temporary change as an ISO instant, from `until`: a date and time with its offset
 * (2026-12-07T15:00:00-05:00), a local time `HH:MM` (its next occurrence in the schedule's zone: today when still
 * ahead, else tomorrow) or `end-of-day` (the next local midnight). A string for why it is refused otherwise.
 */
export function untilInstant(until: string, zone: string, now: Date): { at: string } | { refused: string } {
  const local = DateTime.fromJSDate(now).setZone(zone);
  if (until === 'end-of-day') return { at: local.startOf('day').plus({ days: 1 }).toISO()! };
  const hm = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(until);
  if (hm) {
    let at = local.set({ hour: Number(hm[1]), minute: Number(hm[2]), second: 0, millisecond: 0 });
    if (at <= local) at = at.plus({ days: 1 });
    return { at: at.toISO()! };
  }
  const t = DateTime.fromISO(until, { setZone: true });
  if (!t.isValid || !/[zZ]|[+-]\d\d:?\d\d$/.test(until)) return { refused: 'Give the end as a local time like 15:00, "end-of-day", or a date and time with its offset like 2026-12-07T15:00:00-05:00' };
  if (t.toMillis() <= now.getTime()) return { refused: 'That end is in the past' };
  if (t.toMillis() - now.getTime() > 366 * 86_400_000) return { refused: 'A temporary change lasts at most a year; change the hours instead' };
  return { at: t.toISO()! };
}

/** The temporary change, unless it has ended by `now`. */
export function activeTemporary(s: ScheduleRow, now: Date): ScheduleRow['temporary'] {
  return s.temporary && Date.parse(s.temporary.until) > now.getTime() ? s.temporary : null;
}

/** Where the schedule puts a call at `at`, and why, in words (the "what at T" preview). */
export function scheduleAt(s: ScheduleRow, at: string) {
  return hoursAt(scheduleEnvOf(s), s.hours.timezone, at);
}

/** What an owner's text asks for: a change (state until a local time or the end of the day), or back to regular hours. */
export type SmsCommand = { kind: 'set'; state: 'open' | 'closed'; until: string; schedule?: string } | { kind: 'clear'; schedule?: string };

/** `3pm` / `15:00` / `9` / `9:30am` → `HH:MM`; undefined when it is not a time. */
function clock(h: string, m: string | undefined, ampm: string | undefined): string | undefined {
  let hour = Number(h);
  const minute = m === undefined ? 0 : Number(m);
  if (ampm) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/**
 * Reads an owner's text: `CLOSED UNTIL 15:00`, `OPEN UNTIL 7PM`, `CLOSED TODAY`, `OPEN TODAY`, and `OPEN` (or
 * `REGULAR`, `NORMAL`, `RESUME`): back to the regular hours. Case and spaces do not matter; a schedule id may
 * follow (`CLOSED TODAY annex`). Anything else is not a command (undefined): the text is a normal message.
 */
export function smsCommand(text: string | null | undefined): SmsCommand | undefined {
  const t = (text ?? '').trim().replace(/\s+/g, ' ');
  if (t.length > 80) return undefined;
  const id = '(?: ([a-z0-9][a-z0-9-]{0,63}))?';
  let m = new RegExp(`^(closed?|open) until (\\d{1,2})(?:[:.](\\d{2}))? ?(am|pm)?${id}$`, 'i').exec(t);
  if (m) {
    const until = clock(m[2]!, m[3], m[4]);
    return until ? { kind: 'set', state: /^open/i.test(m[1]!) ? 'open' : 'closed', until, ...(m[5] ? { schedule: m[5].toLowerCase() } : {}) } : undefined;
  }
  m = new RegExp(`^(closed?|open) (?:today|for the day)${id}$`, 'i').exec(t);
  if (m) return { kind: 'set', state: /^open/i.test(m[1]!) ? 'open' : 'closed', until: 'end-of-day', ...(m[2] ? { schedule: m[2].toLowerCase() } : {}) };
  m = new RegExp(`^(?:open|regular|normal|resume)(?: hours)?${id}$`, 'i').exec(t);
  if (m) return { kind: 'clear', ...(m[1] ? { schedule: m[1].toLowerCase() } : {}) };
  return undefined;
}
