import type { MapContext, NewNode, Remark, StateResult } from './context.js';
import { next, position, varName } from './context.js';
import { translate } from './liquid.js';
import type { StudioState } from './studio-schema.js';

/** A fresh node id from `base` (letters, digits, - and _; `base`, `base-2`, …), recorded as taken. */
export function freshNodeId(taken: Set<string>, base: string): string {
  let stem = base.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 56);
  if (!/^[A-Za-z0-9]/.test(stem)) stem = `s${stem}`.slice(0, 56);
  let id = stem;
  for (let i = 2; taken.has(id); i++) id = `${stem}-${i}`;
  taken.add(id);
  return id;
}

/** Adds a node and returns its id. */
export function addNode(ctx: MapContext, node: NewNode): string {
  ctx.nodes.push(node);
  return node.id;
}

/** Wires `port` of `source` to the state `event` leads to, when it leads somewhere. */
export function wire(ctx: MapContext, source: string, port: string, s: StudioState, event: string): void {
  const to = next(s, event);
  if (to) ctx.wires.push({ source, port, state: to });
}

/**
 * A Studio text (Liquid and all) for a field of `node`: the common references translated to callflow templates,
 * every other tag kept as text with a warning note on that field (it clears when the field no longer holds the tag).
 */
export function text(ctx: MapContext, value: string, node: string, field: string, remarks: Remark[]): string {
  const t = translate(value, ctx);
  for (const tag of new Set(t.kept)) {
    remarks.push({
      severity: 'warning', code: 'studio.liquid', node, field, text: tag,
      message: `The Liquid expression ${tag} in "${field}" was kept as text: Callflow has no value for it (it fills in as nothing, or is read out as written). Replace it with a template such as {{caller.from}} or {{vars.NAME}}.`,
    });
  }
  return t.text;
}

/** Remarks about transitions Callflow has no place for (e.g. Studio's caller-hung-up path), when they lead somewhere new. */
export function dropped(ctx: MapContext, s: StudioState, node: string, events: Record<string, string>, remarks: Remark[]): void {
  // A path to where the node goes anyway loses nothing.
  const wired = new Set(ctx.wires.filter((w) => w.source === node).map((w) => w.state));
  for (const [event, why] of Object.entries(events)) {
    const to = next(s, event);
    if (to && !wired.has(to)) remarks.push({ severity: 'warning', code: 'studio.transition', node, message: `The "${event}" path (to "${to}") was not carried over: ${why}` });
  }
}

const PRIMARY: Record<string, string[]> = {
  'make-http-request': ['success'], 'run-function': ['success'], 'enqueue-call': ['callComplete'], 'send-to-flex': ['callComplete'],
  'capture-payments': ['success'], 'connect-call-to': ['callCompleted'],
};

/** Why a widget has no counterpart here, in words for the note. */
function why(s: StudioState, reason?: string): string {
  const p = s.properties;
  if (reason) return reason;
  switch (s.type) {
    case 'make-http-request': return `it calls ${String(p.method ?? 'GET')} ${String(p.url ?? '(no URL)')}, and Callflow has no HTTP request step yet. Replace it, or dismiss this note to keep the placeholder.`;
    case 'run-function': return `it runs the Twilio Function ${String(p.url ?? '')}, which does not exist outside Twilio. Replace it, or dismiss this note to keep the placeholder.`;
    case 'enqueue-call': return `it puts the caller in the queue ${JSON.stringify(p.queue_name ?? p.workflow_sid ?? '')}, and Callflow has no call queue yet. Replace it with a "Ring a team" step listing the queue's agents.`;
    case 'send-to-flex': return 'it hands the call to Twilio Flex (TaskRouter). Replace it with a "Ring a team" step listing your agents.';
    case 'capture-payments': return 'it takes a card payment, and Callflow has no payment step. Replace it with a transfer to your payment line.';
    default: return `Callflow has no step like Studio's "${s.type}". Replace it, or dismiss this note to keep the placeholder.`;
  }
}

/**
 * A state Callflow cannot do: a branch placeholder that goes on by the widget's main path (`else`) and keeps every
 * other transition as an exit of its own (a rule on `vars.studio_STATE`, which nothing sets), so no wiring is lost;
 * an error note on it blocks publishing until it is replaced or the note dismissed.
 */
export function placeholder(ctx: MapContext, s: StudioState, reason?: string): StateResult {
  const id = ctx.ids.get(s.name)!;
  const events = PRIMARY[s.type] ?? [];
  const main = s.transitions.find((t) => t.next && (events.includes(t.event) || !events.length));
  const flag = `vars.studio_${varName(s.name)}`.slice(0, 69);
  const rules: Array<{ port: string; when: { var: string; op: string; value: string } }> = [];
  const ports = new Set(['else']);
  for (const t of s.transitions) {
    if (!t.next || t === main) continue;
    let port = varName(t.event).replace(/^[^A-Za-z]+/, '').slice(0, 36) || 'other';
    for (let n = 2; ports.has(port); n++) port = `${port.replace(/-\d+$/, '')}-${n}`;
    ports.add(port);
    rules.push({ port, when: { var: flag, op: 'eq', value: t.event } });
    ctx.wires.push({ source: id, port, state: t.next });
  }
  addNode(ctx, { id, type: 'branch', position: position(s), data: { rules } });
  if (main?.next) ctx.wires.push({ source: id, port: 'else', state: main.next });
  const kept = rules.map((r) => `"${r.port}"`);
  const goes = main?.next ? ` This placeholder goes on by "${main.event}" (to "${main.next}")${kept.length ? `; its other paths (${kept.join(', ')}) are kept as exits no call takes` : ''}.` : '';
  const remarks: Remark[] = [{ severity: 'error', code: 'studio.unmapped', node: id, message: `Studio's "${s.name}" (${s.type}) was not imported: ${why(s, reason)}${goes}` }];
  return { status: 'unmapped', nodes: [id], remarks };
}
