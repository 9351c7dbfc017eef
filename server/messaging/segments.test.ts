import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countSegments } from './segments.js';
import { keywordOf } from './keywords.js';

describe('countSegments', () => {
  it('fits 160 GSM-7 characters in one part and splits longer text in parts of 153', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, characters: 160 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });
  it('counts extension characters (€, [, ]) as two septets', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', characters: 160, segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
  });
  it('switches to UCS-2 (70 / 67 units) for anything outside GSM-7, emoji counting two units', () => {
    expect(countSegments('ж'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(countSegments('ж'.repeat(71)).segments).toBe(2);
    expect(countSegments('😀'.repeat(35))).toMatchObject({ characters: 70, segments: 1 });
  });
  it('property: plain ASCII letters follow the 160/153 rule', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1600 }), (n) => {
      const s = countSegments('x'.repeat(n)).segments;
      return s === (n <= 160 ? 1 : Math.ceil(n / 153));
    }));
  });
});

describe('keywordOf', () => {
  it('matches whole-message keywords, any case, trimmed', () => {
    expect(keywordOf(' Stop ')).toBe('stop');
    expect(keywordOf('unsubscribe')).toBe('stop');
    expect(keywordOf('START')).toBe('start');
    expect(keywordOf('help!')).toBe('help');
    expect(keywordOf('please stop calling me')).toBeUndefined();
    expect(keywordOf(null)).toBeUndefined();
  });
});
