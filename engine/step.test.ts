import { describe, expect, it } from 'vitest';
import { parseFlow } from './schema.js';
import { step } from './step.js';
import type { Env, Snapshot } from './types.js';

/*
 *  welcome(say) --next--> bye(hangup)
 */
const flow = parseFlow({
  format: 'callflow/1', id: 'tiny', name: 'Tiny', timezone: 'America/Chicago', start: 'welcome',
  nodes: [
    { id: 'welcome', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Hello {{caller.from}}' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
  ],
  edges: [{ id: 'e1', source: 'welcome', sourceHandle: 'next', target: 'bye' }],
});
const env: Env = { now: '2026-11-23T10:00:00-08:00', mode: 'texml' };
const started = { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'c1', direction: 'inbound' } as const;

describe('step', () => {
  it('walks say → hangup in TeXML mode in one step and ends', () => {
    const r = step(flow, null, started, env);
    expect(r.instructions.map((i) => i.verb)).toEqual(['say', 'hangup']);
    expect(r.instructions[0]).toMatchObject({ text: 'Hello +13125550100', node: 'welcome', seq: 1 });
    expect(r.trace).toEqual([
      { kind: 'enter', node: 'welcome', type: 'say' },
      { kind: 'port', node: 'welcome', port: 'next', target: 'bye' },
      { kind: 'enter', node: 'bye', type: 'hangup' },
      { kind: 'ended', node: 'bye', reason: 'hangup' },
    ]);
    expect(r.waiting).toBe(false);
    expect(r.snapshot.status).toBe('done');
  });

  it('waits for prompt.ended after say in Call Control mode, across a JSON round trip', () => {
    const cc: Env = { ...env, mode: 'call-control' };
    const r1 = step(flow, null, started, cc);
    expect(r1.instructions.map((i) => i.verb)).toEqual(['say']);
    expect(r1.waiting).toBe(true);
    const restored = JSON.parse(JSON.stringify(r1.snapshot)) as Snapshot;
    expect(restored).toEqual(r1.snapshot);
    const r2 = step(flow, restored, { type: 'prompt.ended' }, cc);
    expect(r2.instructions.map((i) => i.verb)).toEqual(['hangup']);
    expect(r2.instructions[0]!.seq).toBe(2);
    expect(r2.waiting).toBe(false);
  });

  it('ignores events after the call ended', () => {
    const r = step(flow, null, started, env);
    const again = step(flow, r.snapshot, { type: 'input.digits', digits: '1' }, env);
    expect(again.instructions).toEqual([]);
    expect(again.waiting).toBe(false);
  });

  it('stops a loop that never waits and routes to an apology', () => {
    const loop = parseFlow({
      format: 'callflow/1', id: 'loop', name: 'Loop', start: 'a',
      nodes: [
        { id: 'a', type: 'say', position: { x: 0, y: 0 }, data: { text: 'a' } },
        { id: 'b', type: 'say', position: { x: 0, y: 0 }, data: { text: 'b' } },
      ],
      edges: [
        { id: 'ab', source: 'a', sourceHandle: 'next', target: 'b' },
        { id: 'ba', source: 'b', sourceHandle: 'next', target: 'a' },
      ],
    });
    const r = step(loop, null, started, { ...env, stepLimit: 10 });
    const verbs = r.instructions.map((i) => i.verb);
    expect(verbs.slice(-2)).toEqual(['say', 'hangup']);
    expect(r.instructions.at(-2)).toMatchObject({ text: expect.stringContaining('sorry') });
    expect(r.trace.at(-1)).toMatchObject({ kind: 'ended', reason: 'step-limit' });
    expect(r.waiting).toBe(false);
  });

  it('ends and traces when the caller hangs up while waiting', () => {
    const cc: Env = { ...env, mode: 'call-control' };
    const r1 = step(flow, null, started, cc);
    const r2 = step(flow, r1.snapshot, { type: 'call.ended', cause: 'normal_clearing' }, cc);
    expect(r2.trace).toEqual([{ kind: 'ended', reason: 'caller-hangup', detail: 'normal_clearing' }]);
    expect(r2.snapshot.status).toBe('done');
  });
});
