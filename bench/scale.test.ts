/** The growth benches measure real work: a tiny run whose steps, webhooks and prunes all succeed. No timing is asserted. */
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../engine/schema.js';
import { benchFlowSizes, benchStorage, sizedFlow } from './scale.js';

describe('bench/scale', () => {
  it('sized flows are valid and have the size they say', () => {
    for (const n of [10, 2000]) expect(parseFlow(sizedFlow(n)).nodes).toHaveLength(n);
    expect(benchFlowSizes([10, 50]).rows).toHaveLength(2);
  });
  it('stored calls and bytes per call: every webhook answers and retention shrinks a call', async () => {
    const s = await benchStorage({ small: 1000, large: 5000, calls: 40 });
    expect(s.latency).toHaveLength(2);
    const kb = (row: (string | number)[]) => Number(String(row[1]).split(' ')[0]);
    expect(kb(s.bytes[1]!)).toBeLessThan(kb(s.bytes[0]!));
  }, 120_000);
});
