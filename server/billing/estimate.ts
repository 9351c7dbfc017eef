/**
 * Estimated cost of one call along each path of a flow: every route from
 * the start node to an ending (a node with no wired way on), each node
 * visited at most once per path. Durations are assumptions, stated in
 * `assumptions`, not measurements.
 */
import type { Flow } from '../../engine/schema.js';
import { billedSeconds, perMinute, type RateKind } from './rates.js';
import { countSegments } from '../messaging/segments.js';

/** One path from the start to an ending, with its estimated seconds and cost (µ$) per rate kind. */
export interface PathEstimate { nodes: string[]; ports: string[]; seconds: number; outboundSeconds: number; micros: number; breakdown: Partial<Record<RateKind, number>>; truncated?: boolean }
/** What a call is assumed to do where the flow cannot say (seconds; shown with every estimate). */
export const ASSUMPTIONS = { wordsPerSecond: 2.5, playSeconds: 10, talkSeconds: 180, ringSeconds: 15, voicemailSeconds: 45, maxPaths: 200 };

type Node = Flow['nodes'][number];
const words = (t: unknown) => (typeof t === 'string' ? Math.max(1, Math.ceil(t.trim().split(/\s+/).length / ASSUMPTIONS.wordsPerSecond)) : 0);
const prompt = (p: any) => (p?.text ? words(p.text) : p?.url ? ASSUMPTIONS.playSeconds : 0);

/** Seconds a node keeps the caller, seconds of outbound leg, recorded/transcribed seconds and SMS segments, when it leaves by `port`. */
function nodeCost(n: Node, port: string | undefined) {
  const d = (n.data ?? {}) as any;
  const c = { seconds: 0, out: 0, rec: 0, trans: 0, sms: 0 };
  switch (n.type) {
    case 'say': c.seconds = words(d.text) * (d.loop || 1); break;
    case 'play': c.seconds = ASSUMPTIONS.playSeconds * (d.loop || 1); break;
    case 'menu': case 'collect': c.seconds = prompt(d.prompt) + (port === 'timeout' ? (d.timeoutSeconds ?? 5) : 2); break;
    case 'transfer': case 'roundRobin': {
      const ring = port === 'connected' ? ASSUMPTIONS.ringSeconds : (d.ringSeconds ?? 20);
      c.seconds = ring + (port === 'connected' ? ASSUMPTIONS.talkSeconds : 0);
      c.out = port === 'connected' ? ASSUMPTIONS.talkSeconds : 0;
      if (d.record && port === 'connected') c.rec = ASSUMPTIONS.talkSeconds;
      break;
    }
    case 'voicemail': {
      const rec = port === 'noRecording' ? 0 : Math.min(d.maxSeconds ?? 120, ASSUMPTIONS.voicemailSeconds);
      c.seconds = prompt(d.greeting) + rec + (port === 'noRecording' ? 5 : 0);
      c.rec = rec; c.trans = d.transcribe ? rec : 0;
      break;
    }
    case 'sms': c.sms = countSegments(String(d.text ?? '')).segments; break;
  }
  return c;
}

/** All paths with their estimated cost at `rates`, billed in `increment`-second steps. */
export function estimatePaths(flow: Flow, rates: Record<RateKind, number>, increment: number): PathEstimate[] {
  const nodes = new Map(flow.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { port: string; target: string }[]>();
  for (const e of flow.edges) out.set(e.source, [...(out.get(e.source) ?? []), { port: e.sourceHandle ?? 'next', target: e.target }]);
  const paths: { nodes: string[]; ports: string[]; truncated?: boolean }[] = [];
  const walk = (id: string, seen: string[], ports: string[]) => {
    if (paths.length >= ASSUMPTIONS.maxPaths) return;
    const edges = out.get(id) ?? [];
    const next = edges.filter((e) => nodes.has(e.target) && !seen.includes(e.target));
    if (!next.length) { paths.push({ nodes: seen, ports, truncated: edges.length > 0 || undefined }); return; }
    for (const e of next) walk(e.target, [...seen, e.target], [...ports, e.port]);
  };
  walk(flow.start, [flow.start], []);
  return paths.map((p) => {
    const t = { seconds: 0, out: 0, rec: 0, trans: 0, sms: 0 };
    p.nodes.forEach((id, i) => { const c = nodeCost(nodes.get(id)!, p.ports[i]); for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += c[k]; });
    const breakdown: Partial<Record<RateKind, number>> = {
      call_in_minute: perMinute(rates.call_in_minute, billedSeconds(t.seconds, increment)),
      ...(t.out ? { call_out_minute: perMinute(rates.call_out_minute, billedSeconds(t.out, increment)) } : {}),
      ...(t.rec ? { recording_minute: perMinute(rates.recording_minute, billedSeconds(t.rec, 60)) } : {}),
      ...(t.trans ? { transcription_minute: perMinute(rates.transcription_minute, billedSeconds(t.trans, 60)) } : {}),
      ...(t.sms ? { sms_out_segment: rates.sms_out_segment * t.sms } : {}),
    };
    const micros = Object.values(breakdown).reduce((a, b) => a + (b ?? 0), 0);
    return { nodes: p.nodes, ports: p.ports, seconds: t.seconds, outboundSeconds: t.out, micros, breakdown, ...(p.truncated ? { truncated: true } : {}) };
  });
}
