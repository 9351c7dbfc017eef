/**
 * Our hours rules against an independent evaluator: the `opening_hours` package (OpenStreetMap's evaluator of
 * its opening_hours syntax). Random rule sets (weekly ranges, overnight ranges, 24:00, one-day and recurring
 * holidays with the observed-day rule, partial days, closed days) are translated into OSM syntax, and both say
 * open or not at random instants, in zones with DST (New York, London, Sydney) and without (Kolkata).
 *
 * OSM reads a Date in the process's local zone, so each check sets TZ (vitest runs files in forked processes).
 * Where the two differ by design the generator stays away, and the unit tests cover ours:
 * - OSM computes a night range that runs into a DST change day with the wrong length (found by this test:
 *   `Sa 20:00-00:30` in Europe/London is open at 00:00 on Monday 2026-03-30, after the Sunday the clocks went
 *   forward); instants within 48 hours after an offset change are not compared for rule sets with night ranges.
 * - OSM lets a later rule for a day (a holiday) cut the night range spilling into it from the day before; ours
 *   keeps that night shift running. So overnight ranges are only generated in rule sets without day rules.
 * - Range ends inside a DST jump (01:00–03:59 local) are not generated: a wall-clock time that does not exist,
 *   or exists twice, is a question of convention, not of the rules.
 * - OSM's later rule replaces an earlier one on the same day, ours adds a day's one-day hours together: at most
 *   one partial-day rule is generated (with one or two ranges).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import OpeningHours from 'opening_hours';
import { hoursAt, hoursSchema, type HoursData } from './hours.js';
import { DAYS, type Day } from './day-rules.js';

const OSM_DAY: Record<Day, string> = { mon: 'Mo', tue: 'Tu', wed: 'We', thu: 'Th', fri: 'Fr', sat: 'Sa', sun: 'Su' };
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata'];

const hm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
/** A month-day as OSM writes it (`Dec 25`), `shift` days from it in a non-leap year (generated days avoid Feb 28–Mar 1). */
function osmDate(mmdd: string, shift = 0): string {
  const d = new Date(Date.UTC(2027, Number(mmdd.slice(0, 2)) - 1, Number(mmdd.slice(3, 5)) + shift));
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}`;
}

type Rule = { date?: string; yearly?: string; month?: number; weekday?: Day; nth?: number | 'last' };
function osmSelector(r: Rule): string {
  if (r.date) return `${r.date.slice(0, 4)} ${MON[Number(r.date.slice(5, 7)) - 1]} ${r.date.slice(8, 10)}`;
  if (r.yearly) return osmDate(r.yearly);
  return `${MON[r.month! - 1]} ${OSM_DAY[r.weekday!]}[${r.nth === 'last' ? -1 : r.nth}]`;
}

/** Our rules in OSM syntax: weekly ranges as additional rules, then holidays, partial days and closed days, later ones winning. */
export function toOsm(d: HoursData): string {
  const weekly = DAYS.filter((day) => (d.weekly[day] ?? []).length).map((day) => `${OSM_DAY[day]} ${d.weekly[day]!.map((r) => `${r.open}-${r.close}`).join(',')}`);
  const rules = [weekly.length ? weekly.join(', ') : 'Mo-Su off'];
  for (const h of d.holidays) {
    rules.push(`${osmSelector(h)} off "${h.name}"`);
    if (h.observed === 'nearest-weekday' && h.yearly) rules.push(`${osmDate(h.yearly, -1)} Fr off "${h.name}"`, `${osmDate(h.yearly, 1)} Mo off "${h.name}"`);
  }
  const open = d.overrides.filter((o) => !o.closed);
  if (open.length) rules.push(`${osmSelector(open[0]!)} ${open.map((o) => `${o.open}-${o.close}`).join(',')}`);
  for (const o of d.overrides.filter((x) => x.closed)) rules.push(`${osmSelector(o)} off`);
  return rules.join('; ');
}

/** Did the zone's UTC offset change in the 48 hours before `iso`? */
function afterOffsetChange(zone: string, iso: string): boolean {
  const offset = (t: number) => new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value;
  const t = Date.parse(iso);
  return offset(t) !== offset(t - 48 * 3600_000) || offset(t - 24 * 3600_000) !== offset(t - 48 * 3600_000);
}
const hasNights = (d: HoursData) => DAYS.some((day) => (d.weekly[day] ?? []).some((r) => r.close < r.open));

function osmOpen(d: HoursData, zone: string, iso: string): { open: boolean; comment?: string } {
  process.env.TZ = zone;
  const oh = new OpeningHours(toOsm(d), null as never, { mode: 0 } as never);
  const at = new Date(iso);
  return { open: oh.getState(at), comment: oh.getComment(at) ?? undefined };
}

// Range ends away from DST jumps: 04:00..24:00 by half hours; overnight closes at 00:30 or 04:00..05:00.
const dayMinute = fc.integer({ min: 8, max: 47 }).map((h) => h * 30);
const range = fc.tuple(dayMinute, fc.integer({ min: 1, max: 16 })).map(([o, len]) => ({ open: hm(o), close: hm(Math.min(o + len * 30, 1440)) }));
const night = fc.tuple(fc.integer({ min: 40, max: 46 }).map((h) => h * 30), fc.constantFrom(30, 240, 270, 300)).map(([o, c]) => ({ open: hm(o), close: hm(c) }));
const mmdd = fc.oneof(fc.constantFrom('01-01', '07-04', '11-11', '12-25', '12-31', '12-24'), fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 27 })).map(([m, d]) => `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`));
const dayRule = fc.oneof(
  fc.tuple(fc.integer({ min: 2025, max: 2030 }), mmdd).map(([y, md]) => ({ date: `${y}-${md}` })),
  mmdd.map((yearly) => ({ yearly })),
  fc.record({ month: fc.integer({ min: 1, max: 12 }), weekday: fc.constantFrom(...DAYS), nth: fc.constantFrom(1, 2, 3, 4, 5, 'last' as const) }),
);
const holiday = fc.tuple(dayRule, fc.boolean(), fc.integer({ min: 0, max: 99 })).map(([r, observed, i]) => ({ ...r, name: `H${i}`, ...(observed && 'yearly' in r ? { observed: 'nearest-weekday' as const } : {}) }));

/** One day's ranges without overlaps (two at most, the second after the first). */
type R = { open: string; close: string };
const dayRanges: fc.Arbitrary<R[]> = fc.oneof(fc.constant<R[]>([]), range.map((r): R[] => [r]), fc.tuple(range, fc.integer({ min: 1, max: 4 })).chain(([r, gap]): fc.Arbitrary<R[]> => {
  const start = Number(r.close.slice(0, 2)) * 60 + Number(r.close.slice(3)) + gap * 30;
  return start > 23 * 60 ? fc.constant<R[]>([r]) : fc.integer({ min: 1, max: 4 }).map((len) => [r, { open: hm(start), close: hm(Math.min(start + len * 30, 1440)) }]);
}));

const ruleSet = fc.boolean().chain((nights) => fc.record({
  weekly: fc.record(Object.fromEntries(DAYS.map((day) => [day, nights ? fc.oneof(dayRanges, night.map((r) => [r])) : dayRanges])) as Record<Day, fc.Arbitrary<{ open: string; close: string }[]>>),
  holidays: nights ? fc.constant([]) : fc.array(holiday, { maxLength: 4 }),
  overrides: nights ? fc.constant([]) : fc.tuple(fc.option(fc.tuple(dayRule, dayRanges.filter((r) => r.length > 0))), fc.option(dayRule)).map(([partial, closed]) => [
    ...(partial ? partial[1].map((r) => ({ ...partial[0], ...r })) : []),
    ...(closed ? [{ ...closed, closed: true }] : []),
  ]),
})).map((d) => hoursSchema.parse(d));

// Instants: any minute 2025–2030, and minutes on DST change days.
const anyInstant = fc.integer({ min: Date.UTC(2025, 0, 1) / 60000, max: Date.UTC(2030, 11, 31) / 60000 }).map((m) => new Date(m * 60000).toISOString());
const dstDays = ['2026-03-08', '2026-11-01', '2026-03-29', '2026-10-25', '2026-04-05', '2026-10-04', '2027-03-14', '2027-03-28'];
const dstInstant = fc.tuple(fc.constantFrom(...dstDays), fc.integer({ min: -720, max: 2160 })).map(([d, m]) => new Date(Date.parse(`${d}T00:00:00Z`) + m * 60000).toISOString());
const instant = fc.oneof(anyInstant, dstInstant);
/** Local days (y, m, d; d may run past the month: Date arithmetic carries it) on or next to a day rule's days. */
function nearDays(r: Rule): fc.Arbitrary<[number, number, number]> {
  const year = fc.integer({ min: 2025, max: 2030 });
  if (r.date) return fc.integer({ min: -1, max: 1 }).map((k) => [Number(r.date!.slice(0, 4)), Number(r.date!.slice(5, 7)), Number(r.date!.slice(8, 10)) + k]);
  if (r.yearly) return fc.tuple(year, fc.integer({ min: -1, max: 1 })).map(([y, k]) => [y, Number(r.yearly!.slice(0, 2)), Number(r.yearly!.slice(3, 5)) + k]);
  const from = r.nth === 'last' ? 21 : (Number(r.nth) - 1) * 7;
  return fc.tuple(year, fc.integer({ min: from, max: from + 10 })).map(([y, k]) => [y, r.month!, k]);
}
/** Instants on or next to the rule set's day rules, local time in `zone`. */
const ruleInstant = (rules: Rule[], zone: string) => fc.tuple(fc.constantFrom(...rules).chain(nearDays), fc.integer({ min: 0, max: 1439 }))
  .map(([[y, m, day], min]) => {
    const date = new Date(Date.UTC(y, m - 1, day, Math.floor(min / 60), min % 60));
    // The local wall time as an instant in the zone (via its offset at about that time).
    const off = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(date).find((p) => p.type === 'timeZoneName')!.value;
    const o = /GMT([+-]\d\d):?(\d\d)?/.exec(off);
    return `${date.toISOString().slice(0, 19)}${o ? `${o[1]}:${o[2] ?? '00'}` : 'Z'}`;
  });

describe('hours rules agree with OpenStreetMap opening_hours', () => {
  it('the translation reads as OSM means it (known cases)', () => {
    const d = hoursSchema.parse({ weekly: { mon: [{ open: '09:00', close: '17:00' }] }, holidays: [{ name: 'Thanksgiving', month: 11, weekday: 'thu', nth: 4 }, { name: 'Xmas', yearly: '12-25', observed: 'nearest-weekday' }] });
    expect(toOsm(d)).toBe('Mo 09:00-17:00; Nov Th[4] off "Thanksgiving"; Dec 25 off "Xmas"; Dec 24 Fr off "Xmas"; Dec 26 Mo off "Xmas"');
    expect(osmOpen(d, 'America/New_York', '2026-12-07T15:00:00Z').open).toBe(true);
    expect(osmOpen(d, 'America/New_York', '2022-12-26T15:00:00Z')).toEqual({ open: false, comment: 'Xmas' }); // Sunday Dec 25 → Monday
  });

  it('open or not, at random instants, for random rule sets (property)', () => {
    const tz = process.env.TZ;
    try {
      const cases = fc.tuple(ruleSet, fc.constantFrom(...ZONES)).chain(([d, zone]) => {
        const rules: Rule[] = [...d.holidays, ...d.overrides];
        const at = rules.length ? fc.oneof(instant, ruleInstant(rules, zone), ruleInstant(rules, zone)) : instant;
        return fc.tuple(fc.constant(d), fc.constant(zone), fc.array(at, { minLength: 12, maxLength: 12 }));
      });
      fc.assert(fc.property(cases, ([d, zone, instants]) => {
        for (const iso of instants) {
          if (hasNights(d) && afterOffsetChange(zone, iso)) continue;
          const ours = hoursAt(d, zone, iso);
          const theirs = osmOpen(d, zone, iso);
          const said = `${toOsm(d)} @ ${iso} in ${zone}: ours ${ours.reason}`;
          expect(ours.port === 'open', said).toBe(theirs.open);
          // OSM's comment on a closed day names the holiday; ours routes to holiday (a closed one-day rule wins over it).
          if (!theirs.open && theirs.comment && ours.port !== 'open') expect(ours.port, said).toBe('holiday');
        }
      }), { numRuns: 100 });
    } finally {
      if (tz === undefined) delete process.env.TZ; else process.env.TZ = tz;
    }
  });
});
