import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { lintFlow, publishable, type Finding } from './lint.js';
import { graphFindings } from './lint-graph.js';
import { cycles } from './lint-loops.js';
import { kindOf } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';
import type { Flow } from './schema.js';
import { phrases, SHARED_PORT_PHRASES } from './nodes/words.js';

const pos = { x: 0, y: 0 };
const say = (id: string, text = `Text of ${id}`) => ({ id, type: 'say', position: pos, data: { text } });
const hangup = (id: string) => ({ id, type: 'hangup', position: pos, data: {} });
const edge = (source: string, target: string, sourceHandle = 'next', id = `${source}-${sourceHandle}-${target}`) => ({ id, source, sourceHandle, target });
const flow = (nodes: unknown[], edges: unknown[], extra: Record<string, unknown> = {}) =>
  ({ format: 'callflow/1', id: 'test-flow', name: 'Test', timezone: 'America/Chicago', start: 'welcome', nodes, edges, ...extra });
const codes = (fs: Finding[]) => fs.map((f) => f.code);
const find = (fs: Finding[], code: string) => fs.filter((f) => f.code === code);

describe('lintFlow: schema', () => {
  it('reports each zod issue with its path and a plain sentence, and stops there', () => {
    const fs = lintFlow(flow([say('welcome', ''), { id: 'x', type: 'teleport', position: pos, data: {} }], [{ id: 'e1', source: 'welcome' }], { format: 'callflow/9' }));
    expect(fs.every((f) => f.severity === 'error')).toBe(true);
    expect(fs.find((f) => f.path?.join('.') === 'format')?.message).toBe('"format" must be "callflow/1".');
    const text = fs.find((f) => f.path?.join('.') === 'nodes.0.data.text')!;
    expect(text).toMatchObject({ code: 'schema', node: 'welcome' });
    expect(text.message).toBe('In step "welcome", "text": Write what the caller hears.');
    expect(fs.find((f) => f.code === 'unknown-node-type')).toMatchObject({ node: 'x', path: ['nodes', 1, 'type'] });
    expect(fs.find((f) => f.path?.join('.') === 'edges.0.target')).toMatchObject({ edge: 'e1', message: 'In connection number 1, "target" is missing.' });
    expect(codes(fs)).not.toContain('start-missing'); // graph checks wait for a document that parses
  });

  it('never throws, whatever it is given (property)', () => {
    for (const junk of [null, undefined, 42, 'not json {', '[]', [], {}, { nodes: 'x' }, { format: 'callflow/1', nodes: [null], edges: [1] }]) {
      const fs = lintFlow(junk);
      expect(fs.length).toBeGreaterThan(0);
      expect(publishable(fs)).toBe(false);
    }
    expect(lintFlow('not json {')[0]!.code).toBe('not-json');
    fc.assert(fc.property(fc.anything(), (x) => { expect(Array.isArray(lintFlow(x))).toBe(true); }), { numRuns: 200 });
  });

  it('reads a JSON string', () => {
    expect(lintFlow(JSON.stringify(flow([say('welcome'), hangup('bye')], [edge('welcome', 'bye')])))).toEqual([]);
  });
});

