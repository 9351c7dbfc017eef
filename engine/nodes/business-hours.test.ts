import { describe, expect, it } from 'vitest';
import { businessHours, hoursAt } from './business-hours.js';
import { flowOf, portsOf, runCall } from './test-kit.js';

const parse = (d: unknown) => businessHours.schema.parse(d);
const at = (d: unknown, tz: string, iso: string) => hoursAt(parse(d), tz, iso).port;
const NY = 'America/New_York';

describe('hoursAt across DST changes', () => {
  const sunday9to5 = { weekly: { sun: [{ open: '09:00', close: '17:00' }] } };

  it('New York spring forward (2026-03-08): reads wall-clock time after the jump', () => {
    expect(at(sunday9to5, NY, '2026-03-08T13:00:00Z')).toBe('open'); // 09:00 EDT (08:00 if the offset were still -5)
    expect(at(sunday9to5, NY, '2026-03-08T12:59:00Z')).toBe('closed'); // 08:59 EDT
    expect(at(sunday9to5, NY, '2026-03-08T21:00:00Z')).toBe('closed'); // 17:00 EDT, close is exclusive
    const early = { weekly: { sun: [{ open: '01:00', close: '03:00' }] } };
    expect(at(early, NY, '2026-03-08T06:59:00Z')).toBe('open'); // 01:59 EST
    expect(at(early, NY, '2026-03-08T07:00:00Z')).toBe('closed'); // 03:00 EDT: 02:00-03:00 never happened
  });

  it('New York fall back (2026-11-01): the repeated hour counts twice, later hours use the new offset', () => {
    const oneToTwo = { weekly: { sun: [{ open: '01:00', close: '02:00' }] } };
    expect(at(oneToTwo, NY, '2026-11-01T05:30:00Z')).toBe('open'); // 01:30 EDT
    expect(at(oneToTwo, NY, '2026-11-01T06:30:00Z')).toBe('open'); // 01:30 EST, the second time
    expect(at(oneToTwo, NY, '2026-11-01T07:00:00Z')).toBe('closed'); // 02:00 EST
    expect(at(sunday9to5, NY, '2026-11-01T13:30:00Z')).toBe('closed'); // 08:30 EST (09:30 with the old offset)
    expect(at(sunday9to5, NY, '2026-11-01T14:00:00Z')).toBe('open'); // 09:00 EST
  });

  it('Europe/London spring forward (2026-03-29) and fall back (2026-10-25)', () => {
    const L = 'Europe/London';
    expect(at(sunday9to5, L, '2026-03-29T08:00:00Z')).toBe('open'); // 09:00 BST
    expect(at(sunday9to5, L, '2026-03-29T07:59:00Z')).toBe('closed'); // 08:59 BST
    expect(at(sunday9to5, L, '2026-10-25T09:00:00Z')).toBe('open'); // 09:00 GMT
    expect(at(sunday9to5, L, '2026-10-25T08:30:00Z')).toBe('closed'); // 08:30 GMT
    expect(at(sunday9to5, L, '2026-10-25T16:59:00Z')).toBe('open'); // 16:59 GMT
    expect(at(sunday9to5, L, '2026-10-25T17:00:00Z')).toBe('closed'); // 17:00 GMT
  });

  it('a half-hour zone (Asia/Kolkata, +05:30), set on the node over the flow zone', () => {
    const d = { timezone: 'Asia/Kolkata', weekly: { mon: [{ open: '09:00', close: '17:00' }] } };
    expect(at(d, NY, '2026-01-12T03:30:00Z')).toBe('open'); // Monday 09:00 IST
    expect(at(d, NY, '2026-01-12T03:29:00Z')).toBe('closed');
    expect(at(d, NY, '2026-01-12T11:30:00Z')).toBe('closed'); // 17:00 IST
  });
});

