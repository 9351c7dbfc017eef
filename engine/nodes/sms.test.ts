import { describe, expect, it } from 'vitest';
import { setVariable } from './set-variable.js';
import { sms } from './sms.js';
import { flowOf, portsOf, runCall } from './test-kit.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };

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
  it.each([['texml', texml], ['call-control', cc]] as const)('%s: sets the variable, texts the caller from the called number, moves on at once', (_m, env) => {
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