describe('lintFlow: graph', () => {
  it('finds nothing wrong in a clean flow, which is publishable', () => {
    const fs = lintFlow(flow([say('welcome'), hangup('bye')], [edge('welcome', 'bye')]));
    expect(fs).toEqual([]);
    expect(publishable(fs)).toBe(true);
  });

  it('reports duplicate node ids, a missing start and a bad time zone', () => {
    const fs = lintFlow(flow([say('a'), say('a'), hangup('b')], [edge('a', 'b')], { start: 'welcome', timezone: 'Mars/Olympus' }));
    expect(find(fs, 'duplicate-node-id')).toEqual([expect.objectContaining({ node: 'a', path: ['nodes', 1, 'id'], severity: 'error' })]);
    expect(find(fs, 'start-missing')[0]!.message).toContain('"welcome"');
    expect(find(fs, 'bad-timezone')[0]).toMatchObject({ path: ['timezone'], severity: 'error' });
    expect(codes(fs)).not.toContain('unreachable'); // without a start every step would be, which says nothing new
  });

  it('reports dangling connections, unknown ports and a port wired twice', () => {
    /*  welcome --next--> ghost        (no such step)
     *  welcome --next--> bye          (second edge on next)
     *  nobody  --next--> bye          (no such source)
     *  bye     --next--> welcome      (hangup has no exits)
     *  welcome --press1--> bye        (say has no "press1") */
    const fs = lintFlow(flow([say('welcome'), hangup('bye')], [
      edge('welcome', 'ghost', 'next', 'e1'), edge('welcome', 'bye', 'next', 'e2'), edge('nobody', 'bye', 'next', 'e3'),
      edge('bye', 'welcome', 'next', 'e4'), edge('welcome', 'bye', 'press1', 'e5'),
    ]));
    expect(find(fs, 'dangling-edge').map((f) => f.edge)).toEqual(['e1', 'e3']);
    expect(find(fs, 'duplicate-port')).toEqual([expect.objectContaining({ edge: 'e2', node: 'welcome' })]);
    expect(find(fs, 'unknown-port').map((f) => [f.edge, f.node])).toEqual([['e4', 'bye'], ['e5', 'welcome']]);
    expect(find(fs, 'unknown-port')[0]!.message).toContain('it has no exits');
    expect(fs.every((f) => f.severity === 'error')).toBe(true);
  });

  it('warns about steps no call can reach, naming them by what they say', () => {
    //  welcome -> bye        orphan -> bye
    const fs = lintFlow(flow([say('welcome'), say('orphan', 'Sorry, we are closed'), hangup('bye')], [edge('welcome', 'bye'), edge('orphan', 'bye')]));
    expect(fs).toEqual([expect.objectContaining({ code: 'unreachable', severity: 'warning', node: 'orphan' })]);
    expect(fs[0]!.message).toBe('No call can reach the message "Sorry, we are closed"; connect it to the flow or delete it.');
    expect(publishable(fs)).toBe(true);
  });

  it('reports a loop where nothing waits, and not a loop through a step that waits', () => {
    //  welcome -> again -> welcome   (say, say: TeXML never waits)
    const fs = lintFlow(flow([say('welcome'), say('again')], [edge('welcome', 'again'), edge('again', 'welcome')]));
    expect(find(fs, 'endless-loop')).toEqual([expect.objectContaining({ node: 'welcome', nodes: ['welcome', 'again'], severity: 'error' })]);
    expect(find(fs, 'endless-loop')[0]!.message).toContain('this loop would repeat forever without waiting for the caller');
    const self = lintFlow(flow([say('welcome')], [edge('welcome', 'welcome')]));
    expect(find(self, 'endless-loop')[0]!.message).toContain('straight back to itself');
  });
});

/*  A purpose-built kind, so graph checks that need ports a caller reaches can be tested
 *  without depending on the menu kind:  ask --yes/no/timeout-->  (timeout may fall back to no) */
const ask: NodeKind = {
  type: 'ask', label: 'Ask', description: '', schema: z.object({}), example: {},
  ports: () => ['yes', 'no', 'timeout'], reachablePorts: () => ['no', 'timeout'], fallbacks: { timeout: 'no' },
  waits: () => true, enter: () => ({}),
  lint: () => [{ code: 'ask.odd', severity: 'warning', message: 'Odd.' }],
  noun: 'step', portPhrase: phrases({ timeout: SHARED_PORT_PHRASES.timeout }), accent: 'slate', summary: () => [], sets: () => [], cost: () => ({}),
};
const spin: NodeKind = { ...ask, type: 'spin', waits: () => false, lint: () => { throw new Error('boom'); } };
const lookup = (t: string) => (t === 'ask' ? ask : t === 'spin' ? spin : kindOf(t));
const built = (nodes: Flow['nodes'], edges: Flow['edges']): Flow => ({ ...flow([], []), nodes, edges } as Flow);
const node = (id: string, type: string) => ({ id, type, position: pos, data: {} }) as unknown as Flow['nodes'][number];

describe('graphFindings with purpose-built kinds', () => {
  it('warns about a reachable port left unwired, unless its fallback is wired', () => {
    //  welcome(ask) --yes--> bye
    const fs = graphFindings(built([node('welcome', 'ask'), node('bye', 'hangup')], [edge('welcome', 'bye', 'yes')]), lookup);
    expect(find(fs, 'unwired-port').map((f) => f.port)).toEqual(['no', 'timeout']);
    expect(find(fs, 'unwired-port')[1]!.message).toBe('The step "welcome" has no path for when the caller presses nothing.');
    //  welcome(ask) --yes/no--> bye : timeout falls back to no
    const ok = graphFindings(built([node('welcome', 'ask'), node('bye', 'hangup')], [edge('welcome', 'bye', 'yes'), edge('welcome', 'bye', 'no')]), lookup);
    expect(find(ok, 'unwired-port')).toEqual([]);
    expect(find(ok, 'ask.odd')).toEqual([expect.objectContaining({ node: 'welcome', severity: 'warning' })]);
  });

  it('finds a loop through several non-waiting steps but not one broken by a waiting step', () => {
    //  welcome(spin) -yes-> s2(spin) -yes-> s3(say) -next-> welcome     : endless
    const loop = graphFindings(built([node('welcome', 'spin'), node('s2', 'spin'), { ...node('s3', 'say'), data: { text: 'x', loop: 1 } } as never], [edge('welcome', 's2', 'yes'), edge('s2', 's3', 'yes'), edge('s3', 'welcome')]), lookup);
    expect(find(loop, 'endless-loop')[0]!.nodes).toEqual(['welcome', 's2', 's3']);
    expect(find(loop, 'lint-failed')).toHaveLength(2); // a kind whose lint throws is reported, not fatal
    //  welcome(spin) -yes-> q(ask) -yes-> welcome                       : q waits
    const fine = graphFindings(built([node('welcome', 'spin'), node('q', 'ask')], [edge('welcome', 'q', 'yes'), edge('q', 'welcome', 'yes')]), lookup);
    expect(find(fine, 'endless-loop')).toEqual([]);
  });
});

