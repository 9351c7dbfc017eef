import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../engine/schema.js';
import { billedSeconds, effectiveRates, perMinute } from './rates.js';
import { estimatePaths } from './estimate.js';

/*  who(answeredBy) ─human→ ask(menu) ─1→ confirmed → receipt(sms) → thanks(say) → bye
 *                  └machine→ message(say) → bye      (flows/appointment-reminder.json)
 */
const reminder = parseFlow(JSON.parse(readFileSync(new URL('../../flows/appointment-reminder.json', import.meta.url), 'utf8')));
const rates = effectiveRates({});

describe('estimatePaths of an outbound flow call', () => {
  it('bills the whole call at the outbound minute rate plus one AMD fee; inbound has no AMD fee', () => {
    const out = estimatePaths(reminder, rates, 6, 'outbound');
    const machine = out.find((p) => p.ports[0] === 'machine')!;
    expect(machine.breakdown.call_in_minute).toBeUndefined();
    expect(machine.breakdown.amd_call).toBe(rates.amd_call);
    expect(machine.breakdown.call_out_minute).toBe(perMinute(rates.call_out_minute, billedSeconds(machine.seconds, 6)));
    // The machine way waits for the greeting to end: longer than the person's detection alone.
    const human = out.find((p) => p.ports[0] === 'human' && p.ports.includes('1'))!;
    expect(human.breakdown.sms_out_segment).toBe(rates.sms_out_segment);
    expect(machine.seconds).toBeGreaterThan(0);
    const inbound = estimatePaths(reminder, rates, 6);
    expect(inbound.every((p) => p.breakdown.amd_call === undefined && p.breakdown.call_in_minute !== undefined)).toBe(true);
  });
});
