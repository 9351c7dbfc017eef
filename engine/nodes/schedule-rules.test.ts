/** Recurring holidays, observed days, partial days, temporary changes and shared schedules (issue #13 item 4). */
import { describe, expect, it } from 'vitest';
import { businessHours, hoursAt, nodeHoursAt } from './business-hours.js';
import { hoursSchema } from './hours.js';
import { flowOf, portsOf, runCall } from './test-kit.js';
import { lintFlow } from '../lint.js';
import type { ScheduleEnv } from '../types.js';

const NY = 'America/New_York';
const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '09:00', close: '17:00' }]]));
const parse = (d: unknown) => hoursSchema.parse(d);
/** The port at local noon (or `time`) of a New York date. */
const on = (d: unknown, date: string, time = '12:00') => hoursAt(parse(d), NY, `${date}T${time}:00-05:00`).port;

describe('recurring holidays', () => {
  it('a yearly date, every year', () => {
    const d = { weekly: weekdays, holidays: [{ name: 'Christmas', yearly: '12-25' }] };
    expect(on(d, '2026-12-25')).toBe('holiday'); // Friday
    expect(on(d, '2029-12-25')).toBe('holiday'); // Tuesday
    expect(on(d, '2026-12-24')).toBe('open');
    expect(hoursAt(parse(d), NY, '2027-12-25T12:00:00-05:00').reason).toContain('Holiday: Christmas');
  });

  it('the nth weekday of a month: Thanksgiving is the 4th Thursday of November', () => {
    const d = { weekly: weekdays, holidays: [{ name: 'Thanksgiving', month: 11, weekday: 'thu', nth: 4 }] };
    expect(on(d, '2026-11-26')).toBe('holiday');
    expect(on(d, '2027-11-25')).toBe('holiday');
    expect(on(d, '2026-11-19')).toBe('open'); // the 3rd Thursday
    expect(on(d, '2028-11-30')).toBe('open'); // 2028 has five Thursdays: the 5th is not the 4th
    expect(on(d, '2028-11-23')).toBe('holiday');
  });

  it('the last weekday of a month: Memorial Day is the last Monday of May', () => {
    const d = { weekly: weekdays, holidays: [{ name: 'Memorial Day', month: 5, weekday: 'mon', nth: 'last' }] };
    expect(on(d, '2026-05-25')).toBe('holiday');
    expect(on(d, '2027-05-31')).toBe('holiday');
    expect(on(d, '2027-05-24')).toBe('open');
  });

  it('observed on the nearest weekday: Saturday → Friday, Sunday → Monday; the day itself stays a holiday', () => {
    const d = { weekly: { ...weekdays, sat: [{ open: '10:00', close: '14:00' }], sun: [{ open: '10:00', close: '14:00' }] }, holidays: [{ name: 'Independence Day', yearly: '07-04', observed: 'nearest-weekday' }] };
    expect(on(d, '2026-07-03')).toBe('holiday'); // Friday: observed (the 4th is a Saturday)
    expect(on(d, '2026-07-04')).toBe('holiday'); // the day itself
    expect(on(d, '2026-07-06')).toBe('open'); // the Monday after a Saturday holiday is not observed
    expect(hoursAt(parse(d), NY, '2026-07-03T12:00:00-04:00').reason).toContain('Independence Day (observed)');
    expect(on(d, '2027-07-05')).toBe('holiday'); // 2027-07-04 is a Sunday: Monday observed
    expect(on(d, '2027-07-02')).toBe('open');
    expect(on(d, '2029-07-03')).toBe('open'); // a Tuesday holiday shifts nothing
    expect(on({ ...d, holidays: [{ name: 'Independence Day', yearly: '07-04' }] }, '2026-07-03')).toBe('open'); // observed: none
  });

  it('observed across the new year: Jan 1 on a Saturday is kept on Friday Dec 31', () => {
    const d = { weekly: weekdays, holidays: [{ name: "New Year's Day", yearly: '01-01', observed: 'nearest-weekday' }] };
    expect(on(d, '2021-12-31')).toBe('holiday'); // 2022-01-01 was a Saturday
    expect(on(d, '2027-12-31')).toBe('holiday'); // 2028-01-01 is a Saturday too
    expect(on(d, '2026-12-31')).toBe('open'); // 2027-01-01 is a Friday: nothing moves
  });
});

describe('partial days (one-day hours on a rule)', () => {
  it('every Dec 24 open 09:00–12:00, over the weekday hours', () => {
    const d = { weekly: weekdays, overrides: [{ yearly: '12-24', open: '09:00', close: '12:00' }] };
    expect(on(d, '2026-12-24', '11:59')).toBe('open');
    expect(on(d, '2026-12-24', '12:00')).toBe('closed');
    expect(on(d, '2027-12-24', '13:00')).toBe('closed');
    expect(hoursAt(parse(d), NY, '2026-12-24T10:00:00-05:00').reason).toContain('every December 24');
  });

  it('a partial day on a holiday opens those hours; the day after Thanksgiving closes at 13:00', () => {
    const d = { weekly: weekdays, holidays: [{ name: 'Thanksgiving', month: 11, weekday: 'thu', nth: 4 }], overrides: [{ month: 11, weekday: 'fri', nth: 4, open: '09:00', close: '13:00' }] };
    expect(on(d, '2026-11-27', '12:30')).toBe('open');
    expect(on(d, '2026-11-27', '13:30')).toBe('closed');
  });

  it('refuses a rule in two forms, an incomplete weekday rule, or none, with paths', () => {
    const issues = (o: unknown) => hoursSchema.safeParse({ holidays: [o] }).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ name: 'x', date: '2026-12-25', yearly: '12-25' })).toEqual(['holidays.0.date']);
    expect(issues({ name: 'x', month: 11, weekday: 'thu' })).toEqual(['holidays.0.nth']);
    expect(issues({ name: 'x' })).toEqual(['holidays.0.date']);
    expect(issues({ name: 'x', yearly: '02-30' })).toEqual(['holidays.0.yearly']);
    expect(issues({ name: 'x', yearly: '02-29' })).toBeUndefined();
    expect(issues({ name: 'x', month: 13, weekday: 'thu', nth: 1 })).toEqual(['holidays.0.month']);
    expect(issues({ name: 'x', yearly: '12-25', observed: 'monday' })).toEqual(['holidays.0.observed']);
  });
});

