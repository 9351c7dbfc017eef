import type { FlowInput } from '../../schema.js';
import type { ImportNote } from '../../import-notes.js';
import type { MapContext, Remark, StateResult, StateStatus } from './context.js';
import { next, position } from './context.js';
import { freshNodeId, placeholder } from './helpers.js';
import { digitsVariable, gather, planGather, type GatherPlan } from './gather.js';
import { connectCall, recordVoicemail, sayPlay } from './voice.js';
import { sendMessage, setVariables, split } from './logic.js';
import { readStudio, type StudioIssue, type StudioState } from './studio-schema.js';

export { readStudio, type StudioIssue } from './studio-schema.js';

/** What became of one Studio state. */
export interface StateReport { state: string; type: string; status: StateStatus; nodes: string[]; remarks: Array<Pick<Remark, 'severity' | 'message'>> }
/** The import report: one line per state, and a summary line. */
export interface StudioReport { states: StateReport[]; summary: string; counts: Record<StateStatus, number> & { liquid: number } }
export interface ImportOptions { id?: string; name?: string; source?: string; timezone?: string }
export type ImportResult = { ok: true; flow: FlowInput; report: StudioReport } | { ok: false; issues: StudioIssue[] };

/** A flow id from a name (`Main IVR` → `main-ivr`). */
export function flowIdFrom(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'studio-import';
}

/** States a call can reach from the Trigger's incomingCall (the rest serve messages or API requests). */
function callStates(states: ReadonlyMap<string, StudioState>, first: string | undefined): Set<string> {
  const seen = new Set<string>();
  const todo = first ? [first] : [];
  while (todo.length) {
    const n = todo.pop()!;
    if (seen.has(n) || !states.has(n)) continue;
    seen.add(n);
    for (const t of states.get(n)!.transitions) if (t.next) todo.push(t.next);
  }
  return seen;
}

const MAPPERS: Record<string, (ctx: MapContext, s: StudioState, taken: Set<string>) => StateResult> = {
  'say-play': sayPlay,
  'split-based-on': split,
  'connect-call-to': connectCall,
  'record-voicemail': recordVoicemail,
  'send-message': sendMessage,
  'set-variables': setVariables,
};

/**
 * Imports a Twilio Studio flow (its definition, or the REST API's Flow resource) as a callflow/1 flow. Pure. Each
 * state a call can reach becomes one or more nodes (position from `properties.offset`), each transition an edge by
 * port; what could not be carried over faithfully is in the report and, when the admin should act on it, an import
 * note on the node (`import.notes`, shown by lint). A file that is not a Studio flow gives the issues with their paths.
 */
export function importStudio(input: unknown, opts: ImportOptions = {}): ImportResult {
  const read = readStudio(input);
  if (!read.ok) return read;
  const def = read.value.definition;
  const states = new Map(def.states.map((s) => [s.name, s]));
  const trigger = states.get(def.initial_state)!;
  const first = trigger.type === 'trigger' ? next(trigger, 'incomingCall') : trigger.name;
  const reach = callStates(states, first);
  const taken = new Set<string>();
  const ids = new Map<string, string>();
  for (const s of def.states) if (reach.has(s.name)) ids.set(s.name, freshNodeId(taken, s.name));
  const ctx: MapContext = { states, ids, digitsVar: new Map(), nodes: [], wires: [], entry: new Map(), folded: new Map() };

  const plans = planGathers(ctx, def.states.filter((s) => reach.has(s.name)));

  const reports: StateReport[] = [];
  const all: Remark[] = [];
  for (const s of def.states) {
    let r: StateResult;
    if (s === trigger && s.type === 'trigger') r = triggerReport(s);
    else if (!reach.has(s.name)) r = { status: 'skipped', nodes: [], remarks: [{ severity: 'info', code: 'studio.skipped', message: 'No call reaches it (it serves messages or API requests), so it was left out.' }] };
    else if (ctx.folded.has(s.name)) { const f = ctx.folded.get(s.name)!; r = { status: 'merged', nodes: [f.into], remarks: [{ severity: 'info', code: 'studio.merged', message: `Merged: ${f.why}.` }] }; }
    else if (s.type === 'gather-input-on-call') r = gather(ctx, s, plans.get(s.name)!);
    else r = (MAPPERS[s.type] ?? ((c: MapContext, st: StudioState) => placeholder(c, st)))(ctx, s, taken);
    reports.push({ state: s.name, type: s.type, status: r.status, nodes: r.nodes, remarks: r.remarks.map(({ severity, message }) => ({ severity, message })) });
    all.push(...r.remarks);
  }

  let start = first ? (ctx.entry.get(first) ?? ids.get(first)) : undefined;
  if (!start) {
    start = freshNodeId(taken, 'no-call-path');
    ctx.nodes.push({ id: start, type: 'hangup', position: position(trigger, 120), data: { reason: 'The Studio flow does not answer calls' } });
    all.push({ severity: 'error', code: 'studio.no-call', node: start, message: 'The Studio flow answers no calls (its Trigger has no "incomingCall" path), so this flow only hangs up. Draw the call path here.' });
  }
  const edges = ctx.wires.flatMap((w) => {
    const target = w.state.startsWith('\u0000') ? w.state.slice(1) : (ctx.entry.get(w.state) ?? ids.get(w.state));
    return target ? [{ id: `${w.source}-${w.port}`, source: w.source, sourceHandle: w.port, target }] : [];
  });
  const notes: ImportNote[] = all.filter((x) => x.severity !== 'info' && x.node).map((x) => ({
    node: x.node!, severity: x.severity as 'error' | 'warning', code: x.code, message: x.message,
    ...(x.field !== undefined && x.text !== undefined ? { field: x.field, text: x.text } : {}),
  }));
  const name = (opts.name ?? read.value.friendlyName ?? def.description ?? 'Imported from Twilio Studio').slice(0, 200) || 'Imported from Twilio Studio';
  const flow: FlowInput = {
    format: 'callflow/1', id: opts.id ?? flowIdFrom(name), name,
    ...(def.description ? { description: def.description.slice(0, 2000) } : {}),
    timezone: opts.timezone ?? 'UTC', start,
    nodes: ctx.nodes as FlowInput['nodes'], edges,
    import: { from: 'twilio-studio', ...(opts.source ? { source: opts.source.slice(0, 300) } : read.value.sid ? { source: read.value.sid } : {}), notes },
  };
  return { ok: true, flow, report: summarise(reports, all) };
}

