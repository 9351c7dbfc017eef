import { describe, expect, it } from 'vitest';
import { addNode, connect, copySelection, fromFlow, paste, pruneEdges, renameNode, toFlow, applyChanges, emptyFlow } from './graph.js';
import { initHistory, record, undo, redo, replace, checkpoint } from './history.js';
import { parseFlow } from '../../engine/schema.js';

/*
 *  hello(say) --next--> bye(hangup)
 */
function tiny() {
  let d = fromFlow(emptyFlow('t', 'T', 'UTC'));
  d = addNode(d, 'say', { x: 0, y: 0 });
  d = addNode(d, 'hangup', { x: 0, y: 150 });
  return connect(d, 'say', 'next', 'hangup');
}

describe('graph reducers', () => {
  it('builds a flow that parses, with the first node as start and no runtime fields', () => {
    const d = tiny();
    const f = toFlow({ ...d, nodes: d.nodes.map((n) => ({ ...n, measured: { width: 10, height: 10 }, dragging: true })) });
    expect(f.start).toBe('say');
    expect(Object.keys(f.nodes[0]!).sort()).toEqual(['data', 'id', 'position', 'type']);
    expect(Object.keys(f.edges[0]!).sort()).toEqual(['id', 'source', 'sourceHandle', 'target']);
    expect(() => parseFlow(f)).not.toThrow();
  });

  it('a port leads to one place: connecting again replaces the edge', () => {
    let d = tiny();
    d = addNode(d, 'say', { x: 0, y: 300 });
    d = connect(d, 'say', 'next', 'say-2');
    expect(d.edges).toEqual([{ id: 'say-next', source: 'say', sourceHandle: 'next', target: 'say-2' }]);
  });

  it('removing a node removes its edges', () => {
    const d = applyChanges(tiny(), [{ type: 'remove', id: 'hangup' }], []);
    expect(d.nodes.map((n) => n.id)).toEqual(['say']);
    expect(d.edges).toEqual([]);
  });

  it('renaming a node carries edges and the start with it', () => {
    const d = renameNode(tiny(), 'say', 'welcome');
    expect(d.header.start).toBe('welcome');
    expect(d.edges[0]).toMatchObject({ id: 'welcome-next', source: 'welcome', target: 'hangup' });
    expect(renameNode(d, 'welcome', 'hangup')).toBe(d);
  });

  it('renaming a node carries its import notes with it (they stay lint findings on it)', () => {
    const d0 = tiny();
    const withNote = { ...d0, header: { ...d0.header, import: { from: 'twilio-studio', notes: [{ node: 'say', severity: 'warning' as const, code: 'studio.liquid', message: 'm' }] } } };
    const d = renameNode(withNote, 'say', 'welcome');
    expect(d.header.import?.notes?.map((n) => n.node)).toEqual(['welcome']);
  });

  it('copy and paste gives fresh ids and keeps inner edges', () => {
    const d0 = tiny();
    const sel = { ...d0, nodes: d0.nodes.map((n) => ({ ...n, selected: true })) };
    const d = paste(sel, copySelection(sel));
    expect(d.nodes.map((n) => n.id)).toEqual(['say', 'hangup', 'say-2', 'hangup-2']);
    expect(d.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['say>hangup', 'say-2>hangup-2']);
    expect(d.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['say-2', 'hangup-2']);
  });

  it('prunes edges from ports that no longer exist', () => {
    const d = tiny();
    const bad = { ...d, edges: [...d.edges, { id: 'x', source: 'say', sourceHandle: 'gone', target: 'hangup' }] };
    expect(pruneEdges(bad).edges.map((e) => e.id)).toEqual(['say-next']);
  });
});

describe('history', () => {
  it('undoes and redoes recorded edits but not transient ones', () => {
    let h = initHistory(1);
    h = record(h, 2);
    h = replace(h, 3);
    h = record(h, 4);
    expect(undo(h).present).toBe(3);
    expect(undo(undo(h)).present).toBe(1);
    expect(redo(undo(undo(h))).present).toBe(3);
    expect(checkpoint(h).past.at(-1)).toBe(4);
    expect(record(undo(h), 9).future).toEqual([]);
  });
});

describe('editor reducer', () => {
  it('one undo brings back a deleted node and its edges (checkpoint, then node and edge removals)', async () => {
    const { editorReducer } = await import('./editor-state.js');
    let s = editorReducer({ h: initHistory(tiny()), savedEdits: 0 }, { type: 'checkpoint' });
    s = editorReducer(s, { type: 'rf', edges: [{ type: 'remove', id: 'say-next' }] });
    s = editorReducer(s, { type: 'rf', nodes: [{ type: 'remove', id: 'hangup' }] });
    expect(s.h.present.nodes.length).toBe(1);
    expect(s.h.edits).toBeGreaterThan(s.savedEdits); // unsaved
    s = editorReducer(s, { type: 'undo' });
    expect(s.h.present.nodes.length).toBe(2);
    expect(s.h.present.edges.length).toBe(1);
  });
});

describe('typing coalesces', () => {
  it('edits to one field are one undo step; another field starts a new one', async () => {
    const { editorReducer } = await import('./editor-state.js');
    const { setNodeData } = await import('./graph.js');
    const type = (text: string, field = 'say:text') => ({ type: 'edit' as const, fn: (d: ReturnType<typeof tiny>) => setNodeData(d, 'say', { text }), coalesce: field });
    let s = { h: initHistory(tiny()), savedEdits: 0 };
    for (const t of ['H', 'He', 'Hel', 'Hello']) s = editorReducer(s, type(t));
    s = editorReducer(s, type('x', 'say:voice'));
    expect(s.h.past.length).toBe(2);
    s = editorReducer(s, { type: 'undo' });
    expect(s.h.present.nodes[0]!.data).toEqual({ text: 'Hello' });
    s = editorReducer(s, { type: 'undo' });
    expect(s.h.present.nodes[0]!.data).toEqual({ text: 'Thanks for calling.', loop: 1 });
  });
});
