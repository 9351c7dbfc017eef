import { useReducer } from 'react';
import type { EdgeChange, NodeChange } from '@xyflow/react';
import { applyChanges, pruneEdges, type Doc, type FlowNodeRF } from './graph.js';
import { checkpoint, initHistory, record, redo, replace, undo, type History } from './history.js';

/** Editor state: the undo stack of documents plus the edit count at the last save. */
export interface EditorState { h: History<Doc>; savedEdits: number; /** coalescing key of the last edit (typing in one field is one undo step) */ last?: string }

export type EditorAction =
  | { type: 'load'; doc: Doc }
  | { type: 'rf'; nodes?: NodeChange<FlowNodeRF>[]; edges?: EdgeChange[] }
  | { type: 'edit'; fn: (d: Doc) => Doc; coalesce?: string }
  | { type: 'checkpoint' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'saved'; edits: number };

/** Pure reducer: structural changes are undoable; selection and measuring are not. */
export function editorReducer(s: EditorState, a: EditorAction): EditorState {
  switch (a.type) {
    case 'load': return { h: initHistory(a.doc), savedEdits: 0 };
    case 'rf': {
      const nc = a.nodes ?? [], ec = a.edges ?? [];
      const next = applyChanges(s.h.present, nc, ec);
      // A drag and a deletion were checkpointed when they started (React Flow reports one
      // deletion as separate node and edge changes: one undo must bring back both).
      const dirty = [...nc, ...ec].some((c) => c.type === 'remove' || c.type === 'add' || (c.type === 'position' && c.dragging === false));
      return { ...s, h: replace(s.h, next, dirty) };
    }
    case 'edit': {
      const next = pruneEdges(a.fn(s.h.present));
      const same = a.coalesce !== undefined && a.coalesce === s.last;
      return { ...s, last: a.coalesce, h: same ? replace(s.h, next, true) : record(s.h, next) };
    }
    case 'checkpoint': return { ...s, last: undefined, h: checkpoint(s.h) };
    case 'undo': return { ...s, last: undefined, h: undo(s.h) };
    case 'redo': return { ...s, last: undefined, h: redo(s.h) };
    case 'saved': return { ...s, savedEdits: a.edits };
  }
}

/** The editor's reducer hook. */
export function useEditor(doc: Doc) {
  return useReducer(editorReducer, doc, (d) => ({ h: initHistory(d), savedEdits: 0 }));
}
