import { describe, expect, it } from 'vitest';
import { formatMicros, microsToInput, parseDollars } from './money.js';

describe('formatMicros', () => {
  it('shows cents, and sub-cent rates without losing digits', () => {
    expect(formatMicros(1_000_000)).toBe('$1.00');
    expect(formatMicros(2_500_000)).toBe('$2.50');
    expect(formatMicros(4_000)).toBe('$0.004');
    expect(formatMicros(3_500)).toBe('$0.0035');
    expect(formatMicros(0)).toBe('$0.00');
    expect(formatMicros(1_234_567_000_000)).toBe('$1,234,567.00');
    expect(formatMicros(-1_000_000)).toBe('-$1.00');
    expect(formatMicros(null)).toBe('—');
  });
});

describe('parseDollars', () => {
  it('reads what people type', () => {
    expect(parseDollars('12')).toBe(12_000_000);
    expect(parseDollars(' $1,200.50 ')).toBe(1_200_500_000);
    expect(parseDollars('0.0035')).toBe(3_500);
    expect(parseDollars('.5')).toBe(500_000);
    expect(parseDollars('-5')).toBe(-5_000_000);
  });
  it('refuses what is not an amount', () => {
    for (const s of ['', 'abc', '1.2.3', '1.0000001', '1e3', '--1', '$']) expect(parseDollars(s)).toBeNull();
  });
  it('round-trips with microsToInput', () => {
    for (const m of [0, 4_000, 1_500_000, 25_000_000, 3_500]) expect(parseDollars(microsToInput(m))).toBe(m);
    expect(microsToInput(1_500_000)).toBe('1.5');
    expect(microsToInput(null)).toBe('');
  });
});
