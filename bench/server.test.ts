/**
 * The webhook bench measures real work: a tiny run in which every whole-path
 * answer must be the re-prompt (TeXML Gather / Call Control gather command),
 * never the apology, a duplicate or an error. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { benchServer, serverRows } from './server.js';

describe('bench/server', () => {
  it('every request of a small run is a real step that succeeds', async () => {
    const b = await benchServer({ calls: 40, connections: 4, rounds: 1, amount: 200 });
    for (const f of [b.texml.whole, b.texml.bare, b.texml.whole10, b.texml.bare10, b.cc.whole, b.cc.bare]) {
      expect(f.sample).toBeUndefined();
      expect(f.errors).toBe(0);
      expect(f.rps).toBeGreaterThan(0);
    }
    expect(serverRows(b)).toHaveLength(6);
  }, 120_000);
});
