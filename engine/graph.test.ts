import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { graphOf } from './graph.js';
import { kindOf } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';
import { step } from './step.js';
import { lintFlow } from './lint.js';
import { parseFlow, type FlowInput } from './schema.js';

const pos = { x: 0, y: 0 };
const node = (id: string, type: string, data: unknown = {}) => ({ id, type, position: pos, data });
const edge = (id: string, source: string, sourceHandle: string, target: string) => ({ id, source, sourceHandle, target });
const say = (id: string) => node(id, 'say', { text: id });
const hours = (id: string) => node(id, 'businessHours', { weekly: { mon: [{ open: '09:00', close: '17:00' }] }, holidays: [{ date: '2026-12-25', name: 'Christmas' }] });

describe('graphOf: next node by port', () => {
  /*  a(say) ─next→ ghost (no such node)      the first edge's target does not exist: skipped
   *         ─next→ b(say)                    the first edge whose target exists wins
   *         ─next→ c(say)                    a later edge of the same port is never followed
   */
  const g = graphOf({
    nodes: [say('a'), say('b'), say('c')],
    edges: [edge('e0', 'a', 'next', 'ghost'), edge('e1', 'a', 'next', 'b'), edge('e2', 'a', 'next', 'c')],
  });

  it('follows the first edge of a port whose target exists', () => {
    expect(g.edge('a', 'next')?.id).toBe('e1');
    expect(g.next('a', 'next')).toBe('b');
    expect(g.out('a').map((e) => e.id)).toEqual(['e1']);
  });

  it('has nowhere to go from an unwired port or an unknown node', () => {
    expect(g.next('b', 'next')).toBeUndefined();
    expect(g.next('nobody', 'next')).toBeUndefined();
    expect(g.out('nobody')).toEqual([]);
  });
});

describe('graphOf: fallbacks and ports', () => {
  /*  h(businessHours) ─open→   o(say)
   *                   ─closed→ c(say)        holiday is unwired: it falls back to closed
   *                   ─lunch→  o             not a port of businessHours: never followed
   */
  const flow = {
    nodes: [hours('h'), say('o'), say('c')],
    edges: [edge('h-open', 'h', 'open', 'o'), edge('h-lunch', 'h', 'lunch', 'o'), edge('h-closed', 'h', 'closed', 'c')],
  };
  const g = graphOf(flow);

  it('takes the fallback port\'s edge for an unwired port (holiday → closed)', () => {
    expect(g.edge('h', 'holiday')).toBeUndefined();
    expect(g.taken('h', 'holiday')?.id).toBe('h-closed');
    expect(g.next('h', 'holiday')).toBe('c');
  });

  it('lists only the ports the kind has, in file order', () => {
    expect(g.out('h').map((e) => e.id)).toEqual(['h-open', 'h-closed']);
  });

  it('prefers a port\'s own edge to its fallback', () => {
    const own = graphOf({ ...flow, nodes: [...flow.nodes, say('x')], edges: [...flow.edges, edge('h-holiday', 'h', 'holiday', 'x')] });
    expect(own.next('h', 'holiday')).toBe('x');
  });

  it('stops on fallbacks that loop (a hand-made kind) instead of hanging', () => {
    //  l(loopy) : a falls back to b, b to a; neither is wired
    const loopy = { ...kindOf('say')!, type: 'loopy', ports: () => ['a', 'b'], fallbacks: { a: 'b', b: 'a' } } as NodeKind;
    const lg = graphOf({ nodes: [{ id: 'l', type: 'loopy' }], edges: [] }, (t) => (t === 'loopy' ? loopy : kindOf(t)));
    expect(lg.next('l', 'a')).toBeUndefined();
  });

  it('keeps the first node of a duplicated id', () => {
    const dup = graphOf({ nodes: [say('a'), hours('a')], edges: [] });
    expect(dup.byId.get('a')?.type).toBe('say');
  });

  it('survives a kind whose ports throw on odd data', () => {
    const odd = { ...kindOf('say')!, type: 'odd', ports: () => { throw new Error('bad data'); }, schema: z.object({}) } as NodeKind;
    const og = graphOf({ nodes: [{ id: 'o', type: 'odd' }, say('b')], edges: [edge('o-next', 'o', 'next', 'b')] }, (t) => (t === 'odd' ? odd : kindOf(t)));
    expect(og.out('o')).toEqual([]);
    expect(og.next('o', 'next')).toBe('b');
  });
});

describe('the engine and lint follow the same edges as the graph', () => {
  /*  start(businessHours) ─open→   open(say)
   *                       ─closed→ closed(say) ─next→ bye(hangup)
   *                       ─closed→ open         (a second edge on closed: never followed; lint says so)
   *  On Christmas the holiday port is unwired and falls back to closed.
   */
  const input: FlowInput = {
    format: 'callflow/1', id: 'g', name: 'g', timezone: 'UTC', start: 'start',
    nodes: [hours('start'), say('open'), say('closed'), node('bye', 'hangup')],
    edges: [edge('s-open', 'start', 'open', 'open'), edge('s-closed', 'start', 'closed', 'closed'), edge('s-closed-2', 'start', 'closed', 'open'), edge('c-next', 'closed', 'next', 'bye')],
  } as FlowInput;
  const flow = parseFlow(input);
  const started = { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'c', direction: 'inbound' } as const;

  it('the engine goes where graph.next says', () => {
    const r = step(flow, null, started, { now: '2026-12-25T10:00:00Z', mode: 'texml' });
    const port = r.trace.find((t) => t.kind === 'port' && t.node === 'start');
    expect(port).toEqual({ kind: 'port', node: 'start', port: 'holiday', target: graphOf(flow).next('start', 'holiday') });
    expect(port).toMatchObject({ target: 'closed' });
  });

  it('lint reports the ignored edge and finds nothing unwired (holiday falls back)', () => {
    const fs = lintFlow(input);
    expect(fs.filter((f) => f.code === 'duplicate-port').map((f) => f.edge)).toEqual(['s-closed-2']);
    expect(fs.filter((f) => f.code === 'unwired-port')).toEqual([]);
  });
});
