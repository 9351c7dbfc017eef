import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseFlow } from '../../engine/schema.js';
import { estimatePaths } from './estimate.js';
import { effectiveRates } from './rates.js';
import { countSegments } from '../messaging/segments.js';

const flow = parseFlow(JSON.parse(readFileSync('flows/sms-keywords.json', 'utf8')));
const rates = effectiveRates({});
const segs = (id: string) => countSegments(String((flow.nodes.find((n) => n.id === id)!.data as { text: string }).text)).segments;

describe('estimatePaths for an SMS flow (flows/sms-keywords.json)', () => {
  it('costs the texts each path sends, by their segments, and no call minutes', () => {
    const paths = estimatePaths(flow, rates, 60);
    const byEnd = Object.fromEntries(paths.map((p) => [p.nodes.join('>'), p]));
    const timeout = byEnd['pick>menu>wait>bye']!;
    expect(timeout.seconds).toBe(0);
    expect(timeout.breakdown.sms_out_segment).toBe(rates.sms_out_segment * (segs('menu') + segs('bye')));
    expect(timeout.breakdown.call_in_minute ?? 0).toBe(0);
    expect(byEnd['pick>tell-owner>callback-ok']!.micros).toBe(rates.sms_out_segment * (segs('tell-owner') + segs('callback-ok')));
    expect(paths.every((p) => p.seconds === 0 && p.outboundSeconds === 0)).toBe(true);
  });
});
