import { describe, expect, it } from 'vitest';
import { atWork } from './team.js';
import { hoursAt } from '../../engine/nodes/hours.js';

// Chicago is UTC-6 in November: 2026-11-24 is a Tuesday.
const at = (local: string) => new Date(`2026-11-24T${local}:00-06:00`);
const night = { timezone: 'America/Chicago', weekly: { mon: [{ open: '22:00', close: '06:00' }] } };

describe('team working hours (atWork) read by the engine\'s hours rules', () => {
  it('a shift past midnight covers the next morning, as a businessHours node reads it', () => {
    // Monday 22:00 – Tuesday 06:00: at work Tuesday 03:00, not Tuesday 07:00 or Tuesday 22:30 (no Tuesday shift).
    expect(atWork(night, at('03:00'))).toBe(true);
    expect(atWork(night, at('07:00'))).toBe(false);
    expect(atWork(night, at('22:30'))).toBe(false);
  });

  it('24:00 closes at midnight (the whole evening counts)', () => {
    expect(atWork({ timezone: 'America/Chicago', weekly: { tue: [{ open: '18:00', close: '24:00' }] } }, at('23:59'))).toBe(true);
  });

  it('agrees with hoursAt at every quarter hour of a week, close exclusive', () => {
    const hours = { timezone: 'America/Chicago', weekly: { mon: [{ open: '09:00', close: '17:00' }], tue: [{ open: '22:00', close: '02:00' }], sat: [{ open: '00:00', close: '24:00' }] } };
    const d = { ...hours, holidays: [], overrides: [] };
    for (let t = Date.parse('2026-11-23T00:00:00-06:00'); t < Date.parse('2026-11-30T00:00:00-06:00'); t += 15 * 60_000) {
      const now = new Date(t);
      expect(atWork(hours, now), now.toISOString()).toBe(hoursAt(d, 'UTC', now.toISOString()).port === 'open');
    }
  });

  it('no hours set: always at work', () => {
    expect(atWork(null, at('03:00'))).toBe(true);
  });
});
