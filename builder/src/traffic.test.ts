import type { Edge } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { edgeCount, heatColour, heatLevel, legendStops, maxCalls, periodRange, trafficEdges, type FlowTraffic } from './traffic.js';

const lightness = (c: string) => Number(/ (\d+)%\)$/.exec(c)![1]);
const hue = (c: string) => Number(/^hsl\((\d+) /.exec(c)![1]);

describe('heat colour scale', () => {
  it('draws nothing for no calls and is warmer and darker as counts grow', () => {
    expect(heatColour(0, 10)).toBeNull();
    expect(heatColour(3, 0)).toBeNull();
    const steps = [1, 2, 5, 9, 10].map((n) => heatColour(n, 10)!.background);
    for (let i = 1; i < steps.length; i++) {
      expect(lightness(steps[i]!)).toBeLessThan(lightness(steps[i - 1]!));
      expect(hue(steps[i]!)).toBeLessThanOrEqual(hue(steps[i - 1]!));
    }
    expect(heatColour(10, 10)!.background).toBe('hsl(0 92% 46%)');
  });

  it('keeps the busiest at the top, clamps above it, and picks readable text', () => {
    expect(heatLevel(10, 10)).toBe(1);
    expect(heatLevel(20, 10)).toBe(1);
    expect(heatLevel(1, 100)).toBeCloseTo(0.1);
    expect(heatColour(10, 10)!.color).toBe('#fff');
    expect(heatColour(1, 100)!.color).toBe('#1d2330');
  });

  it('has legend stops from 1 to the maximum', () => {
    expect(legendStops(0)).toEqual([]);
    expect(legendStops(1).map((s) => s.count)).toEqual([1]);
    expect(legendStops(40).map((s) => s.count)).toEqual([1, 10, 20, 40]);
  });
});

describe('period', () => {
  const now = new Date('2026-12-04T15:30:00Z');
  it('goes back 7 or 30 days from now, and today from local midnight', () => {
    expect(periodRange('7d', now)).toEqual({ from: '2026-11-27T15:30:00.000Z', to: now.toISOString() });
    expect(periodRange('30d', now)!.from).toBe('2026-11-04T15:30:00.000Z');
    const today = new Date(periodRange('today', now)!.from);
    expect([today.getHours(), today.getMinutes(), today.getDate()]).toEqual([0, 0, now.getDate()]);
  });
  it('covers whole days for a custom range, and nothing while it is incomplete or backwards', () => {
    const r = periodRange('custom', now, { from: '2026-11-01', to: '2026-11-02' })!;
    expect(new Date(r.to).getTime() - new Date(r.from).getTime()).toBe(2 * 86_400_000);
    expect(periodRange('custom', now, { from: '2026-11-01', to: '' })).toBeUndefined();
    expect(periodRange('custom', now, { from: '2026-11-03', to: '2026-11-02' })).toBeUndefined();
  });
});

describe('edges with traffic', () => {
  const t: FlowTraffic = { flowId: 'f', from: '', to: '', version: null, calls: 3, ended: 3, versions: { '1': 3 },
    nodes: { menu: { calls: 3, entered: 3, ports: { '1': 2, '2': 1 }, ended: 0, hungUp: 0 }, sales: { calls: 2, entered: 2, ports: {}, ended: 2, hungUp: 1 } } };
  const edges: Edge[] = [{ id: 'a', source: 'menu', sourceHandle: '1', target: 'sales' }, { id: 'b', source: 'menu', sourceHandle: '2', target: 'bye' }, { id: 'c', source: 'sales', sourceHandle: 'next', target: 'bye' }];
  it('labels each edge with its port count and widens the busiest, on copies', () => {
    const drawn = trafficEdges(edges, t);
    expect(drawn.map((e) => e.label)).toEqual(['2', '1', '0']);
    expect((drawn[0]!.style as any).strokeWidth).toBeGreaterThan((drawn[1]!.style as any).strokeWidth);
    expect(drawn[2]!.className).toContain('traffic-none');
    expect(edges[0]).toEqual({ id: 'a', source: 'menu', sourceHandle: '1', target: 'sales' });
    expect(trafficEdges(edges, null)).toBe(edges);
  });
  it('reads counts per port and the busiest node', () => {
    expect(edgeCount(t, { source: 'menu', sourceHandle: '2' })).toBe(1);
    expect(edgeCount(t, { source: 'gone', sourceHandle: 'x' })).toBe(0);
    expect(maxCalls(t)).toBe(3);
  });
});
