import { describe, expect, it } from 'vitest';
import { play } from './play.js';
import { setVariable } from './set-variable.js';
import { sms } from './sms.js';
import { NODE_KINDS, NODE_TYPES } from './index.js';
import { flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };

/*
 *  music(play) --next--> bye(hangup)
 */
const playFlow = flowOf(
  [{ id: 'music', type: 'play', data: { url: 'https://cdn.example/{{caller.to}}.mp3', loop: 2 } }, { id: 'bye', type: 'hangup', data: {} }],
  [['music', 'next', 'bye']],
);

describe('play', () => {
  it('TeXML: plays (template filled) and moves on in the same step', () => {
    const [r] = runCall(playFlow, texml, []);
    expect(r!.instructions[0]).toEqual({ verb: 'play', url: 'https://cdn.example/+18445550199.mp3', loop: 2, node: 'music', seq: 1 });
    expect(verbsOf(r!)).toEqual(['play', 'hangup']);
  });

  it('Call Control: waits for prompt.ended', () => {
    const rs = runCall(playFlow, cc, [{ type: 'input.digits', digits: '1' }, { type: 'prompt.ended' }]);
    expect(verbsOf(rs[0]!)).toEqual(['play']);
    expect(rs[1]!.instructions).toEqual([]);
    expect(portsOf(rs[2]!)).toEqual(['music:next']);
  });

  it('defaults loop to 1 and warns about an address Telnyx cannot fetch', () => {
    const d = play.schema.parse({ url: 'ftp://x/y.mp3' });
    expect(d.loop).toBe(1);
    expect(play.lint!(d, { timezone: 'UTC' }).map((f) => f.code)).toEqual(['play.url']);
  });
});

/*
 *  note(setVariable) --next--> text(sms) --next--> bye(say "{{vars.dept}}")
 */
const smsFlow = flowOf(
  [
    { id: 'note', type: 'setVariable', data: { name: 'dept', value: 'sales for {{caller.from}}' } },
    { id: 'text', type: 'sms', data: { text: 'Thanks for calling {{vars.dept}}', mediaUrls: ['https://cdn.example/map.png'] } },
    { id: 'bye', type: 'say', data: { text: '{{vars.dept}}' } },
  ],
  [['note', 'next', 'text'], ['text', 'next', 'bye']],
);

describe('setVariable and sms', () => {
  it.each([['texml', texml], ['call-control', cc]] as const)('%s: sets the variable, sends the SMS to the caller from the called number, moves on', (_m, env) => {
    const [r] = runCall(smsFlow, env, []);
    expect(r!.instructions[0]).toEqual({
      verb: 'sms', to: '+13125550147', from: '+18445550199', text: 'Thanks for calling sales for +13125550147',
      mediaUrls: ['https://cdn.example/map.png'], node: 'text', seq: 1,
    });
    expect(portsOf(r!).slice(0, 2)).toEqual(['note:next', 'text:next']);
    expect(r!.snapshot.context.vars).toEqual({ dept: 'sales for +13125550147' });
  });

  it('sms defaults and setVariable name rules', () => {
    expect(sms.schema.parse({ text: 'hi' })).toEqual({ to: '{{caller.from}}', from: '{{caller.to}}', text: 'hi' });
    expect(sms.schema.safeParse({ text: '' }).error!.issues[0]!.message).toBe('Write the message');
    expect(setVariable.schema.safeParse({ name: '1abc', value: 'x' }).success).toBe(false);
    expect(setVariable.schema.parse({ name: 'abc', value: '' })).toEqual({ name: 'abc', value: '' });
  });
});

describe('registry', () => {
  it('registers every DESIGN type name, each with a valid example', () => {
    expect(NODE_TYPES).toEqual(['say', 'play', 'menu', 'collect', 'businessHours', 'roundRobin', 'transfer', 'voicemail', 'sms', 'branch', 'setVariable', 'hangup']);
    for (const t of NODE_TYPES) {
      const kind = NODE_KINDS[t];
      expect(kind.type).toBe(t);
      expect(kind.schema.safeParse(kind.example).success, t).toBe(true);
      expect(kind.schema.parse(kind.example), t).toEqual(kind.example); // the example already carries the defaults
    }
  });
});
