import { describe, expect, it } from 'vitest';
import { apiQuery, filtersHash, filtersOf } from './calls-filters.js';
import { parseRoute } from './route.js';

describe('call history filters', () => {
  it('round-trip through the hash, so a filtered view can be linked', () => {
    const f = { number: '+13125550100', direction: 'inbound' as const, outcome: 'missed' as const, from: '2026-12-01', to: '2026-12-04' };
    const h = filtersHash(f);
    expect(h).toBe('#/calls?number=%2B13125550100&direction=inbound&outcome=missed&from=2026-12-01&to=2026-12-04');
    expect(filtersOf(parseRoute(h).query)).toEqual(f);
  });
  it('drops what it does not know instead of sending it, and cleans a typed number', () => {
    expect(filtersOf(new URLSearchParams('outcome=lost&direction=up&from=2026-13-40&to=yesterday&number=(312) 555-0100'))).toEqual({ number: '3125550100' });
    expect(filtersHash({})).toBe('#/calls');
  });
  it('turns days in the browser zone into UTC instants, the last day whole', () => {
    const q = new URL(apiQuery({ from: '2026-12-01', to: '2026-12-01', outcome: 'voicemail' }, 'America/Chicago', { limit: '50' }), 'http://x').searchParams;
    expect(q.get('since')).toBe('2026-12-01T06:00:00.000Z');
    expect(q.get('until')).toBe('2026-12-02T06:00:00.000Z');
    expect(q.get('outcome')).toBe('voicemail');
    expect(q.get('limit')).toBe('50');
    expect(apiQuery({}, 'UTC')).toBe('/api/calls');
  });
});
