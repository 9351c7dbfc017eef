import { describe, expect, it } from 'vitest';
import { diffFlows } from './diff.js';
import type { FlowInput } from '../../engine/schema.js';

/*
 *  v1: a(say) -> b(say) -> c(hangup)
 *  v2: a(say, moved) -> b(say, new text) -> d(hangup)      (c removed, d added)
 */
const v1: FlowInput = {
  format: 'callflow/1', id: 'd', name: 'D', start: 'a',
  nodes: [
    { id: 'a', type: 'say', position: { x: 0, y: 0 }, data: { text: 'hi', loop: 1 } },
    { id: 'b', type: 'say', position: { x: 0, y: 100 }, data: { text: 'one' } },
    { id: 'c', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [{ id: 'a-next', source: 'a', sourceHandle: 'next', target: 'b' }, { id: 'b-next', source: 'b', sourceHandle: 'next', target: 'c' }],
};
const v2: FlowInput = {
  ...v1, name: 'D2',
  nodes: [
    { id: 'a', type: 'say', position: { x: 50, y: 0 }, data: { loop: 1, text: 'hi' } },
    { id: 'b', type: 'say', position: { x: 0, y: 100 }, data: { text: 'two' } },
    { id: 'd', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [{ id: 'a-next', source: 'a', sourceHandle: 'next', target: 'b' }, { id: 'b-next', source: 'b', sourceHandle: 'next', target: 'd' }],
};

describe('diffFlows', () => {
  it('marks added, removed and changed nodes; moves and key order are not changes', () => {
    const d = diffFlows(v1, v2);
    expect(Object.fromEntries(d.nodes)).toEqual({ a: 'same', b: 'changed', c: 'removed', d: 'added' });
    expect(d.addedEdges).toEqual(['b-next']);
    expect(d.removedEdges).toEqual(['b-next']);
    expect(d.header).toEqual(['name']);
  });
  it('finds nothing between a version and itself', () => {
    const d = diffFlows(v1, structuredClone(v1));
    expect([...d.nodes.values()].every((x) => x === 'same')).toBe(true);
    expect(d.addedEdges).toEqual([]);
  });
});