describe('temporary changes', () => {
  const base = { weekly: weekdays, timezone: NY };
  it('"closed until 15:00" holds over the weekly hours until then, exclusive', () => {
    const d = { ...parse(base), temporary: { state: 'closed' as const, until: '2026-12-07T15:00:00-05:00' } };
    expect(hoursAt(d, NY, '2026-12-07T14:59:00-05:00')).toEqual({ port: 'closed', reason: expect.stringContaining('Closed until Monday 2026-12-07 15:00') });
    expect(hoursAt(d, NY, '2026-12-07T15:00:00-05:00').port).toBe('open');
  });
  it('"open until 20:00" opens after hours and on a holiday', () => {
    const d = { ...parse({ ...base, holidays: [{ name: 'x', date: '2026-12-07' }] }), temporary: { state: 'open' as const, until: '2026-12-07T20:00:00-05:00' } };
    expect(hoursAt(d, NY, '2026-12-07T19:00:00-05:00').port).toBe('open');
    expect(hoursAt(d, NY, '2026-12-07T20:00:00-05:00').port).toBe('holiday');
  });
});

describe('a businessHours node following a shared schedule', () => {
  const schedule = (over: Partial<ScheduleEnv> = {}): Record<string, ScheduleEnv> => ({ 'main-office': { name: 'Main office', ...parse({ timezone: 'America/Chicago', weekly: weekdays }), ...over } });
  const flow = flowOf(
    [
      { id: 'hours', type: 'businessHours', data: { scheduleId: 'main-office' } },
      { id: 'open', type: 'say', data: { text: 'open' } },
      { id: 'shut', type: 'say', data: { text: 'closed' } },
      { id: 'hol', type: 'say', data: { text: 'holiday' } },
    ],
    [['hours', 'open', 'open'], ['hours', 'closed', 'shut'], ['hours', 'holiday', 'hol']],
  );
  const route = (now: string, schedules?: Record<string, ScheduleEnv>) => portsOf(runCall(flow, { now, mode: 'texml', ...(schedules ? { schedules } : {}) }, [])[0]!)[0];

  it('reads the schedule from the step env, in the schedule zone (Chicago, not the flow New York)', () => {
    expect(route('2026-12-07T15:30:00Z', schedule())).toBe('hours:open'); // 09:30 Chicago (10:30 New York)
    expect(route('2026-12-07T14:30:00Z', schedule())).toBe('hours:closed'); // 08:30 Chicago
    expect(route('2026-12-07T15:30:00Z', schedule({ holidays: [{ name: 'Staff day', date: '2026-12-07' }] }))).toBe('hours:holiday');
    expect(route('2026-12-07T15:30:00Z', schedule({ temporary: { state: 'closed', until: '2026-12-07T21:00:00Z' } }))).toBe('hours:closed');
  });

  it('a schedule the step was not given sends the call to closed', () => {
    expect(route('2026-12-07T15:30:00Z')).toBe('hours:closed');
    expect(nodeHoursAt(businessHours.schema.parse({ scheduleId: 'gone' }), {}, NY, '2026-12-07T15:30:00Z')).toEqual({ port: 'closed', reason: 'Closed: the shared schedule "gone" does not exist' });
    expect(nodeHoursAt(businessHours.schema.parse({ scheduleId: 'main-office' }), schedule(), NY, '2026-12-07T15:30:00Z').reason).toMatch(/^Main office: Open: Monday's hours 09:00–17:00/);
  });

  it('lint: hours of its own beside a schedule is an error; a schedule the company lacks is an error when the list is given', () => {
    const doc = (data: unknown) => ({ format: 'callflow/1', id: 'f', name: 'F', timezone: NY, start: 'h', nodes: [{ id: 'h', type: 'businessHours', position: { x: 0, y: 0 }, data }], edges: [] });
    const codes = (data: unknown, schedules?: string[]) => lintFlow(doc(data), schedules ? { schedules } : {}).filter((f) => f.code.includes('schedule')).map((f) => [f.code, f.path?.join('.')]);
    expect(codes({ scheduleId: 'main-office', weekly: weekdays })).toEqual([['hours.schedule-and-own', 'nodes.0.data.scheduleId']]);
    expect(codes({ scheduleId: 'main-office' })).toEqual([]);
    expect(codes({ scheduleId: 'main-office' }, ['main-office'])).toEqual([]);
    expect(codes({ scheduleId: 'annex' }, ['main-office'])).toEqual([['schedule-missing', 'nodes.0.data.scheduleId']]);
    // A node following a schedule is not "never open".
    expect(lintFlow(doc({ scheduleId: 'main-office' })).map((f) => f.code)).not.toContain('hours.never-open');
    expect(businessHours.schema.safeParse({ scheduleId: 'Main Office' }).error?.issues[0]?.path).toEqual(['scheduleId']);
  });
});
