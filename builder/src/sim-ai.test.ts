import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../engine/schema.js';
import { describeEvent, ownChoices, simulate, SIM_START } from './sim.js';
import type { Env } from '../../engine/types.js';
import { readFileSync } from 'node:fs';

const flow = parseFlow(JSON.parse(readFileSync('flows/ai-receptionist.json', 'utf8')));
const env: Env = { now: '2026-11-23T10:00:00-06:00', mode: 'texml' };
const started = simulate(flow, SIM_START, { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'sim-call', direction: 'inbound' }, env);

describe('the builder simulator answers the AI blocks', () => {
  it('offers the AI gather\'s answers while the call waits in it, and each one routes', () => {
    const choices = ownChoices(started);
    expect(choices.map((c) => c.label)).toEqual(['Caller answered', 'Answer without name', 'Caller gave up']);
    const answered = simulate(flow, started, choices[0]!.event, env);
    expect(answered.snapshot!.context.vars).toEqual({ name: 'example', reason: 'example' });
    expect(answered.steps.at(-1)!.trace.some((t) => t.kind === 'port' && t.node === 'ask' && t.port === 'ok')).toBe(true);
    const partial = simulate(flow, started, choices[1]!.event, env);
    expect(partial.steps.at(-1)!.trace.some((t) => t.kind === 'port' && t.node === 'ask' && t.port === 'failed')).toBe(true);
    expect(describeEvent(choices[2]!.event)).toBe('The AI could not collect the details');
    expect(describeEvent(choices[0]!.event)).toBe('The AI collected name: "example", reason: "example"');
  });

  it('offers the assistant\'s outcomes once the call is handed to it, and none when nothing of its own waits', () => {
    const booked = simulate(flow, started, { type: 'ai.gathered', status: 'valid', result: { name: 'Ana', reason: 'appointment' } }, env);
    expect(ownChoices(booked).map((c) => c.label)).toEqual(['Assistant done', 'Assistant failed']);
    const failed = simulate(flow, booked, ownChoices(booked)[1]!.event, env);
    expect(failed.steps.at(-1)!.trace.some((t) => t.kind === 'port' && t.node === 'booking' && t.port === 'failed')).toBe(true);
    expect(ownChoices(SIM_START)).toEqual([]);
  });
});