describe('cycles', () => {
  it('agrees with a brute-force check on random graphs (property)', () => {
    const graph = fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 20 });
    fc.assert(fc.property(graph, (pairs) => {
      const ids = Array.from({ length: 8 }, (_, i) => `n${i}`);
      const next = (id: string) => pairs.filter(([a]) => `n${a}` === id).map(([, b]) => `n${b}`);
      const reach = (from: string) => { const s = new Set<string>(); const todo = next(from); while (todo.length) { const x = todo.pop()!; if (!s.has(x)) { s.add(x); todo.push(...next(x)); } } return s; };
      const onCycle = new Set(ids.filter((id) => reach(id).has(id)));
      const found = cycles(ids, next);
      expect(new Set(found.flat())).toEqual(onCycle);
      for (const comp of found) for (const a of comp) for (const b of comp) if (a !== b) expect(reach(a).has(b)).toBe(true);
    }), { numRuns: 300 });
  });

  it('handles a 5,000-step chain without overflowing the stack', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `n${i}`);
    expect(cycles(ids, (id) => [`n${(Number(id.slice(1)) + 1) % 5000}`])).toEqual([ids]);
  });
});

describe('lintFlow with the real node kinds', () => {
  const menu = { id: 'welcome', type: 'menu', position: pos, data: { prompt: { text: 'For sales press 1. For support press 2.' }, options: { '1': 'Sales', '2': 'Support' } } };

  it('names an unwired menu exit the way a caller would describe it', () => {
    //  welcome(menu) --1--> bye    (2, timeout, invalid unwired; 2 is a choice the author may end on)
    const fs = lintFlow(flow([menu, hangup('bye')], [edge('welcome', 'bye', '1')]));
    expect(find(fs, 'unwired-port').map((f) => f.message)).toEqual([
      'The menu "For sales press 1. For support press 2." has no path for when the caller presses nothing.',
      'The menu "For sales press 1. For support press 2." has no path for when the caller presses a wrong key.',
    ]);
    expect(publishable(fs)).toBe(true);
  });

  it('accepts business hours whose holiday exit falls back to closed, and finds a branch loop', () => {
    //  welcome(businessHours) --open/closed--> bye ;  holiday unwired → closed
    const hours = { id: 'welcome', type: 'businessHours', position: pos, data: { weekly: { mon: [{ open: '09:00', close: '17:00' }] } } };
    expect(lintFlow(flow([hours, hangup('bye')], [edge('welcome', 'bye', 'open'), edge('welcome', 'bye', 'closed')]))).toEqual([]);
    //  welcome(setVariable) -> check(branch) --else--> welcome
    const set = { id: 'welcome', type: 'setVariable', position: pos, data: { name: 'x', value: '1' } };
    const branch = { id: 'check', type: 'branch', position: pos, data: { rules: [] } };
    const fs = lintFlow(flow([set, branch], [edge('welcome', 'check'), edge('check', 'welcome', 'else')]));
    expect(find(fs, 'endless-loop')[0]!.nodes).toEqual(['welcome', 'check']);
    expect(find(fs, 'branch.no-rules')[0]!.node).toBe('check');
  });

  it('does not call a loop through a menu endless (the menu waits for the caller)', () => {
    //  welcome(menu) --1--> info(say) --next--> welcome
    const fs = lintFlow(flow([menu, say('info'), hangup('bye')], [edge('welcome', 'info', '1'), edge('info', 'welcome'), edge('welcome', 'bye', '2'), edge('welcome', 'bye', 'timeout'), edge('welcome', 'bye', 'invalid')]));
    expect(fs).toEqual([]);
  });

  it('lints a 5,000-step flow with about 10,000 connections', () => {
    const n = 5000;
    const nodes = Array.from({ length: n }, (_, i) => (i === n - 1 ? hangup(`s${i}`) : say(`s${i}`)));
    const edges = Array.from({ length: n - 1 }, (_, i) => edge(`s${i}`, `s${i + 1}`));
    for (let i = 0; i < n; i++) edges.push(edge(`s${i}`, `s${(i * 7) % n}`, 'nope'));
    const fs = lintFlow(flow(nodes, edges, { start: 's0' }));
    expect(find(fs, 'unknown-port').length).toBe(n);
    expect(codes(fs).filter((c) => c !== 'unknown-port')).toEqual([]);
  });
});
