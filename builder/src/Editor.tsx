import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import { api, ApiError, type FlowRecord } from './api.js';
import { addNode, connect, copySelection, fromFlow, paste, toFlow, type FlowNodeRF } from './graph.js';
import { useEditor } from './editor-state.js';
import { nodeGeometry, nodeTypes } from './FlowNodeView.js';
import { DND_TYPE, Palette } from './Palette.js';
import { useLint } from './use-lint.js';
import { SidePanel, type Highlight } from './SidePanel.js';
import { needs, useMe } from './me.js';
import { useConfirm, useToast } from './ui.js';
import { TrafficButton, TrafficContext, TrafficPanel, useTraffic } from './TrafficOverlay.js';
import { trafficEdges } from './traffic.js';

// Decorated copies are cached per node object: handing React Flow a new object for an
// unchanged node makes it re-adopt and re-measure it, which is quadratic on big flows.
const decorated = new WeakMap<FlowNodeRF, { cls: string; out: FlowNodeRF }>();
function decorate(n: FlowNodeRF, cls: string | undefined): FlowNodeRF {
  const key = cls ?? '';
  const hit = decorated.get(n);
  if (hit && hit.cls === key) return hit.out;
  // Known size and handles let React Flow skip mounting off-screen nodes just to measure them.
  const out = { ...n, ...nodeGeometry(n.id, n.type ?? '', n.data), ...(cls ? { className: cls } : {}) };
  decorated.set(n, { cls: key, out });
  return out;
}

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

