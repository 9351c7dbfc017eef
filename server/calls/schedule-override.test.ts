import { describe, expect, it } from 'vitest';
import { smsCommand, untilInstant } from './schedule-override.js';

describe('smsCommand: what an owner can text', () => {
  it('reads the commands, any case and spacing, with an optional schedule id', () => {
    expect(smsCommand('CLOSED UNTIL 15:00')).toEqual({ kind: 'set', state: 'closed', until: '15:00' });
    expect(smsCommand('  closed   until 3pm ')).toEqual({ kind: 'set', state: 'closed', until: '15:00' });
    expect(smsCommand('Close until 9:30am')).toEqual({ kind: 'set', state: 'closed', until: '09:30' });
    expect(smsCommand('open until 12am')).toEqual({ kind: 'set', state: 'open', until: '00:00' });
    expect(smsCommand('OPEN UNTIL 19.30 annex')).toEqual({ kind: 'set', state: 'open', until: '19:30', schedule: 'annex' });
    expect(smsCommand('CLOSED TODAY')).toEqual({ kind: 'set', state: 'closed', until: 'end-of-day' });
    expect(smsCommand('open today')).toEqual({ kind: 'set', state: 'open', until: 'end-of-day' });
    expect(smsCommand('OPEN')).toEqual({ kind: 'clear' });
    expect(smsCommand('regular hours')).toEqual({ kind: 'clear' });
    expect(smsCommand('Resume main-office')).toEqual({ kind: 'clear', schedule: 'main-office' });
  });
  it('anything else is not a command (a normal message)', () => {
    for (const t of ['Are you open today?', 'closed until later', 'CLOSED UNTIL 25:00', 'closed until 13pm', 'STOP', '', null, 'open until 15:00 because the boiler is broken and we need to fix it']) expect(smsCommand(t), String(t)).toBeUndefined();
  });
});

describe('untilInstant: when a temporary change ends', () => {
  const now = new Date('2026-12-07T16:00:00Z'); // 11:00 in New York
  const NY = 'America/New_York';
  it('a local time is its next occurrence in the zone; end-of-day is the next local midnight', () => {
    expect(untilInstant('15:00', NY, now)).toEqual({ at: '2026-12-07T15:00:00.000-05:00' });
    expect(untilInstant('09:00', NY, now)).toEqual({ at: '2026-12-08T09:00:00.000-05:00' });
    expect(untilInstant('11:00', NY, now)).toEqual({ at: '2026-12-08T11:00:00.000-05:00' }); // now is not ahead
    expect(untilInstant('end-of-day', NY, now)).toEqual({ at: '2026-12-08T00:00:00.000-05:00' });
    expect(untilInstant('15:00', 'Asia/Kolkata', now)).toEqual({ at: '2026-12-08T15:00:00.000+05:30' });
  });
  it('across a DST change the local time stays the wall-clock time', () => {
    expect(untilInstant('09:00', NY, new Date('2026-03-07T20:00:00Z'))).toEqual({ at: '2026-03-08T09:00:00.000-04:00' });
  });
  it('a date-time needs its offset, must be ahead and within a year', () => {
    expect(untilInstant('2026-12-07T18:00:00-05:00', NY, now)).toEqual({ at: '2026-12-07T18:00:00.000-05:00' });
    expect(untilInstant('2026-12-07T18:00:00', NY, now)).toHaveProperty('refused');
    expect(untilInstant('2026-12-07T10:00:00-05:00', NY, now)).toEqual({ refused: 'That end is in the past' });
    expect(untilInstant('2028-01-01T00:00:00Z', NY, now)).toHaveProperty('refused');
    expect(untilInstant('soon', NY, now)).toHaveProperty('refused');
  });
});
