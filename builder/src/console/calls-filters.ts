import { DateTime } from 'luxon';
import { href } from './route.js';

/** The outcomes the history filters by (server/store/history-types.ts `CallOutcome` says what each means). */
export const OUTCOMES = ['answered', 'missed', 'voicemail', 'no-answer', 'live', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The call history's filters as the `#/calls?…` hash holds them, so a filtered view can be linked. */
export interface CallFilters { number?: string; direction?: 'inbound' | 'outbound'; outcome?: Outcome; from?: string; to?: string }

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A number as typed (spaces, dashes, dots, brackets dropped); E.164 or not, the server says. */
export const cleanNumber = (s: string) => s.replace(/[\s().-]/g, '');

/** Reads the filters from the hash's query; values it does not know are left out rather than sent. */
export function filtersOf(q: URLSearchParams): CallFilters {
  const f: CallFilters = {};
  const number = cleanNumber(q.get('number') ?? '');
  if (number) f.number = number;
  const d = q.get('direction');
  if (d === 'inbound' || d === 'outbound') f.direction = d;
  const o = q.get('outcome');
  if ((OUTCOMES as readonly string[]).includes(o ?? '')) f.outcome = o as Outcome;
  for (const k of ['from', 'to'] as const) { const v = q.get(k); if (v && DAY.test(v) && DateTime.fromISO(v).isValid) f[k] = v; }
  return f;
}

/** The hash of the history with these filters (`#/calls?outcome=missed`). */
export const filtersHash = (f: CallFilters) => href('calls', { number: f.number, direction: f.direction, outcome: f.outcome, from: f.from, to: f.to });

/**
 * The API's query for these filters: `from`/`to` are whole days in `zone` (the browser's), so `to` runs to the
 * start of the next day there; `since`/`until` go as UTC instants.
 */
export function apiQuery(f: CallFilters, zone: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (f.number) q.set('number', f.number);
  if (f.direction) q.set('direction', f.direction);
  if (f.outcome) q.set('outcome', f.outcome);
  if (f.from) q.set('since', DateTime.fromISO(f.from, { zone }).startOf('day').toUTC().toISO()!);
  if (f.to) q.set('until', DateTime.fromISO(f.to, { zone }).startOf('day').plus({ days: 1 }).toUTC().toISO()!);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return `/api/calls${s ? `?${s}` : ''}`;
}
