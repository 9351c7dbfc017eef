import { describe, expect, it } from 'vitest';
import { HOURS_MENU } from './test-flows.js';
import { replayScript, type CallScript } from './replay.js';

// hours(Mon 09-17) --open--> menu --1--> sales --next--> bye; --closed--> closed --next--> bye (test-flows.ts)
const flow = HOURS_MENU;
const MONDAY_10 = '2026-11-23T16:00:00.000Z'; // 10:00 in Chicago
const PATH = ['>hours', 'hours.open', '>menu', 'menu.1', '>sales', 'sales.next', '>bye', 'end:hangup@bye'];
const script = (over: Partial<CallScript> = {}): CallScript => ({
  callId: 'c1', flowId: 'sim', mode: 'texml', company: 'Acme', from: '+13125550100', to: '+13125550199', startedAt: MONDAY_10, cursors: {},
  steps: [
    { at: MONDAY_10, key: 'texml:c1:start', event: { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'c1', direction: 'inbound' } },
    // A late callback for a step the call is not at: the server found it stale, so must the replay.
    { at: MONDAY_10, key: 'texml:c1:gather-menu-7', event: { type: 'input.digits', digits: '9' }, seq: 7 },
    { at: MONDAY_10, key: 'texml:c1:gather-menu-1', event: { type: 'input.digits', digits: '1' }, seq: 1 },
    { at: MONDAY_10, key: 'status', event: { type: 'call.ended', cause: 'completed' } },
  ],
  recorded: { path: PATH, end: 'end:hangup@bye' },
  ...over,
});

describe('replayScript', () => {
  it('feeds the recorded events at their recorded instants and reaches the same end', () => {
    const r = replayScript(flow, script());
    expect(r.path).toEqual(PATH);
    expect(r).toMatchObject({ sameEnd: true, samePath: true, skipped: 1, mode: 'texml' });
    expect(r.sim.steps[1]!.wire).toContain('Connecting you to Acme sales');
  });
  it('uses the instant each event arrived: the same call on a Sunday takes the closed path, and says so', () => {
    const sunday = '2026-11-22T16:00:00.000Z';
    const s = script();
    const r = replayScript(flow, { ...s, steps: s.steps.map((x) => ({ ...x, at: sunday })) });
    expect(r.path.slice(0, 3)).toEqual(['>hours', 'hours.closed', '>closed']);
    expect(r.samePath).toBe(false);
  });
});
