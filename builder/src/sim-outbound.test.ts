import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../engine/schema.js';
import { amdAtStart, describeEvent, pathOf, simulate, SIM_START } from './sim.js';
import type { EngineEvent, Env } from '../../engine/types.js';

// flows/appointment-reminder.json: who(answeredBy) ─human→ ask(menu) …, ─machine→ message(say) → bye.
const reminder = parseFlow(JSON.parse(readFileSync(new URL('../../flows/appointment-reminder.json', import.meta.url), 'utf8')));
const out: EngineEvent = { type: 'call.started', from: '+13125550100', to: '+13125550188', callId: 'c1', direction: 'outbound', vars: { name: 'Ana', when: 'at 3' } };
const at = '2026-11-23T10:00:00-06:00';

describe('the panel simulator, outbound with a scripted AMD result', () => {
  it('TeXML: the flow starts knowing (a machine after its greeting): straight to the message', () => {
    const env: Env = { now: at, mode: 'texml', amd: amdAtStart('texml', 'machine') };
    const s = simulate(reminder, SIM_START, out, env);
    expect(pathOf(s.steps, reminder).nodes.slice(0, 2)).toEqual(['who', 'message']);
    expect(s.steps[0]!.wire).toContain('Please call us back');
  });

  it('Call Control: waits in answeredBy until detection answers, then a machine until its greeting ends', () => {
    const amd = amdAtStart('call-control', 'machine');
    const s1 = simulate(reminder, SIM_START, out, { now: at, mode: 'call-control', amd });
    expect(s1.waiting).toBe(true);
    expect(s1.snapshot!.value).toBe('who');
    const s2 = simulate(reminder, s1, { type: 'amd.ended', result: 'machine' }, { now: at, mode: 'call-control', amd });
    expect(s2.snapshot!.value).toBe('who');
    const s3 = simulate(reminder, s2, { type: 'amd.greeting.ended', result: 'beep_detected' }, { now: at, mode: 'call-control', amd: { ...amd, result: 'machine' } });
    expect(s3.snapshot!.value).toBe('message');
    expect(describeEvent(s3.steps[2]!.event)).toBe("The machine's greeting ended (beep_detected)");
    expect(describeEvent(out)).toBe('Calling +13125550188 from +13125550100');
  });

  it('a person in Call Control hears the reminder with the call\'s vars once detection says human', () => {
    const amd = amdAtStart('call-control', 'human');
    const s1 = simulate(reminder, SIM_START, out, { now: at, mode: 'call-control', amd });
    const s2 = simulate(reminder, s1, { type: 'amd.ended', result: 'human' }, { now: at, mode: 'call-control', amd });
    expect(s2.snapshot!.value).toBe('ask');
    expect(s2.steps[1]!.wire).toContain('Hello Ana');
  });
});
