import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { kindOf } from '../../engine/nodes/index.js';
import type { FieldWidget } from '../../engine/node-kind.js';
import { TEMPLATE_HINTS } from '../../engine/template.js';
import { describe, issuesByPath, type Field } from './form.js';
import { renameNode, setNodeData, type Doc, type NodeData } from './graph.js';
import type { EditorAction } from './editor-state.js';
import { FieldEditor } from './FieldEditor.js';
import { MenuKeys } from './MenuKeys.js';
import { HoursEditor } from './HoursEditor.js';
import { useSchedules } from './schedules.js';
import { MembersPicker } from './MembersPicker.js';
import type { NodeFinding } from './use-lint.js';
import { dismissNote } from '../../engine/import-notes.js';

const formCache = new Map<string, Field>();
function formOf(type: string): Field | undefined {
  const kind = kindOf(type);
  if (!kind) return undefined;
  if (!formCache.has(type)) formCache.set(type, describe(kind.schema));
  return formCache.get(type);
}

/** Variables set anywhere in the flow (each kind's `sets`: collect.variable, setVariable.name, ...), as `vars.x`. */
function flowVars(doc: Doc): string[] {
  const out = new Set<string>();
  for (const n of doc.nodes) {
    let names: string[] = [];
    try { names = kindOf(n.type ?? '')?.sets((n.data ?? {}) as never) ?? []; } catch { /* data mid-edit: no hint */ }
    for (const v of names) if (typeof v === 'string' && v) out.add(`vars.${v}`);
  }
  return [...TEMPLATE_HINTS, ...out];
}

interface WidgetProps { name: string; field: Field; data: NodeData; nodeId: string; doc: Doc; issues: Map<string, string>; readOnly: boolean; set: (k: string, v: unknown) => void; change: (next: NodeData, field?: string) => void }

/** The inspector's purpose-made editors, by the token a kind names in `widgets` (engine/node-kind.ts FieldWidget). */
const WIDGETS = {
  menuKeys: ({ name, data, set, issues, readOnly }) => <MenuKeys key={name} value={data[name] as Record<string, string>} onChange={(v) => set(name, v)} issues={issues} readOnly={readOnly} />,
  members: ({ name, data, field, set, issues, readOnly }) => <MembersPicker key={name} value={data[name] as never} field={field} onChange={(v) => set(name, v)} issues={issues} readOnly={readOnly} />,
  hours: (p) => <NodeHours key={p.name} {...p} />,
  hidden: () => null,
} satisfies Record<FieldWidget, (p: WidgetProps) => ReactNode>;

/** A businessHours node's hours: its own, or one of the company's shared schedules (fetched once per inspector). */
function NodeHours({ data, change, nodeId, doc, issues, readOnly }: WidgetProps) {
  const shared = useSchedules();
  return <HoursEditor data={data} onChange={change} nodeId={nodeId} flowTimezone={doc.header.timezone ?? 'UTC'} issues={issues} readOnly={readOnly} shared={shared} />;
}

interface Props { doc: Doc; dispatch: (a: EditorAction) => void; findings: NodeFinding[]; readOnly: boolean }

/** Removes an import note (engine/import-notes.ts) from the flow: its finding goes, as an undoable edit that is saved with the flow. */
export function DismissNote({ index, dispatch }: { index: number; dispatch: (a: EditorAction) => void }) {
  return <button className="link" onClick={() => dispatch({ type: 'edit', fn: (d) => ({ ...d, header: dismissNote(d.header, index) }) })}>Dismiss</button>;
}

