import { describe, expect, it } from 'vitest';
import { appendPage, duration, mergeFirstPage, type CallRow } from './history-merge.js';

const row = (id: string, minute: number, outcome: CallRow['outcome'] = 'missed'): CallRow => ({
  callId: id, flowId: 'f', mode: 'texml', direction: 'inbound', from: '+1', to: '+2', startedAt: `2026-12-04T12:${String(minute).padStart(2, '0')}:00.000Z`,
  answeredAt: null, endedAt: null, hangupCause: null, outcome,
});

describe('history paging', () => {
  it('a fresh first page replaces what it covers and keeps older pages', () => {
    const shown = [row('d', 9), row('c', 8), row('b', 7), row('a', 6)];
    // A new call (e) came in; d ended and no longer matches the filter; the page (limit 2) now ends at c.
    const merged = mergeFirstPage(shown, [row('e', 10), row('c', 8, 'answered')], 2);
    expect(merged.map((r) => r.callId)).toEqual(['e', 'c', 'b', 'a']);
    expect(merged[1]!.outcome).toBe('answered');
  });
  it('a short first page is everything', () => {
    expect(mergeFirstPage([row('b', 7), row('a', 6)], [row('b', 7)], 50).map((r) => r.callId)).toEqual(['b']);
  });
  it('an older page appends without repeating a row', () => {
    expect(appendPage([row('c', 8), row('b', 7)], [row('b', 7), row('a', 6)]).map((r) => r.callId)).toEqual(['c', 'b', 'a']);
  });
  it('measures a call from its answer to its end', () => {
    expect(duration({ startedAt: '2026-12-04T12:00:00Z', answeredAt: '2026-12-04T12:00:05Z', endedAt: '2026-12-04T12:01:10Z' }, 0)).toBe('1:05');
  });
});
