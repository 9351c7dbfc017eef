import { describe, expect, it } from 'vitest';
import { aggregateTraffic } from './traffic.js';

/*
 *   menu ─1→ sales(say) ─next→ bye(hangup)
 *        └2→ bye
 */
const pressed1 = ['>menu', 'menu.1', '>sales', 'sales.next', '>bye', 'end:hangup@bye'];
const pressed2 = ['>menu', 'menu.2', '>bye', 'end:hangup@bye'];
const leftInMenu = ['>menu', 'end:caller-hangup'];

describe('aggregateTraffic', () => {
  it('counts calls, entries and ports per node, and where calls ended and were dropped', () => {
    const t = aggregateTraffic([
      { version: 1, path: pressed1, ended: true },
      { version: 1, path: pressed2, ended: true },
      { version: 1, path: leftInMenu, ended: true },
    ]);
    expect(t.calls).toBe(3);
    expect(t.ended).toBe(3);
    expect(t.nodes.menu).toEqual({ calls: 3, entered: 3, ports: { '1': 1, '2': 1 }, ended: 1, hungUp: 1 });
    expect(t.nodes.sales).toEqual({ calls: 1, entered: 1, ports: { next: 1 }, ended: 0, hungUp: 0 });
    // The flow's own hangup is an end, not a drop-off.
    expect(t.nodes.bye).toEqual({ calls: 2, entered: 2, ports: {}, ended: 2, hungUp: 0 });
  });

  it('counts a call that looped once per call but once per entry in entered', () => {
    const t = aggregateTraffic([{ version: 1, path: ['>menu', 'menu.invalid', '>menu', 'menu.#', '>bye', 'end:hangup@bye'], ended: true }]);
    expect(t.nodes.menu).toMatchObject({ calls: 1, entered: 2, ports: { invalid: 1, '#': 1 } });
  });

  it('adds versions up per node id and keeps the calls per version', () => {
    const t = aggregateTraffic([
      { version: 1, path: pressed1, ended: true },
      { version: 2, path: pressed1, ended: true },
      { version: 2, path: pressed2, ended: true },
    ]);
    expect(t.versions).toEqual({ '1': 1, '2': 2 });
    expect(t.nodes.menu!.ports).toEqual({ '1': 2, '2': 1 });
    expect(t.nodes.sales!.calls).toBe(2);
  });

  it('does not call a call in progress a drop-off; one cut off with no end is one where it stopped', () => {
    const t = aggregateTraffic([
      { version: 1, path: ['>menu'], ended: false },
      { version: 1, path: ['>menu', 'menu.1', '>sales'], ended: true },
    ]);
    expect(t.calls).toBe(2);
    expect(t.ended).toBe(1);
    expect(t.nodes.menu).toMatchObject({ calls: 2, ended: 0, hungUp: 0 });
    expect(t.nodes.sales).toMatchObject({ ended: 1, hungUp: 1 });
  });

  it('gives nothing for no calls, and skips a path with no entries', () => {
    expect(aggregateTraffic([])).toEqual({ calls: 0, ended: 0, versions: {}, nodes: {} });
    expect(aggregateTraffic([{ version: null, path: [], ended: true }]).nodes).toEqual({});
  });
});
