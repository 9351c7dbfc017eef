import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MACHINE_CACHE_LIMITS, machineCacheStats, machineFor } from './compile.js';
import { flowOf, started } from './nodes/test-kit.js';
import { step } from './step.js';
import type { Env } from './types.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => { for (let i = 0; i < 3; i++) gc(); return process.memoryUsage().heapUsed; };

/** A flow of `n` say nodes in a chain (2n - 1 elements): big enough that a few versions fill the cache's weight. */
function chain(n: number) {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, type: 'say', data: { text: `Step ${i}` } }));
  return flowOf(nodes, nodes.slice(1).map((_, i) => [`s${i}`, 'next', `s${i + 1}`] as [string, string, string]));
}

const env: Env = { now: '2026-11-23T15:00:00Z', mode: 'call-control' };

/**
 * Issue #11 item 5: the compiled-machine cache grew ~17 MB per published version without limit.
 * It is an LRU bounded by count and by flow elements (nodes + edges); memory is measured with the
 * collector run before each reading.
 */
describe('compiled machine cache', () => {
  it('stays within its bounds however many versions run, and an evicted version compiles again to the same answer', () => {
    const flow = chain(500); // 999 elements: ~20 versions fill the weight bound
    const first = step(flow, null, started, env, { version: 'big@1' });
    const before = heap();
    machineFor(flow, 'big@probe');
    const one = heap() - before;
    const versions = 45;
    for (let v = 2; v <= versions; v++) step(flow, null, started, env, { version: `big@${v}` });
    const grown = heap() - before;
    const stats = machineCacheStats();
    expect(stats.entries).toBeLessThanOrEqual(MACHINE_CACHE_LIMITS.entries);
    expect(stats.elements).toBeLessThanOrEqual(MACHINE_CACHE_LIMITS.elements);
    // 45 versions kept would cost 45 machines; the bound keeps about 20 (999 elements each).
    expect(one).toBeGreaterThan(0);
    expect(grown / one).toBeLessThan(30);
    // big@1 was the oldest and is gone; its next step compiles it again and answers the same.
    expect(step(flow, null, started, env, { version: 'big@1' })).toEqual(first);
  });
});