/** The flow editor: toolbar, palette, canvas and the side panel. */
export function Editor({ record, readOnly }: { record: FlowRecord; readOnly: boolean }) {
  const [state, dispatch] = useEditor(fromFlow(record.flow));
  const doc = state.h.present;
  const [revision, setRevision] = useState(record.revision);
  const [published, setPublished] = useState(record.publishedVersion);
  const [conflict, setConflict] = useState<number | null>(null);
  const [busy, setBusy] = useState('');
  const [highlight, setHighlight] = useState<Highlight>({ path: [] });
  const [versionsTick, setVersionsTick] = useState(0);
  const clip = useRef<ReturnType<typeof copySelection> | null>(null);
  const rf = useReactFlow<FlowNodeRF>();
  const toast = useToast();
  const [dialog, ask] = useConfirm();
  const findings = useLint(doc);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const dirty = state.h.edits !== state.savedEdits;
  const flowId = doc.header.id;
  const traffic = useTraffic(flowId);

  // Classes carry problems and simulator state onto nodes without touching their data.
  const nodes = useMemo(() => {
    const cls = new Map<string, string>();
    const add = (id: string | undefined, c: string) => id && cls.set(id, `${cls.get(id) ?? ''} ${c}`);
    for (const f of findings) add(f.nodeId, f.severity === 'error' ? 'has-error' : 'has-warning');
    for (const id of highlight.path) add(id, 'sim-path');
    add(highlight.active, 'sim-active');
    add(doc.header.start, 'is-start');
    return doc.nodes.map((n) => decorate(n, cls.get(n.id)?.trim()));
  }, [doc.nodes, doc.header.start, findings, highlight]);
  const simEdges = useMemo(() => {
    if (!highlight.path.length) return doc.edges;
    const taken = new Set(highlight.edges ?? []);
    return doc.edges.map((e) => (taken.has(e.id) ? { ...e, animated: true, className: 'sim-edge' } : e));
  }, [doc.edges, highlight]);
  // The traffic overlay draws on copies of the edges (counts, width); off, the edges are the flow's own.
  const edges = useMemo(() => trafficEdges(simEdges, traffic.data), [simEdges, traffic.data]);

  // A big flow opens at its start step at full size (fitting 2,000 nodes renders them all, unreadably small).
  const [{ fitOnOpen, startViewport }] = useState(() => {
    const first = doc.nodes.find((n) => n.id === doc.header.start) ?? doc.nodes[0];
    return { fitOnOpen: doc.nodes.length > 0 && doc.nodes.length <= 150, startViewport: { x: 320 - (first?.position.x ?? 0), y: 60 - (first?.position.y ?? 0), zoom: 1 } };
  });

  const onNodesChange = useCallback((c: NodeChange<FlowNodeRF>[]) => dispatch({ type: 'rf', nodes: c }), [dispatch]);
  const onEdgesChange = useCallback((c: EdgeChange[]) => dispatch({ type: 'rf', edges: c }), [dispatch]);
  const onConnect = useCallback((c: Connection) => c.sourceHandle && dispatch({ type: 'edit', fn: (d) => connect(d, c.source, c.sourceHandle!, c.target) }), [dispatch]);
  const onDragStart = useCallback(() => dispatch({ type: 'checkpoint' }), [dispatch]);
  const onBeforeDelete = useCallback(async () => { dispatch({ type: 'checkpoint' }); return true; }, [dispatch]);

  const addAt = useCallback((type: string, pos?: { x: number; y: number }) => {
    const el = document.querySelector('.canvas')?.getBoundingClientRect();
    const p = pos ?? rf.screenToFlowPosition({ x: (el?.left ?? 0) + (el?.width ?? 600) / 2 - 100, y: (el?.top ?? 0) + (el?.height ?? 400) / 2 - 40 });
    dispatch({ type: 'edit', fn: (d) => addNode(d, type, p) });
  }, [rf, dispatch]);
  const onDrop = useCallback((e: React.DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData(DND_TYPE);
    if (type) addAt(type, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  }, [addAt, rf]);

  const layout = useCallback(async () => {
    try {
      // elkjs is large: load it the first time someone asks for a layout.
      const { autoLayout } = await import('./layout.js');
      const next = await autoLayout(doc); dispatch({ type: 'edit', fn: () => next }); requestAnimationFrame(() => void rf.fitView({ duration: 200, maxZoom: 1, padding: 0.15 })); }
    catch (e) { toast('error', `Layout failed: ${(e as Error).message}`); }
  }, [doc, dispatch, rf, toast]);

  const save = useCallback(async (overwrite?: number): Promise<boolean> => {
    if (readOnly) return false;
    const edits = state.h.edits;
    setBusy('Saving…');
    try {
      const r = await api<{ revision: number }>('PUT', `/api/flows/${flowId}`, { revision: overwrite ?? revision, flow: toFlow(doc) });
      setRevision(r.revision); setConflict(null);
      dispatch({ type: 'saved', edits });
      toast('ok', `Saved (revision ${r.revision})`);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(e.body?.error?.currentRevision ?? e.body?.currentRevision ?? -1);
      else toast('error', `Not saved: ${(e as Error).message}`);
      return false;
    } finally { setBusy(''); }
  }, [readOnly, state.h.edits, revision, doc, flowId, dispatch, toast]);

  // The server refuses a viewer's publish anyway; the button says why before they try.
  const cannotPublish = needs(useMe(), 'editor');
  const publish = useCallback(async () => {
    if (dirty && !(await save())) return;
    setBusy('Publishing…');
    try {
      const r = await api<{ version: number }>('POST', `/api/flows/${flowId}/publish`);
      setPublished(r.version); setVersionsTick((t) => t + 1);
      toast('ok', `Published version ${r.version}`);
    } catch (e) {
      toast('error', e instanceof ApiError && e.code === 'lint' ? `Not published: ${e.message}` : `Not published: ${(e as Error).message}`);
    } finally { setBusy(''); }
  }, [dirty, save, flowId, toast]);

  const reloadTheirs = useCallback(async () => {
    const r = await api<FlowRecord>('GET', `/api/flows/${flowId}`);
    dispatch({ type: 'load', doc: fromFlow(r.flow) }); setRevision(r.revision); setConflict(null);
  }, [flowId, dispatch]);

  // Keyboard shortcuts (React Flow handles Delete/Backspace itself).
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey, k = e.key.toLowerCase();
      // Ctrl+S saves from anywhere, even while typing in the inspector.
      if (mod && k === 's') { e.preventDefault(); void save(); return; }
      // Elsewhere a text field keeps its own undo, copy and paste.
      if (isTyping(e.target)) return;
      if (mod && k === 'z') { e.preventDefault(); dispatch({ type: e.shiftKey ? 'redo' : 'undo' }); }
      else if (mod && k === 'y') { e.preventDefault(); dispatch({ type: 'redo' }); }
      else if (mod && k === 'c') { clip.current = copySelection(doc); }
      else if (mod && k === 'v' && clip.current?.nodes.length) { e.preventDefault(); const c = clip.current; dispatch({ type: 'edit', fn: (d) => paste(d, c) }); }
      else if (mod && k === 'a') { e.preventDefault(); dispatch({ type: 'rf', nodes: doc.nodes.map((n) => ({ type: 'select', id: n.id, selected: true })) }); }
      else if (e.shiftKey && k === 'f') void rf.fitView({ duration: 200, maxZoom: 1, padding: 0.15 });
      else if (e.shiftKey && k === 'l') void layout();
    };
    addEventListener('keydown', on);
    return () => removeEventListener('keydown', on);
  }, [doc, dispatch, save, layout, rf]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const on = (e: BeforeUnloadEvent) => { if (dirty && !readOnly) e.preventDefault(); };
    addEventListener('beforeunload', on);
    return () => removeEventListener('beforeunload', on);
  }, [dirty, readOnly]);

  const focusNode = useCallback((id: string) => {
    const n = doc.nodes.find((x) => x.id === id);
    if (!n) return;
    dispatch({ type: 'rf', nodes: doc.nodes.filter((x) => x.selected || x.id === id).map((x) => ({ type: 'select', id: x.id, selected: x.id === id })) });
    void rf.setCenter(n.position.x + 110, n.position.y + 50, { zoom: Math.max(rf.getZoom(), 1), duration: 250 });
  }, [doc.nodes, dispatch, rf]);

  return (
    <div className="editor">
      <header className="topbar">
        <a href="#/" className="brand" title="All flows" onClick={async (e) => {
          if (!dirty || readOnly) return;
          e.preventDefault();
          if (await ask('Leave this flow? Your unsaved changes will be lost.', 'Leave without saving')) location.hash = '#/';
        }}>← Flows</a>
        <strong data-testid="flow-name">{doc.header.name}</strong>
        <span className={`badge ${dirty ? 'warn' : ''}`} data-testid="save-state">{readOnly ? 'read-only' : dirty ? '● Unsaved changes' : `Saved · rev ${revision}`}</span>
        {published ? <span className="badge ok">Live: v{published}</span> : <span className="badge">Not published</span>}
        <span className="grow" />
        {busy && <span className="muted"><span className="spinner" /> {busy}</span>}
        <button onClick={() => dispatch({ type: 'undo' })} disabled={!state.h.past.length} title="Undo (Ctrl+Z)">Undo</button>
        <button onClick={() => dispatch({ type: 'redo' })} disabled={!state.h.future.length} title="Redo (Ctrl+Shift+Z)">Redo</button>
        <button onClick={() => void layout()} title="Automatic layout (Shift+L)">Auto layout</button>
        <button onClick={() => void rf.fitView({ duration: 200, maxZoom: 1, padding: 0.15 })} title="Zoom to fit (Shift+F)">Fit</button>
        <TrafficButton traffic={traffic} />
        {!readOnly && <button className="primary" onClick={() => void save()} disabled={!!busy} title="Save (Ctrl+S)">Save</button>}
        {!readOnly && (
          <button className="accent" onClick={() => void publish()} disabled={!!busy || errors > 0 || !!cannotPublish} title={cannotPublish || (errors ? `Fix ${errors} error(s) before publishing` : 'Publish a new version')}>
            Publish
          </button>
        )}
      </header>
      {conflict !== null && (
        <div className="banner error" role="alert">
          Someone else saved this flow{conflict > 0 ? ` (now revision ${conflict})` : ''} since you opened it. Your changes are not saved.
          <button onClick={() => void reloadTheirs()}>Discard mine and reload</button>
          <button className="danger" onClick={() => void save(conflict > 0 ? conflict : undefined)}>Overwrite with mine</button>
        </div>
      )}
      <div className="editor-body">
        <Palette onAdd={(t) => addAt(t)} />
        <div className="canvas" data-node-count={doc.nodes.length} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop}>
          {doc.nodes.length === 0 && <div className="canvas-empty">Drag a step from the left to start this flow.</div>}
          <TrafficPanel traffic={traffic} />
          <TrafficContext.Provider value={traffic.data}>
          <ReactFlow<FlowNodeRF, Edge>
            nodes={nodes} edges={edges} nodeTypes={nodeTypes}
            onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onConnect={onConnect} onNodeDragStart={onDragStart} onBeforeDelete={onBeforeDelete}
            deleteKeyCode={['Delete', 'Backspace']} multiSelectionKeyCode={['Meta', 'Control']} selectionKeyCode="Shift"
            onlyRenderVisibleElements fitView={fitOnOpen} fitViewOptions={{ maxZoom: 1, padding: 0.15 }} defaultViewport={startViewport} minZoom={0.05} maxZoom={2} defaultEdgeOptions={{ type: 'smoothstep' }}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} />
            <Controls />
            {/* The minimap draws every node on every change; past 600 nodes it costs more than it helps. */}
            {doc.nodes.length <= 600 && <MiniMap pannable zoomable nodeStrokeWidth={3} />}
          </ReactFlow>
          </TrafficContext.Provider>
        </div>
        <SidePanel
          doc={doc} dispatch={dispatch} findings={findings} onFocus={focusNode} readOnly={readOnly}
          revision={revision} onHighlight={setHighlight} versionsTick={versionsTick}
          published={published}
          onRolledBack={(r) => { dispatch({ type: 'load', doc: fromFlow(r.flow) }); setRevision(r.revision); setPublished(r.version); setVersionsTick((t) => t + 1); toast('ok', `Rolled back to version ${r.version}`); }}
        />
      </div>
      {dialog}
    </div>
  );
}
