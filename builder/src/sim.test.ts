import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../engine/schema.js';
import { HOURS_MENU } from './test-flows.js';
import { pathOf, simulate, SIM_START, waitingFor } from './sim.js';
import type { Env } from '../../engine/types.js';

// hours → menu → sales / closed → bye: the picture is in test-flows.ts.
const flow = HOURS_MENU;
const started = { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'c1', direction: 'inbound' } as const;

describe('simulator', () => {
  it('takes the open path on a Monday morning and renders TeXML', () => {
    const env: Env = { now: '2026-11-23T10:00:00-06:00', mode: 'texml' };
    const s1 = simulate(flow, SIM_START, started, env);
    expect(waitingFor(s1)).toBe('gather');
    expect(s1.steps[0]!.wire).toContain('<Gather');
    expect(s1.steps[0]!.wire).toContain('https://example.invalid/webhooks/texml/gather-menu-1');
    const s2 = simulate(flow, s1, { type: 'input.digits', digits: '1' }, env);
    expect(s2.waiting).toBe(false);
    expect(pathOf(s2.steps, flow)).toEqual({ nodes: ['hours', 'menu', 'sales', 'bye'], edges: ['hours-open', 'menu-1', 'sales-next'] });
  });

  it('takes the closed path on a Sunday and shows Call Control commands', () => {
    const env: Env = { now: '2026-11-22T10:00:00-06:00', mode: 'call-control' };
    const s1 = simulate(flow, SIM_START, started, env);
    expect(pathOf(s1.steps, flow).nodes).toEqual(['hours', 'closed']);
    expect(waitingFor(s1)).toBe('say');
    expect(JSON.parse(s1.steps[0]!.wire)[0].action).toBe('speak');
    const s2 = simulate(flow, s1, { type: 'prompt.ended' }, env);
    expect(JSON.parse(s2.steps[1]!.wire).map((c: { action: string }) => c.action)).toEqual(['hangup']);
  });

  it('highlights the edge the engine took for a port that fell back (holiday → closed), and waits on what the mode waits on', () => {
    /*  hours(businessHours, Christmas a holiday) --closed--> closed(say) --next--> bye
     *  holiday is unwired: the engine takes the closed edge, so that edge is lit.
     */
    const holiday = parseFlow({ ...flow, nodes: flow.nodes.map((n) => (n.id === 'hours' ? { ...n, data: { ...n.data, holidays: [{ date: '2026-12-25', name: 'Christmas' }] } } : n)) });
    const tx = simulate(holiday, SIM_START, started, { now: '2026-12-25T10:00:00-06:00', mode: 'texml' });
    expect(tx.steps[0]!.trace).toContainEqual({ kind: 'port', node: 'hours', port: 'holiday', target: 'closed' });
    expect(pathOf(tx.steps, holiday)).toEqual({ nodes: ['hours', 'closed', 'bye'], edges: ['hours-closed', 'closed-next'] });
    const cc = simulate(holiday, SIM_START, started, { now: '2026-12-25T10:00:00-06:00', mode: 'call-control' });
    expect(waitingFor(cc)).toBe('say');
  });
});
