import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseFlow } from '../../engine/schema.js';
import { estimatePaths } from './estimate.js';
import { DEFAULT_RATES, effectiveRates, perMinute } from './rates.js';

describe('estimatePaths with AI blocks', () => {
  const flow = parseFlow(JSON.parse(readFileSync('flows/ai-receptionist.json', 'utf8')));
  const paths = estimatePaths(flow, effectiveRates({}), 6);

  it('prices the AI gather and the assistant as AI minutes on top of the inbound minutes (ai_minute, an assumed rate)', () => {
    const booking = paths.find((p) => p.nodes.includes('booking') && p.ports.includes('done'))!;
    const billing = paths.find((p) => p.nodes.includes('billing'))!;
    expect(booking.breakdown.ai_minute).toBeGreaterThan(billing.breakdown.ai_minute!);
    // Every path goes through the AI gather: its greeting and two fields are at least a minute of AI, billed per minute.
    for (const p of paths) expect(p.breakdown.ai_minute! % perMinute(DEFAULT_RATES.ai_minute, 60)).toBe(0);
    expect(paths.every((p) => (p.breakdown.ai_minute ?? 0) > 0)).toBe(true);
  });

  it('a company\'s own ai_minute rate is used', () => {
    const free = estimatePaths(flow, effectiveRates({ ai_minute: 0 }), 6);
    expect(free.every((p) => p.breakdown.ai_minute === 0)).toBe(true);
  });
});