/**
 * Gathers first: whether each becomes a menu or a collect decides what {{widgets.G.Digits}} means everywhere, and
 * which states (a say-play before it, the splits on its answer) fold into it.
 */
function planGathers(ctx: MapContext, states: StudioState[]): Map<string, GatherPlan> {
  const plans = new Map<string, GatherPlan>();
  for (const s of states) {
    if (s.type !== 'gather-input-on-call') continue;
    const plan = planGather(ctx, s);
    plans.set(s.name, plan);
    if (plan.kind === 'collect') ctx.digitsVar.set(s.name, digitsVariable(s));
    const id = ctx.ids.get(s.name)!;
    if (plan.prompt) { ctx.entry.set(plan.prompt.name, id); ctx.folded.set(plan.prompt.name, { into: id, why: `its words are the prompt of "${id}"` }); }
    if (plan.split) ctx.folded.set(plan.split.name, { into: id, why: `its key choices are the options of the menu "${id}"` });
    if (plan.speechSplit) ctx.folded.set(plan.speechSplit.name, { into: id, why: `its phrases are the spoken choices of the menu "${id}"` });
  }
  return plans;
}

function triggerReport(s: StudioState): StateResult {
  const others = s.transitions.filter((t) => t.next && t.event !== 'incomingCall').map((t) => `"${t.event}"`);
  const remarks: Remark[] = others.length ? [{ severity: 'info', code: 'studio.trigger', message: `Only calls are imported: ${others.join(', ')} ${others.length === 1 ? 'was' : 'were'} left out.` }] : [];
  if (!next(s, 'incomingCall')) remarks.push({ severity: 'error', code: 'studio.no-call', message: 'The Trigger has no "incomingCall" path: the flow answers no calls, so the import only hangs up.' });
  return { status: remarks.length ? 'changed' : 'mapped', nodes: [], remarks };
}

function summarise(states: StateReport[], all: Remark[]): StudioReport {
  const counts = { mapped: 0, changed: 0, unmapped: 0, merged: 0, skipped: 0, liquid: all.filter((r) => r.code === 'studio.liquid').length };
  for (const s of states) counts[s.status]++;
  const summary = `${states.length} Studio states: ${counts.mapped} mapped, ${counts.changed} mapped with changes, ${counts.merged} merged into another step, ${counts.unmapped} not mapped (placeholders), ${counts.skipped} skipped; ${counts.liquid} Liquid expression(s) kept as text.`;
  return { states, summary, counts };
}

/** The report as lines a person reads (the CLI prints it; the builder shows the same in its dialog). */
export function formatReport(r: StudioReport): string {
  const label: Record<StateStatus, string> = { mapped: 'mapped', changed: 'changed', merged: 'merged', unmapped: 'NOT MAPPED', skipped: 'skipped' };
  const lines = r.states.map((s) => {
    const head = `${label[s.status].padEnd(10)} ${s.state} (${s.type})${s.nodes.length ? ` → ${s.nodes.join(', ')}` : ''}`;
    return [head, ...s.remarks.map((x) => `           ${x.severity === 'info' ? '-' : x.severity === 'warning' ? '!' : '✗'} ${x.message}`)].join('\n');
  });
  return `${lines.join('\n')}\n${r.summary}\n`;
}
