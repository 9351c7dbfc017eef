import { describe, expect, it } from 'vitest';
import { daysIn, spendSeries } from './spend-series.js';

describe('daysIn', () => {
  it('knows month lengths and leap years', () => {
    expect([daysIn('2026-01'), daysIn('2026-02'), daysIn('2028-02'), daysIn('2026-04')]).toEqual([31, 28, 29, 30]);
  });
});

describe('spendSeries', () => {
  const entries = [
    { at: '2026-12-01T10:00:00.000Z', micros: 1_000_000 },
    { at: '2026-12-03T08:00:00.000Z', micros: 4_000 },
    { at: '2026-12-03T23:59:59.000Z', micros: 6_000 },
    { at: '2026-11-30T23:00:00.000Z', micros: 999 }, // another month: ignored
  ];

  it('adds up per day and stops at today in the current month', () => {
    const s = spendSeries('2026-12', entries, 5_000_000, '2026-12-04T21:00:00.000Z');
    expect(s.labels).toHaveLength(31);
    expect(s.spent.slice(0, 5)).toEqual([1_000_000, 1_000_000, 1_010_000, 1_010_000, null]);
    expect(s.spent.filter((v) => v !== null)).toHaveLength(4);
    expect(s.budget.every((b) => b === 5_000_000)).toBe(true);
    expect(s.totalMicros).toBe(1_010_000);
  });

  it('runs a past month to its end, a future one not at all, and has no budget line without a budget', () => {
    const past = spendSeries('2026-12', entries, null, '2027-01-02T00:00:00.000Z');
    expect(past.spent[30]).toBe(1_010_000);
    expect(past.budget.every((b) => b === null)).toBe(true);
    expect(spendSeries('2026-12', entries, null, '2026-11-15T00:00:00.000Z').spent.every((v) => v === null)).toBe(true);
  });
});