/** The inspector: the selected node's form (driven by its zod schema), or the flow's settings. */
export function Inspector({ doc, dispatch, findings, readOnly }: Props) {
  const selected = doc.nodes.filter((n) => n.selected);
  const node = selected.length === 1 ? selected[0]! : undefined;
  const vars = useMemo(() => flowVars(doc), [doc.nodes]);
  if (selected.length > 1) return <div className="empty small">{selected.length} steps selected. Delete, copy or drag them together.</div>;
  if (!node) return <FlowSettings doc={doc} dispatch={dispatch} readOnly={readOnly} />;
  const kind = kindOf(node.type ?? '');
  const form = formOf(node.type ?? '');
  const data = node.data as NodeData;
  const issues = kind ? issuesByPath(kind.schema, data) : new Map<string, string>();
  // Edits to one field of one node coalesce: typing a sentence is one undo step, not one per key.
  const change = (next: NodeData, field = '*') => dispatch({ type: 'edit', fn: (d) => setNodeData(d, node.id, next), coalesce: `${node.id}:${field}` });
  const set = (k: string, v: unknown) => { const next = { ...data }; if (v === undefined) delete next[k]; else next[k] = v; change(next, k); };
  const mine = findings.filter((f) => f.nodeId === node.id);
  const fields = form?.kind === 'object' ? form.fields : [];
  return (
    <div className="inspector" data-testid="inspector">
      <h2>{kind?.label ?? node.type}</h2>
      <p className="muted">{kind?.description ?? 'Unknown node kind: the engine does not know it.'}</p>
      <NodeId key={node.id} id={node.id} readOnly={readOnly} onRename={(to) => dispatch({ type: 'edit', fn: (d) => renameNode(d, node.id, to) })} taken={(x) => doc.nodes.some((n) => n.id === x)} />
      <div className="row">
        {doc.header.start === node.id ? <span className="badge ok">Start step</span>
          : !readOnly && <button onClick={() => dispatch({ type: 'edit', fn: (d) => ({ ...d, header: { ...d.header, start: node.id } }) })}>Make this the start</button>}
      </div>
      {mine.length > 0 && (
        <ul className="findings compact">{mine.map((f, i) => <li key={i} className={f.severity}>{f.message}{f.note !== undefined && !readOnly && <> <DismissNote index={f.note} dispatch={dispatch} /></>}</li>)}</ul>
      )}
      {fields.map(([k, f]) => {
        const widget = kind?.widgets?.[k];
        if (widget) return WIDGETS[widget]({ name: k, field: f, data, nodeId: node.id, doc, issues, readOnly, set, change });
        return <FieldEditor key={k} name={k} field={f} value={data[k]} onChange={(v) => set(k, v)} path={k} issues={issues} vars={vars} readOnly={readOnly} />;
      })}
    </div>
  );
}

function NodeId({ id, onRename, taken, readOnly }: { id: string; onRename: (to: string) => void; taken: (id: string) => boolean; readOnly: boolean }) {
  const [v, setV] = useState(id);
  useEffect(() => setV(id), [id]);
  const bad = v !== id && (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v) ? 'Use letters, digits, - and _' : taken(v) ? 'Another step has this id' : '');
  const commit = () => { if (v !== id && !bad) onRename(v); };
  return (
    <label className="field">
      <span>Step id</span>
      <input name="node-id" value={v} disabled={readOnly} onChange={(e) => setV(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
      {bad && <div className="field-error">{bad}</div>}
    </label>
  );
}

const ZONES = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC'];

/** Settings of the flow itself, shown when nothing is selected. */
function FlowSettings({ doc, dispatch, readOnly }: { doc: Doc; dispatch: (a: EditorAction) => void; readOnly: boolean }) {
  const h = doc.header;
  const setH = (patch: Partial<Doc['header']>) => dispatch({ type: 'edit', fn: (d) => ({ ...d, header: { ...d.header, ...patch } }), coalesce: `header:${Object.keys(patch).join()}` });
  return (
    <div className="inspector">
      <h2>Flow settings</h2>
      <p className="muted">Select a step to edit it. Shift+drag selects several.</p>
      <label className="field"><span>Name</span><input name="flow-name" value={h.name} disabled={readOnly} onChange={(e) => setH({ name: e.target.value })} /></label>
      <label className="field"><span>Id</span><input value={h.id} disabled /></label>
      <label className="field"><span>Time zone</span>
        <select name="flow-timezone" value={h.timezone ?? 'UTC'} disabled={readOnly} onChange={(e) => setH({ timezone: e.target.value })}>
          {[...new Set(['UTC', ...ZONES])].map((z) => <option key={z}>{z}</option>)}
        </select>
      </label>
      <label className="field"><span>Started by</span>
        <select name="flow-channel" value={h.channel ?? 'voice'} disabled={readOnly} onChange={(e) => setH({ channel: e.target.value === 'sms' ? 'sms' : undefined })}>
          <option value="voice">a call</option><option value="sms">a text (SMS flow: a number's smsFlowId)</option>
        </select>
      </label>
      <label className="field"><span>Start step</span>
        <select name="flow-start" value={h.start} disabled={readOnly} onChange={(e) => setH({ start: e.target.value })}>
          <option value="">—</option>
          {doc.nodes.map((n) => <option key={n.id}>{n.id}</option>)}
        </select>
      </label>
      <label className="field"><span>Description</span><textarea value={h.description ?? ''} disabled={readOnly} onChange={(e) => setH({ description: e.target.value || undefined })} /></label>
    </div>
  );
}
