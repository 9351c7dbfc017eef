import { describe, expect, it } from 'vitest';
import { flowOf, portsOf, runCall, started, verbsOf } from './test-kit.js';
import { blocked, unansweredReject } from './reject.js';
import { renderTexml } from '../texml.js';
import { toCommands } from '../call-control.js';
import { lintFlow } from '../lint.js';
import { step } from '../step.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };
const urls = { action: () => 'https://cf.example/a' };

//   block(reject, callers) ─next→ hello(say) ─next→ (end)
const blockList = (callers: string[], reason = 'rejected') => flowOf([
  { id: 'block', type: 'reject', data: { reason, callers } },
  { id: 'hello', type: 'say', data: { text: 'Hello' } },
], [['block', 'next', 'hello']]);

describe('reject', () => {
  it('refuses every call without a list: <Reject> is the whole document, the call is over, the trace says rejected', () => {
    const [r] = runCall(flowOf([{ id: 'no', type: 'reject', data: { reason: 'busy' } }], []), texml, []);
    expect(renderTexml(r!.instructions, urls)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>');
    expect(r!.waiting).toBe(false);
    expect(r!.snapshot.status).toBe('done');
    expect(r!.trace.at(-1)).toEqual({ kind: 'ended', node: 'no', reason: 'rejected' });
  });

  it('refuses a caller on the block list and lets others on by next, in both modes', () => {
    for (const env of [texml, cc]) {
      const [hit] = runCall(blockList(['+1312*']), env, []);
      expect(verbsOf(hit!)).toEqual(['reject']);
      expect(hit!.snapshot.status).toBe('done');
      const [miss] = runCall(blockList(['+1415*', '+13125550100']), env, []);
      expect(portsOf(miss!)[0]).toBe('block:next');
      expect(verbsOf(miss!)[0]).toBe('say');
    }
  });

  it('matches exact numbers, prefixes and withheld numbers', () => {
    expect(blocked(['+13125550147'], '+13125550147')).toBe(true);
    expect(blocked(['+13125550147'], '+131255501470')).toBe(false); // exact, not a prefix
    expect(blocked(['+1312*'], '+13125550147')).toBe(true);
    expect(blocked(['+1312*'], '+14155550147')).toBe(false);
    expect(blocked(['anonymous'], 'anonymous')).toBe(true);
    expect(blocked(['anonymous'], '')).toBe(true);
    expect(blocked(['anonymous'], '+13125550147')).toBe(false);
    expect(blocked(['+1*'], 'restricted')).toBe(false); // a prefix never matches a withheld number
  });

  it('in Call Control: before the answer it is Telnyx reject with the cause; after it, a hang-up', () => {
    const r = step(blockList(['+1312*'], 'busy'), null, started, cc);
    expect(unansweredReject(r.instructions, { callId: 'c1', clientState: 'cs' })).toEqual({ action: 'reject', body: { cause: 'USER_BUSY', client_state: 'cs', command_id: 'reject-c1' } });
    expect(toCommands(r.instructions, { callId: 'c1', flowId: 'f' }).map((c) => c.action)).toEqual(['hangup']);
    const passed = step(blockList(['+1415*']), null, started, cc);
    expect(unansweredReject(passed.instructions, { callId: 'c1', clientState: 'cs' })).toBeUndefined();
  });

  it('refuses bad block list entries with the field path', () => {
    const findings = lintFlow({
      format: 'callflow/1', id: 'x', name: 'X', start: 'r',
      nodes: [{ id: 'r', type: 'reject', position: { x: 0, y: 0 }, data: { callers: ['312-555-0100'] } }], edges: [],
    });
    expect(findings[0]).toMatchObject({ severity: 'error', path: ['nodes', 0, 'data', 'callers', 0] });
  });

  it('lint warns about a reject after something answered the call, not one after silent steps', () => {
    //   hi(say) ─next→ late(reject)          early: vars(setVariable) ─next→ block(reject)
    const late = flowOf([{ id: 'hi', type: 'say', data: { text: 'Hi' } }, { id: 'late', type: 'reject', data: {} }], [['hi', 'next', 'late']]);
    expect(lintFlow(late).filter((f) => f.code === 'reject.answered').map((f) => f.node)).toEqual(['late']);
    const early = flowOf([{ id: 'vars', type: 'setVariable', data: { name: 'x', value: '1' } }, { id: 'block', type: 'reject', data: {} }], [['vars', 'next', 'block']]);
    expect(lintFlow(early).filter((f) => f.code === 'reject.answered')).toEqual([]);
  });

  it('lint warns about an empty block list (it refuses everyone)', () => {
    const f = flowOf([{ id: 'r', type: 'reject', data: { callers: [] } }], []);
    expect(lintFlow(f).map((x) => x.code)).toContain('reject.empty-list');
  });
});
