import { z } from 'zod';
import type { Finding } from './lint.js';

/**
 * What an importer (engine/import/*) could not carry over faithfully, kept in the flow itself (`import.notes`) so
 * the linter shows each problem on its step after a save and a reload. A note stands while its step exists and, when
 * it names a `field` and `text`, while that field still holds that text: fixing the field (or deleting the step)
 * clears it; the builder's Dismiss removes it.
 */
export const importNoteSchema = z.object({
  node: z.string().min(1).max(64),
  severity: z.enum(['error', 'warning']),
  code: z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/, 'Use lowercase letters, digits, . and -'),
  message: z.string().min(1).max(1000),
  field: z.string().max(200).optional().describe('Dotted path in the step\'s data, e.g. "text" or "rules.0.when.var"'),
  text: z.string().max(4096).optional().describe('The note stands while the field still contains this text'),
});
export type ImportNote = z.output<typeof importNoteSchema>;

/** The `import` header: where the flow came from and the notes still open. Optional; absent on flows drawn here. */
export const importSchema = z.object({
  from: z.string().min(1).max(100).describe('The tool the flow was imported from, e.g. "twilio-studio"'),
  source: z.string().max(300).optional().describe('The file or flow it was imported from'),
  notes: z.array(importNoteSchema).max(2000).default([]),
});
export type ImportInfo = z.output<typeof importSchema>;

interface Doc { nodes: ReadonlyArray<{ id: string; data: unknown }>; import?: { notes?: readonly ImportNote[] } }

function at(data: unknown, field: string): unknown {
  let v = data;
  for (const key of field.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Is this note still true of the flow (its step there, its text still in the field)? */
export function noteStands(flow: Doc, note: ImportNote): boolean {
  const node = flow.nodes.find((n) => n.id === note.node);
  if (!node) return false;
  if (note.field === undefined || note.text === undefined) return true;
  const v = at(node.data, note.field);
  return typeof v === 'string' && v.includes(note.text);
}

/** One finding per standing import note, on its step; `note` is the note's index (what Dismiss removes). */
export function importFindings(flow: Doc): Finding[] {
  const notes = flow.import?.notes ?? [];
  const out: Finding[] = [];
  notes.forEach((n, i) => {
    if (noteStands(flow, n)) out.push({ code: n.code, severity: n.severity, node: n.node, note: i, message: n.message });
  });
  return out;
}

/** The flow without note `index` (and without the `import` header once no note is left). */
export function dismissNote<T extends { import?: { notes?: readonly ImportNote[] } }>(flow: T, index: number): T {
  if (!flow.import) return flow;
  const notes = (flow.import.notes ?? []).filter((_, i) => i !== index);
  if (notes.length) return { ...flow, import: { ...flow.import, notes } };
  const { import: _gone, ...rest } = flow;
  return rest as T;
}
