import { describe, expect, it } from 'vitest';
import { parseFlow } from '../schema.js';
import { expandSubflows } from '../subflow-expand.js';
import { portsOf, runCall, verbsOf } from './test-kit.js';
import { SUBFLOW_MISSING } from './subflow.js';
import { lintFlow } from '../lint.js';
import type { Env, StepResult } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };
const n = (id: string, type: string, data: unknown) => ({ id, type, position: { x: 0, y: 0 }, data });
const e = (s: string, p: string, t: string) => ({ id: `${s}-${p}`, source: s, sourceHandle: p, target: t });

//   child "check":  ask(collect acct) ─next→ ok(return done)    ask ─timeout→ no(return failed)   ask ─invalid→ bye(hangup)
const CHILD = {
  format: 'callflow/1', id: 'check', name: 'Check', start: 'ask',
  nodes: [n('ask', 'collect', { prompt: { text: 'Your account number?' }, variable: 'acct' }), n('ok', 'return', { port: 'done' }), n('no', 'return', { port: 'failed' }), n('bye', 'hangup', {})],
  edges: [e('ask', 'next', 'ok'), e('ask', 'timeout', 'no'), e('ask', 'invalid', 'bye')],
};
//   parent:  verify(subflow check) ─done→ thanks(say "Account {{vars.acct}}")      verify ─failed→ (unwired)
const parent = (embedded = true, returns = ['done', 'failed']) => parseFlow({
  format: 'callflow/1', id: 'main', name: 'Main', start: 'verify',
  nodes: [n('verify', 'subflow', { flow: 'check', returns }), n('thanks', 'say', { text: 'Account {{vars.acct}}' })],
  edges: [e('verify', 'done', 'thanks')],
  ...(embedded ? { subflows: { check: { version: 3, flow: CHILD } } } : {}),
});
const path = (rs: StepResult[]) => rs.flatMap((r) => r.trace.flatMap((t) => (t.kind === 'enter' ? [`>${t.node}`] : t.kind === 'port' ? [`${t.node}.${t.port}`] : [])));

describe('subflow', () => {
  it('inlines the child: its steps are named verify/<step>, its returns go to the parent ports', () => {
    const flat = expandSubflows(parent());
    expect(flat.start).toBe('verify/ask');
    expect(flat.nodes.map((x) => x.id)).toEqual(['verify/ask', 'verify/no', 'verify/bye', 'thanks']);
    expect(flat.edges.find((x) => x.source === 'verify/ask' && x.sourceHandle === 'next')?.target).toBe('thanks');
    expect(flat.subflows).toBeUndefined();
  });

  it('runs the child and comes back by its return, with the child\'s variables visible, in both modes', () => {
    for (const env of [texml, cc]) {
      const rs = runCall(parent(), env, [{ type: 'input.digits', digits: '4411' }]);
      expect(path(rs).slice(0, 3)).toEqual(['>verify/ask', 'verify/ask.next', '>thanks']);
      expect(rs[1]!.instructions.find((i) => i.verb === 'say')).toMatchObject({ text: 'Account 4411' });
    }
  });

  it('a return by a port the parent left unwired ends the call there; a hang-up in the child ends it', () => {
    const timeout = runCall(parent(), texml, [{ type: 'input.timeout' }]);
    expect(path(timeout)).toContain('>verify/no');
    expect(timeout.at(-1)!.snapshot.status).toBe('done');
    const invalid = runCall(parent(), cc, [{ type: 'input.digits', digits: 'x' }]);
    expect(portsOf(invalid[1]!)).toContain('verify/ask:invalid');
  });

  it('without its flow embedded (a draft) it apologises and ends the call', () => {
    const [r] = runCall(parent(false), texml, []);
    expect(verbsOf(r!)).toEqual(['say', 'hangup']);
    expect(r!.instructions[0]).toMatchObject({ text: SUBFLOW_MISSING });
    expect(r!.snapshot.status).toBe('done');
  });

  it('a return in a flow run on its own ends the call', () => {
    const [r] = runCall(parseFlow({ ...CHILD, start: 'ok' }), texml, []);
    expect(verbsOf(r!)).toEqual(['hangup']);
    expect(r!.waiting).toBe(false);
  });

  it('lint refuses a flow that runs itself, and with the company\'s flows: cycles, unknown, unpublished and unmatched ports', () => {
    const self = { ...parent(false), id: 'check' };
    expect(lintFlow(self).map((f) => f.code)).toContain('subflow.cycle');
    const codes = (flows: NonNullable<NonNullable<Parameters<typeof lintFlow>[1]>['flows']>) => lintFlow(parent(false), { flows }).filter((f) => f.code.startsWith('subflow.')).map((f) => f.code);
    expect(codes({ check: { published: true, returns: ['done', 'failed'], calls: [] } })).toEqual([]);
    expect(codes({ check: { published: true, returns: ['done'], calls: ['other'] }, other: { published: true, returns: [], calls: ['main'] } })).toEqual(['subflow.cycle']);
    expect(codes({})).toEqual(['subflow.missing']);
    expect(codes({ check: { published: false, returns: [], calls: [] } })).toEqual(['subflow.unpublished']);
    expect(codes({ check: { published: true, returns: ['done', 'later'], calls: [] } })).toEqual(['subflow.port']);
  });
});
