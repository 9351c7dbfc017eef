/**
 * Undo/redo as a stack of states: every edit is a pure reducer, so undo is
 * just "go back to the previous value". Transient changes (selection,
 * measuring, a drag in progress) replace the present without a new entry.
 */
export interface History<T> { past: T[]; present: T; future: T[]; /** bumps on every recorded edit (drives "unsaved") */ edits: number }

const LIMIT = 100;

export function initHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], edits: 0 };
}

/** Records `next` as a new undoable state. */
export function record<T>(h: History<T>, next: T): History<T> {
  if (next === h.present) return h;
  return { past: [...h.past.slice(-LIMIT + 1), h.present], present: next, future: [], edits: h.edits + 1 };
}

/** Replaces the present without an undo entry (selection, sizes, drag frames). */
export function replace<T>(h: History<T>, next: T, dirty = false): History<T> {
  return next === h.present ? h : { ...h, present: next, edits: dirty ? h.edits + 1 : h.edits };
}

/** Pushes the present as an undo point (before a drag starts) without changing it. */
export function checkpoint<T>(h: History<T>): History<T> {
  return { past: [...h.past.slice(-LIMIT + 1), h.present], present: h.present, future: [], edits: h.edits };
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1]!, future: [h.present, ...h.future], edits: h.edits + 1 };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0]!, future: h.future.slice(1), edits: h.edits + 1 };
}
