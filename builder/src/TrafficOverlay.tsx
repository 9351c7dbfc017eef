import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { heatColour, legendStops, maxCalls, periodRange, PERIODS, type FlowTraffic, type Period } from './traffic.js';
import './traffic.css';

/** The overlay's state, from {@link useTraffic}: on or off, the period, and the counts once loaded. */
export interface TrafficState {
  on: boolean; toggle: () => void;
  period: Period; setPeriod: (p: Period) => void;
  custom: { from: string; to: string }; setCustom: (c: { from: string; to: string }) => void;
  version: string; setVersion: (v: string) => void;
  data: FlowTraffic | null; error: string; loading: boolean; reload: () => void;
}

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

/**
 * The traffic overlay for a flow: off until toggled (button or Shift+T); while on, loads the counts for the chosen
 * period (and version) and keeps them; off forgets nothing but draws nothing. Read-only: it never edits the flow.
 */
export function useTraffic(flowId: string): TrafficState {
  const [on, setOn] = useState(false);
  const [period, setPeriod] = useState<Period>('7d');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [version, setVersion] = useState('');
  const [data, setData] = useState<FlowTraffic | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const toggle = useCallback(() => setOn((o) => !o), []);
  const reload = useCallback(() => {
    const range = periodRange(period, new Date(), custom);
    if (!on || !range) return;
    const n = ++seq.current;
    setLoading(true);
    const q = new URLSearchParams({ ...range, ...(version ? { version } : {}) });
    api<FlowTraffic>('GET', `/api/flows/${encodeURIComponent(flowId)}/traffic?${q}`)
      .then((d) => { if (n === seq.current) { setData(d); setError(''); } }, (e) => { if (n === seq.current) setError((e as Error).message); })
      .finally(() => { if (n === seq.current) setLoading(false); });
  }, [on, period, custom, version, flowId]);
  useEffect(() => { reload(); }, [reload]);
  useEffect(() => {
    const key = (e: KeyboardEvent) => { if (e.shiftKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === 't' && !isTyping(e.target)) toggle(); };
    addEventListener('keydown', key);
    return () => removeEventListener('keydown', key);
  }, [toggle]);
  return { on, toggle, period, setPeriod, custom, setCustom, version, setVersion, data: on ? data : null, error, loading, reload };
}

/** The counts the canvas's nodes draw; null (the default) draws nothing. */
export const TrafficContext = createContext<FlowTraffic | null>(null);

/** The topbar's toggle. */
export function TrafficButton({ traffic }: { traffic: TrafficState }) {
  return <button aria-pressed={traffic.on} onClick={traffic.toggle} title="Calls per step over a period (Shift+T)" data-testid="traffic-toggle">Traffic</button>;
}

/** Drawn inside a node card while the overlay is on: the heat, the calls that reached it, and the drop-off. */
export function TrafficBadge({ id }: { id: string }) {
  const t = useContext(TrafficContext);
  if (!t) return null;
  const n = t.nodes[id];
  const heat = heatColour(n?.calls ?? 0, maxCalls(t));
  return (
    <>
      {heat && <div className="cf-heat" style={{ background: heat.background }} aria-hidden="true" />}
      <div className="cf-traffic" data-testid={`traffic-${id}`} style={heat ?? undefined}>
        <span data-testid={`traffic-calls-${id}`}>{n?.calls ?? 0}</span> call{n?.calls === 1 ? '' : 's'}
        {n?.hungUp ? <span className="cf-drop" data-testid={`traffic-drop-${id}`}> · {n.hungUp} hung up</span> : null}
      </div>
    </>
  );
}

/** Over the canvas while on: period and version pickers, the legend, and the loading, error and empty states. */
export function TrafficPanel({ traffic }: { traffic: TrafficState }) {
  if (!traffic.on) return null;
  const { data } = traffic;
  const range = periodRange(traffic.period, new Date(), traffic.custom);
  const max = data ? maxCalls(data) : 0;
  return (
    <section className="traffic-panel" aria-label="Traffic" data-testid="traffic-panel">
      <div className="row wrap">
        <label>Period <select name="traffic-period" value={traffic.period} onChange={(e) => traffic.setPeriod(e.target.value as Period)}>
          {PERIODS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
        </select></label>
        {traffic.period === 'custom' && <>
          <label>From <input type="date" name="traffic-from" value={traffic.custom.from} onChange={(e) => traffic.setCustom({ ...traffic.custom, from: e.target.value })} /></label>
          <label>To <input type="date" name="traffic-to" value={traffic.custom.to} onChange={(e) => traffic.setCustom({ ...traffic.custom, to: e.target.value })} /></label>
        </>}
        <label>Version <select name="traffic-version" value={traffic.version} onChange={(e) => traffic.setVersion(e.target.value)}>
          <option value="">All</option>
          {Object.keys(data?.versions ?? {}).concat(traffic.version && !data?.versions[traffic.version] ? [traffic.version] : []).map((v) => <option key={v} value={v}>v{v}</option>)}
        </select></label>
        <button className="link" onClick={traffic.toggle} aria-label="Turn traffic off">×</button>
      </div>
      {!range && <div className="field-error">Pick the first and last day.</div>}
      {traffic.error && <div className="error" role="alert">Could not load traffic: {traffic.error} <button onClick={traffic.reload}>Retry</button></div>}
      {range && !data && !traffic.error && <div className="muted"><span className="spinner" /> Loading traffic…</div>}
      {data && data.calls === 0 && <div className="muted" data-testid="traffic-empty">No calls went through this flow in this period.</div>}
      {data && data.calls > 0 && (
        <div className="traffic-legend" data-testid="traffic-legend">
          <strong data-testid="traffic-total">{data.calls}</strong> call{data.calls === 1 ? '' : 's'}{traffic.loading ? '…' : ''}
          <span className="muted">calls per step:</span>
          <span className="legend-scale" role="img" aria-label={`Heat from 1 to ${max} calls per step`}>
            {legendStops(max).map((s) => <span key={s.count} className="legend-stop" style={{ background: s.background, color: s.color }}>{s.count}</span>)}
          </span>
          <span className="muted">edges: times taken · “hung up”: callers who left at that step</span>
        </div>
      )}
    </section>
  );
}
