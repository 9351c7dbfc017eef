import type { StudioState } from './studio-schema.js';

/** How one Studio state came across: as it was, with changes, not at all (a placeholder), or folded into another step. */
export type StateStatus = 'mapped' | 'changed' | 'unmapped' | 'merged' | 'skipped';

/** Something the report says about a state; `warning` and `error` also become import notes on the step (lint findings). */
export interface Remark { severity: 'info' | 'warning' | 'error'; code: string; message: string; node?: string; field?: string; text?: string }

/** A node the importer made, in callflow/1 terms. */
export interface NewNode { id: string; type: string; position: { x: number; y: number }; data: Record<string, unknown> }

/** An edge to a Studio state, resolved to that state's first node once every state is mapped. */
export interface Wire { source: string; port: string; state: string }

/** What the importer knows across states, and where each mapper writes its nodes, wires and remarks. */
export interface MapContext {
  states: ReadonlyMap<string, StudioState>;
  /** The node id each state got (a slug of its name). */
  ids: ReadonlyMap<string, string>;
  /** The variable a state's `Digits` are kept in, for states mapped to collect (`{{widgets.G.Digits}}` → `{{vars.G}}`). */
  digitsVar: Map<string, string>;
  nodes: NewNode[];
  wires: Wire[];
  /** State name → the node a transition to it lands on, when it is not the state's own id (a state folded into another). */
  entry: Map<string, string>;
  /** State name → status of states folded into another step (a split merged into a menu). */
  folded: Map<string, { into: string; why: string }>;
}

/** What one mapper says about its state. */
export interface StateResult { status: StateStatus; nodes: string[]; remarks: Remark[] }

/** A Studio name as a callflow variable name (`{{vars.NAME}}`): letters, digits and _. */
export function varName(name: string): string {
  const v = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  return /^[A-Za-z_]/.test(v) ? v : `v_${v}`.slice(0, 64);
}

/** The transition of a state by event, if it leads somewhere. */
export function next(s: StudioState, event: string): string | undefined {
  return s.transitions.find((t) => t.event === event && t.next)?.next;
}

/** Properties as Studio writes them: numbers sometimes as strings, booleans sometimes as "true". */
export function str(p: Record<string, unknown>, k: string): string | undefined {
  const v = p[k];
  return typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}
export function num(p: Record<string, unknown>, k: string): number | undefined {
  const v = typeof p[k] === 'string' ? Number(p[k]) : p[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
export function bool(p: Record<string, unknown>, k: string): boolean | undefined {
  const v = p[k];
  return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
}
/** A whole number within [min, max]; `changed` when the value had to move. */
export function clamp(v: number | undefined, min: number, max: number, dflt: number): { value: number; changed: boolean } {
  if (v === undefined) return { value: dflt, changed: false };
  const r = Math.min(max, Math.max(min, Math.round(v)));
  return { value: r, changed: r !== v };
}

/** The canvas position of a state (`properties.offset`), moved down by `dy` for the extra nodes a state becomes. */
export function position(s: StudioState, dy = 0): { x: number; y: number } {
  const o = s.properties.offset as { x?: unknown; y?: unknown } | undefined;
  const x = typeof o?.x === 'number' ? o.x : 0, y = typeof o?.y === 'number' ? o.y : 0;
  return { x: Math.round(x), y: Math.round(y + dy) };
}
