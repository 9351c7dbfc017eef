import { describe, expect, it } from 'vitest';
import { flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import type { Env } from '../types.js';

/*
 *  hours(businessHours) --open--> main(menu) --1--> team(roundRobin) --noAnswer--> vm(voicemail) --next--> bye(hangup)
 *                       --closed--> vm                                --connected--> bye
 *                                             --timeout/invalid--> vm              vm --noRecording--> bye
 */
const flow = flowOf(
  [
    { id: 'hours', type: 'businessHours', data: { weekly: { mon: [{ open: '09:00', close: '17:00' }] } } },
    { id: 'main', type: 'menu', data: { prompt: { text: 'Press 1 for sales.' }, options: { '1': 'Sales' }, maxRetries: 0 } },
    { id: 'team', type: 'roundRobin', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: '+13125550102' }], strategy: 'sequential' } },
    { id: 'vm', type: 'voicemail', data: { greeting: { text: 'Leave a message.' } } },
    { id: 'bye', type: 'hangup', data: {} },
  ],
  [
    ['hours', 'open', 'main'], ['hours', 'closed', 'vm'], ['main', '1', 'team'], ['main', 'timeout', 'vm'], ['main', 'invalid', 'vm'],
    ['team', 'connected', 'bye'], ['team', 'noAnswer', 'vm'], ['vm', 'next', 'bye'], ['vm', 'noRecording', 'bye'],
  ],
  { timezone: 'America/Chicago' },
);
const monday10am = '2026-01-12T16:00:00Z';

describe('a small call centre, Call Control mode', () => {
  it('open → menu → two agents do not answer → voicemail greeting, then record → saved', () => {
    const env: Env = { now: monday10am, mode: 'call-control' };
    const rs = runCall(flow, env, [
      { type: 'input.digits', digits: '1' },
      { type: 'dial.ended', status: 'no-answer' },
      { type: 'dial.ended', status: 'busy' },
      { type: 'prompt.ended' },
      { type: 'recording.saved', url: 'https://rec.example/9.mp3', seconds: 20 },
    ]);
    expect(rs.map(verbsOf)).toEqual([['gather'], ['dial'], ['dial'], ['say'], ['record'], ['voicemail.save', 'hangup']]);
    expect(portsOf(rs[0]!)).toEqual(['hours:open']);
    expect(portsOf(rs[3]!)).toEqual(['team:noAnswer']);
    expect(rs[5]!.snapshot.context.vars.recordingUrl).toBe('https://rec.example/9.mp3');
    expect(rs[5]!.waiting).toBe(false);
  });

  it('closed (Monday 17:00 in Chicago) goes straight to voicemail; TeXML greets and records in one step', () => {
    const [r] = runCall(flow, { now: '2026-01-12T23:00:00Z', mode: 'texml' }, []);
    expect(portsOf(r!)).toEqual(['hours:closed']);
    expect(verbsOf(r!)).toEqual(['say', 'record']);
  });
});
