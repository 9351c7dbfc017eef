/**
 * Words for lint messages: how to name a step and one of its exits so that
 * someone who never saw the JSON understands which box on the canvas is meant.
 * The words themselves are each kind's (`noun`, `portPhrase` on the kind).
 */
import { kindOf } from './nodes/index.js';
import { exitPhrase } from './nodes/words.js';
import type { NodeKind } from './node-kind.js';

const MAX_LABEL = 40;

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('').trimEnd()}…` : flat;
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v;
  if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') return textOf((v as { text: string }).text);
  return undefined;
}

/**
 * A short human label for a node: its own label or name if it has one, else
 * what the caller hears (text, prompt, greeting), else its id.
 */
export function nodeLabel(node: { id: string; data?: unknown }): string {
  const d = (node.data && typeof node.data === 'object' ? node.data : {}) as Record<string, unknown>;
  for (const key of ['label', 'name', 'text', 'prompt', 'greeting']) {
    const t = textOf(d[key]);
    if (t) return short(t);
  }
  return node.id;
}

/** `the menu "Main menu"`, lower-case, to begin or continue a sentence; `kind` defaults to the registry's. */
export function nodeName(node: { id: string; type: string; data?: unknown }, kind: NodeKind | undefined = kindOf(node.type)): string {
  return `the ${kind?.noun ?? 'step'} "${nodeLabel(node)}"`;
}

/** Capitalises the first letter (sentences start with "The menu ..."). */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What leaving `kind` by `port` means: "for when the caller presses 1", "for when nobody answers", ... */
export function portPhrase(kind: NodeKind | undefined, port: string): string {
  return kind?.portPhrase?.(port) ?? exitPhrase(port);
}
