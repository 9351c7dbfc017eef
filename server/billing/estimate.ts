/**
 * Estimated cost of one call along each path of a flow: every route from
 * the start node to an ending (a node with no wired way on), each node
 * visited at most once per path. Durations are assumptions, stated in
 * `assumptions`, not measurements.
 */
import type { Flow } from '../../engine/schema.js';
import { graphOf } from '../../engine/graph.js';
import { kindOf } from '../../engine/nodes/index.js';
import { COST_ASSUMPTIONS } from '../../engine/nodes/cost.js';
import { billedSeconds, perMinute, type RateKind } from './rates.js';
import { countSegments } from '../messaging/segments.js';

/** One path from the start to an ending, with its estimated seconds and cost (µ$) per rate kind. */
export interface PathEstimate { nodes: string[]; ports: string[]; seconds: number; outboundSeconds: number; micros: number; breakdown: Partial<Record<RateKind, number>>; truncated?: boolean }
/** What a call is assumed to do where the flow cannot say (seconds; shown with every estimate), and how many paths are listed at most. */
export const ASSUMPTIONS = { ...COST_ASSUMPTIONS, maxPaths: 200 };

type Node = Flow['nodes'][number];

/** Seconds a node keeps the caller, seconds of outbound leg, recorded/transcribed/AI seconds and SMS segments, when it leaves by `port` (the kind's `cost`). */
function nodeCost(n: Node, port: string | undefined) {
  const e = kindOf(n.type)?.cost(n.data as never, port ?? '') ?? {};
  const sms = (e.texts ?? []).reduce((a, t) => a + countSegments(t).segments, 0);
  return { seconds: e.seconds ?? 0, out: e.outboundSeconds ?? 0, rec: e.recordedSeconds ?? 0, trans: e.transcribedSeconds ?? 0, ai: e.aiSeconds ?? 0, sms, amd: e.amd ?? 0 };
}

/**
 * All paths with their estimated cost at `rates`, billed in `increment`-second steps. `direction` outbound: the
 * call is one the flow was dialled out for (POST /api/calls with flowId): its own leg is billed at the outbound
 * minute rate and each answering machine detection (answeredBy) at the AMD fee; inbound calls run no detection.
 */
export function estimatePaths(flow: Flow, rates: Record<RateKind, number>, increment: number, direction: 'inbound' | 'outbound' = 'inbound'): PathEstimate[] {
  // engine/graph.ts: the edges a call can follow, as the engine follows them.
  const wiring = graphOf(flow);
  const nodes = wiring.byId;
  const paths: { nodes: string[]; ports: string[]; truncated?: boolean }[] = [];
  const walk = (id: string, seen: string[], ports: string[]) => {
    if (paths.length >= ASSUMPTIONS.maxPaths) return;
    const edges = wiring.out(id);
    const next = edges.filter((e) => !seen.includes(e.target));
    if (!next.length) { paths.push({ nodes: seen, ports, truncated: edges.length > 0 || undefined }); return; }
    for (const e of next) walk(e.target, [...seen, e.target], [...ports, e.sourceHandle]);
  };
  walk(flow.start, [flow.start], []);
  return paths.map((p) => {
    const t = { seconds: 0, out: 0, rec: 0, trans: 0, ai: 0, sms: 0, amd: 0 };
    p.nodes.forEach((id, i) => { const c = nodeCost(nodes.get(id)!, p.ports[i]); for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += c[k]; });
    const outbound = direction === 'outbound';
    // An outbound call's own leg and its dialled legs are all outbound minutes.
    const outSeconds = outbound ? t.seconds + t.out : t.out;
    const breakdown: Partial<Record<RateKind, number>> = {
      ...(outbound ? {} : { call_in_minute: perMinute(rates.call_in_minute, billedSeconds(t.seconds, increment)) }),
      ...(outSeconds ? { call_out_minute: perMinute(rates.call_out_minute, billedSeconds(outSeconds, increment)) } : {}),
      ...(outbound && t.amd ? { amd_call: rates.amd_call * t.amd } : {}),
      ...(t.rec ? { recording_minute: perMinute(rates.recording_minute, billedSeconds(t.rec, 60)) } : {}),
      ...(t.trans ? { transcription_minute: perMinute(rates.transcription_minute, billedSeconds(t.trans, 60)) } : {}),
      ...(t.sms ? { sms_out_segment: rates.sms_out_segment * t.sms } : {}),
      ...(t.ai ? { ai_minute: perMinute(rates.ai_minute, billedSeconds(t.ai, 60)) } : {}),
    };
    const micros = Object.values(breakdown).reduce((a, b) => a + (b ?? 0), 0);
    return { nodes: p.nodes, ports: p.ports, seconds: t.seconds, outboundSeconds: t.out, micros, breakdown, ...(p.truncated ? { truncated: true } : {}) };
  });
}