describe('hoursAt ranges, holidays and overrides (New York, January: UTC-5)', () => {
  it('overnight range: open from 22:00 that day until 06:00 the next morning', () => {
    const d = { weekly: { fri: [{ open: '22:00', close: '06:00' }] } };
    expect(at(d, NY, '2026-01-10T02:59:00Z')).toBe('closed'); // Fri 21:59
    expect(at(d, NY, '2026-01-10T03:00:00Z')).toBe('open'); // Fri 22:00
    const morning = hoursAt(parse(d), NY, '2026-01-10T10:59:00Z'); // Sat 05:59
    expect(morning.port).toBe('open');
    expect(morning.reason).toContain("Friday's 22:00–06:00 hours run past midnight");
    expect(at(d, NY, '2026-01-10T11:00:00Z')).toBe('closed'); // Sat 06:00
    expect(at(d, NY, '2026-01-09T08:00:00Z')).toBe('closed'); // Fri 03:00: Thursday has no night hours
  });

  it('Sunday night into Monday morning wraps the week', () => {
    const d = { weekly: { sun: [{ open: '20:00', close: '04:00' }] } };
    expect(at(d, NY, '2026-01-12T01:30:00Z')).toBe('open'); // Sun 20:30
    expect(at(d, NY, '2026-01-12T08:00:00Z')).toBe('open'); // Mon 03:00
    expect(at(d, NY, '2026-01-12T09:00:00Z')).toBe('closed'); // Mon 04:00
  });

  it('several ranges a day, with a lunch break; close is exclusive', () => {
    const d = { weekly: { mon: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:00' }] } };
    expect(at(d, NY, '2026-01-12T15:00:00Z')).toBe('open'); // 10:00
    expect(at(d, NY, '2026-01-12T17:00:00Z')).toBe('closed'); // 12:00 exactly
    expect(at(d, NY, '2026-01-12T17:30:00Z')).toBe('closed'); // 12:30
    expect(at(d, NY, '2026-01-12T18:00:00Z')).toBe('open'); // 13:00
    expect(at(d, NY, '2026-01-12T21:59:59Z')).toBe('open'); // 16:59:59
    expect(at(d, NY, '2026-01-12T22:00:00Z')).toBe('closed'); // 17:00 exactly
  });

  it('close 24:00 runs to midnight', () => {
    const d = { weekly: { sat: [{ open: '18:00', close: '24:00' }] } };
    expect(at(d, NY, '2026-01-11T04:59:00Z')).toBe('open'); // Sat 23:59
    expect(at(d, NY, '2026-01-11T05:00:00Z')).toBe('closed'); // Sun 00:00
  });

  it('a holiday routes to holiday with its name, but a night shift that began the day before still runs', () => {
    const d = { weekly: { thu: [{ open: '22:00', close: '06:00' }], fri: [{ open: '09:00', close: '17:00' }] }, holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] };
    const noon = hoursAt(parse(d), NY, '2026-12-25T17:00:00Z');
    expect(noon).toMatchObject({ port: 'holiday' });
    expect(noon.reason).toContain('Christmas Day');
    expect(at(d, NY, '2026-12-25T08:00:00Z')).toBe('open'); // Fri 03:00, Thursday's shift
    expect(at(d, NY, '2026-12-26T15:00:00Z')).toBe('closed'); // Sat 10:00: no hours, not a holiday
  });

  it('a one-day override opens special hours (even on a closed day or a holiday)', () => {
    const d = {
      weekly: { thu: [{ open: '09:00', close: '17:00' }] },
      holidays: [{ date: '2026-12-31', name: 'New Year’s Eve' }],
      overrides: [{ date: '2026-12-24', open: '09:00', close: '13:00' }, { date: '2026-12-27', open: '10:00', close: '14:00' }, { date: '2026-12-31', open: '09:00', close: '12:00' }],
    };
    expect(at(d, NY, '2026-12-24T15:00:00Z')).toBe('open'); // Thu 10:00
    expect(at(d, NY, '2026-12-24T19:00:00Z')).toBe('closed'); // Thu 14:00, normally open
    expect(at(d, NY, '2026-12-27T16:00:00Z')).toBe('open'); // Sunday 11:00
    expect(at(d, NY, '2026-12-31T15:00:00Z')).toBe('open'); // holiday, but the override opens 09-12
    expect(at(d, NY, '2026-12-31T18:00:00Z')).toBe('closed'); // 13:00 that day
  });

  it('an override can close a normal working day', () => {
    const d = { weekly: { mon: [{ open: '09:00', close: '17:00' }] }, overrides: [{ date: '2026-01-12', closed: true }] };
    const r = hoursAt(parse(d), NY, '2026-01-12T15:00:00Z');
    expect(r.port).toBe('closed');
    expect(r.reason).toContain('2026-01-12 is marked closed');
    expect(at(d, NY, '2026-01-19T15:00:00Z')).toBe('open'); // the next Monday is normal
  });

  it('falls back to the flow zone when the node zone is invalid, and never throws on a bad instant', () => {
    const d = { timezone: 'Mars/Olympus', weekly: { mon: [{ open: '09:00', close: '17:00' }] } };
    expect(at(d, NY, '2026-01-12T14:00:00Z')).toBe('open'); // 09:00 in New York
    expect(hoursAt(parse(d), NY, 'not a date').port).toBe('closed');
  });
});

describe('businessHours in a flow', () => {
  /*
   *   hours(businessHours) --open--> open(say)
   *                        --closed--> shut(say)
   *                        (holiday unwired: falls back to closed)
   */
  const flow = flowOf(
    [
      { id: 'hours', type: 'businessHours', data: { weekly: { mon: [{ open: '09:00', close: '17:00' }] }, holidays: [{ date: '2026-01-19', name: 'MLK Day' }] } },
      { id: 'open', type: 'say', data: { text: 'We are open' } },
      { id: 'shut', type: 'say', data: { text: 'We are closed' } },
    ],
    [['hours', 'open', 'open'], ['hours', 'closed', 'shut']],
    { timezone: NY },
  );
  const route = (now: string) => portsOf(runCall(flow, { now, mode: 'texml' }, [])[0]!);

  it('takes open and closed by the clock in the flow zone', () => {
    expect(route('2026-01-12T14:00:00Z')).toEqual(['hours:open', 'open:next']);
    expect(route('2026-01-12T13:59:00Z')).toEqual(['hours:closed', 'shut:next']);
  });

  it('sends an unwired holiday to closed', () => {
    expect(route('2026-01-19T15:00:00Z')).toEqual(['hours:holiday', 'shut:next']);
  });
});

describe('businessHours lint and schema', () => {
  const lint = (d: unknown) => businessHours.lint!(parse(d), { timezone: NY });

  it('flags an unknown time zone', () => {
    expect(lint({ timezone: 'America/New_Yrok', weekly: { mon: [{ open: '09:00', close: '17:00' }] } })).toEqual([
      expect.objectContaining({ code: 'hours.timezone', severity: 'error' }),
    ]);
  });

  it('flags overlaps, including a night range spilling into the next day and Sunday into Monday', () => {
    const codes = (d: unknown) => lint(d).map((f) => f.code);
    expect(codes({ weekly: { mon: [{ open: '09:00', close: '13:00' }, { open: '12:00', close: '17:00' }] } })).toEqual(['hours.overlap']);
    expect(codes({ weekly: { mon: [{ open: '22:00', close: '06:00' }], tue: [{ open: '05:00', close: '09:00' }] } })).toEqual(['hours.overlap']);
    expect(codes({ weekly: { sun: [{ open: '22:00', close: '02:00' }], mon: [{ open: '01:00', close: '03:00' }] } })).toEqual(['hours.overlap']);
    expect(codes({ weekly: { mon: [{ open: '09:00', close: '12:00' }, { open: '12:00', close: '17:00' }] } })).toEqual([]);
  });

  it('flags a range that opens and closes at once, and hours that are never open', () => {
    expect(lint({ weekly: { tue: [{ open: '09:00', close: '09:00' }] } }).map((f) => f.code)).toContain('hours.empty-range');
    expect(lint({}).map((f) => f.code)).toEqual(['hours.never-open']);
  });

  it('rejects bad times and dates with friendly messages and paths', () => {
    const r = businessHours.schema.safeParse({ weekly: { mon: [{ open: '9am', close: '25:00' }] }, holidays: [{ date: '2026-02-30', name: 'x' }], overrides: [{ date: '2026-01-02', open: '09:00' }] });
    const issues = r.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(expect.arrayContaining([
      ['weekly.mon.0.open', 'Use 24-hour time like 09:00'],
      ['weekly.mon.0.close', 'Use 24-hour time like 17:30 (24:00 for midnight)'],
      ['holidays.0.date', 'This date does not exist on the calendar'],
      ['overrides.0.close', 'Give the closing time for this day, or mark it closed'],
    ]));
    expect(businessHours.schema.safeParse({ weekly: { monday: [{ open: '09:00', close: '17:00' }] } }).error!.issues[0]!.message).toBe('Days are written mon, tue, wed, thu, fri, sat, sun');
  });
});
