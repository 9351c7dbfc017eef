import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseFlow } from './schema.js';
import { simulateConversation, textsSent } from './simulate-sms.js';
import type { TraceEntry } from './types.js';

const moves = (trace: TraceEntry[]) => trace.flatMap((t) => (t.kind === 'enter' ? [`>${t.node}`] : t.kind === 'port' ? [`${t.node}.${t.port}`] : t.kind === 'ended' ? [`end:${t.reason}@${t.node}`] : []));

const flow = parseFlow(JSON.parse(readFileSync('flows/sms-keywords.json', 'utf8')));
const WED_10 = '2026-11-25T10:00:00-06:00';

describe('simulateConversation (flows/sms-keywords.json)', () => {
  it('HOURS answers at once and ends the run', () => {
    const { steps } = simulateConversation(flow, { at: WED_10, texts: ['HOURS'] });
    expect(textsSent(steps).map((t) => t.text)).toEqual(['We are open now (Mon-Fri 8-5, Sat 9-12): call us on +18445550199.']);
    expect(textsSent(steps)[0]).toMatchObject({ to: '+13125550147', from: '+18445550199' });
    expect(steps.at(-1)!.waiting).toBe(false);
  });

  it('a menu, a wrong reply (the menu again), then 2: each reply goes back to the keyword menu', () => {
    const { steps } = simulateConversation(flow, { at: WED_10, texts: ['hi', '7', '2'] });
    expect(steps.map((s) => [s.run, s.waiting, s.at])).toEqual([[1, true, '2026-11-25T16:00:00.000Z'], [1, true, '2026-11-25T16:01:00.000Z'], [1, false, '2026-11-25T16:02:00.000Z']]);
    expect(textsSent(steps).map((t) => t.text.slice(0, 20))).toEqual(['Thanks for texting A', 'Thanks for texting A', 'Acme Plumbing, 1200 ']);
    expect(moves(steps[2]!.trace)).toEqual(['wait.reply', '>pick', 'pick.address', '>address', 'address.next', 'end:end-of-flow@address']);
  });

  it('null is no reply: the timeout comes at the wait\'s end (30 minutes), then a text starts a second run', () => {
    const { steps } = simulateConversation(flow, { at: WED_10, texts: ['hi', null, null, 'where'] });
    expect(steps).toHaveLength(3); // the second null finds nothing waiting
    expect(steps[1]!.event).toEqual({ type: 'input.timeout' });
    expect(steps[1]!.at).toBe('2026-11-25T16:30:00.000Z');
    expect(textsSent([steps[1]!]).map((t) => t.text)).toEqual(['No problem. Text HOURS, ADDRESS or CALL any time.']);
    expect(steps[2]!.run).toBe(2);
    expect(steps[2]!.snapshot.context.call.id).toBe('sim-conversation-2');
    expect(textsSent([steps[2]!])[0]!.text).toMatch(/^Acme Plumbing/);
  });

  it('MMS in: the attachments are in vars.media', () => {
    const { steps } = simulateConversation(flow, { at: WED_10, texts: [{ text: 'look', media: ['https://m.example/1.jpg', 'https://m.example/2.jpg'] }] });
    expect(steps[0]!.snapshot.context.vars).toEqual({ message: 'look', media: 'https://m.example/1.jpg https://m.example/2.jpg' });
  });
});
