import { describe, expect, it } from 'vitest';
import { atWork, memberUses } from './team.js';
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

  it('a day off (holiday) or a one-day change replaces the weekly shift', () => {
    const week = { timezone: 'America/Chicago', weekly: { tue: [{ open: '09:00', close: '17:00' }] } };
    expect(atWork(week, at('10:00'))).toBe(true);
    expect(atWork({ ...week, holidays: [{ date: '2026-11-24', name: 'Day off' }] }, at('10:00'))).toBe(false);
    expect(atWork({ ...week, overrides: [{ date: '2026-11-24', open: '12:00', close: '14:00' }] }, at('10:00'))).toBe(false);
    expect(atWork({ ...week, overrides: [{ date: '2026-11-24', open: '12:00', close: '14:00' }] }, at('13:00'))).toBe(true);
  });
});

describe('memberUses', () => {
  const members = [{ id: 'alice', to: '+13125550101' }, { id: 'bob', to: '+13125550102' }, { id: 'carol', to: '+13125550103' }];
  const rr = (id: string, ids: string[]) => ({ id, type: 'roundRobin', data: { members: ids.map((m) => ({ id: m, name: m, to: 'x' })) } });
  it('lists the flows and nodes that ring each member, draft and published together', () => {
    const uses = memberUses([
      { id: 'main', name: 'Main', docs: [{ nodes: [rr('team', ['alice'])] }, { nodes: [rr('team', ['alice', 'bob']), { id: 'xfer', type: 'transfer', data: { to: '+13125550101' } }] }] },
      { id: 'other', name: 'Other', docs: [{ nodes: [{ id: 'say', type: 'say', data: { text: '+13125550102' } }] }] },
    ], members);
    expect(uses.get('alice')).toEqual([{ flowId: 'main', name: 'Main', nodes: ['team', 'xfer'] }]);
    expect(uses.get('bob')).toEqual([{ flowId: 'main', name: 'Main', nodes: ['team'] }]);
    expect(uses.has('carol')).toBe(false);
  });
});
