/**
 * The traffic overlay's pure parts: what GET /api/flows/:id/traffic answers, the period the picker means, the
 * count → colour scale, and the counts drawn on edges. Tested without a browser (traffic.test.ts).
 */
import type { Edge } from '@xyflow/react';

/** One node's counts over the period (server/calls/traffic.ts NodeTraffic). */
export interface NodeTraffic { calls: number; entered: number; ports: Record<string, number>; ended: number; hungUp: number }
/** GET /api/flows/:id/traffic. */
export interface FlowTraffic { flowId: string; from: string; to: string; version: number | null; calls: number; ended: number; versions: Record<string, number>; nodes: Record<string, NodeTraffic> }

export type Period = 'today' | '7d' | '30d' | 'custom';
export const PERIODS: Array<{ value: Period; label: string }> = [
  { value: 'today', label: 'Today' }, { value: '7d', label: 'Last 7 days' }, { value: '30d', label: 'Last 30 days' }, { value: 'custom', label: 'Custom…' },
];

/**
 * The instants a period covers, as the API's `from`/`to`: today from local midnight, 7 and 30 days back from now,
 * custom from the first day's local midnight to the end of the last day. Undefined while a custom range is incomplete
 * or backwards (the picker says so instead of asking the server).
 */
export function periodRange(p: Period, now: Date, custom: { from: string; to: string } = { from: '', to: '' }): { from: string; to: string } | undefined {
  if (p === 'custom') {
    const day = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00`) : undefined);
    const from = day(custom.from), last = day(custom.to);
    if (!from || !last || Number.isNaN(from.getTime()) || Number.isNaN(last.getTime()) || last < from) return undefined;
    const to = new Date(last); to.setDate(to.getDate() + 1);
    return { from: from.toISOString(), to: to.toISOString() };
  }
  if (p === 'today') { const from = new Date(now); from.setHours(0, 0, 0, 0); return { from: from.toISOString(), to: now.toISOString() }; }
  const days = p === '7d' ? 7 : 30;
  return { from: new Date(now.getTime() - days * 86_400_000).toISOString(), to: now.toISOString() };
}

/** Where a count sits on the scale, 0..1: square root, so one busy node does not wash the quieter ones out. */
export function heatLevel(count: number, max: number): number {
  if (!(count > 0) || !(max > 0)) return 0;
  return Math.min(1, Math.sqrt(count / max));
}

/**
 * The heat colour of a count: none for 0, then pale yellow (few calls) through orange to deep red (the busiest
 * node), with the text colour that stays readable on it.
 */
export function heatColour(count: number, max: number): { background: string; color: string } | null {
  const t = heatLevel(count, max);
  if (t === 0) return null;
  const hue = Math.round(52 - 52 * t), light = Math.round(86 - 40 * t);
  return { background: `hsl(${hue} 92% ${light}%)`, color: light < 62 ? '#fff' : '#1d2330' };
}

/** The legend's stops: the colours at a few counts from 1 to `max`. */
export function legendStops(max: number): Array<{ count: number; background: string; color: string }> {
  if (!(max > 0)) return [];
  const counts = [...new Set([1, Math.round(max / 4), Math.round(max / 2), max].filter((n) => n >= 1))];
  return counts.map((count) => ({ count, ...heatColour(count, max)! }));
}

/** The busiest node's call count (the top of the scale). */
export const maxCalls = (t: FlowTraffic): number => Math.max(0, ...Object.values(t.nodes).map((n) => n.calls));

/** How often an edge's port was taken: its source node's count for its source handle. */
export const edgeCount = (t: FlowTraffic, e: Pick<Edge, 'source' | 'sourceHandle'>): number => t.nodes[e.source]?.ports[e.sourceHandle ?? ''] ?? 0;

/**
 * The edges as drawn with the overlay on: each labelled with its count and as wide and warm as its share of the
 * busiest port. Copies: the flow's own edges are never changed, so turning the overlay off restores the canvas.
 */
export function trafficEdges<E extends Edge>(edges: E[], t: FlowTraffic | null): E[] {
  if (!t) return edges;
  const top = Math.max(0, ...edges.map((e) => edgeCount(t, e)));
  return edges.map((e) => {
    const n = edgeCount(t, e);
    const heat = heatColour(n, top);
    return {
      ...e, label: String(n), className: `${e.className ?? ''} traffic-edge${n ? '' : ' traffic-none'}`.trim(),
      style: { ...e.style, stroke: heat?.background.replace(/ \d+%\)$/, ' 45%)') ?? '#b8bfcc', strokeWidth: 1.5 + 5 * heatLevel(n, top) },
      labelStyle: { fontWeight: 700 }, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 4,
    };
  });
}
