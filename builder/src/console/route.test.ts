import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './route.js';

describe('console routes', () => {
  it('reads the page, the rest and the query; an empty hash is the flows list', () => {
    expect(parseRoute('')).toMatchObject({ page: 'flows', rest: [] });
    expect(parseRoute('#/')).toMatchObject({ page: 'flows', rest: [] });
    expect(parseRoute('#/numbers')).toMatchObject({ page: 'numbers', rest: [] });
    const r = parseRoute('#/calls/c%2F1?number=%2B18445550199&outcome=missed');
    expect(r.page).toBe('calls');
    expect(r.rest).toEqual(['c/1']);
    expect(r.query.get('number')).toBe('+18445550199');
    expect(r.query.get('outcome')).toBe('missed');
  });
  it('keeps a malformed escape as written instead of throwing', () => {
    expect(parseRoute('#/calls/%E0%A4%A').rest).toEqual(['%E0%A4%A']);
  });
  it('href round-trips through parseRoute', () => {
    const h = href('calls', 'c/1', { number: '+18445550199', outcome: undefined });
    expect(h).toBe('#/calls/c%2F1?number=%2B18445550199');
    expect(parseRoute(h)).toMatchObject({ page: 'calls', rest: ['c/1'] });
    expect(parseRoute(h).query.get('number')).toBe('+18445550199');
  });
});
