/**
 * The webhook bench measures real work: a tiny run in which every whole-path
 * answer must be the re-prompt (TeXML Gather / Call Control gather command),
 * never the apology, a duplicate or an error. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { benchServer, serverRows } from './server.js';

describe('bench/server', () => {
  it('every request of a small run is a real step that succeeds', async () => {
    const b = await benchServer({ calls: 40, connections: 4, rounds: 1, amount: 200, openRates: [50], openSeconds: 1 });
    for (const f of [b.texml.whole, b.texml.bare, b.texml.whole10, b.texml.bare10, b.cc.whole, b.cc.bare, b.cc.fair]) {
      expect(f.sample).toBeUndefined();
      expect(f.errors).toBe(0);
      expect(f.rps).toBeGreaterThan(0);
    }
    expect(serverRows(b)).toHaveLength(7);
    // The open loop sent every request it offered and each was a real step (or the bare route) that succeeded.
    expect(b.openLoop.map((r) => r.what)).toEqual(['TeXML: bare route', 'TeXML: whole path']);
    for (const r of b.openLoop) expect(r).toMatchObject({ sent: 50, answered: 50, errors: 0 });
  }, 120_000);
});
