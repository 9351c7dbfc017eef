import { describe, expect, it } from 'vitest';
import { step } from '../step.js';
import { lintFlow } from '../lint.js';
import { keywordPort, keywords } from './keywords.js';
import { CALLED, CALLER, flowOf, portsOf } from './test-kit.js';
import type { Env } from '../types.js';

const sms: Env = { now: '2026-11-23T15:00:00Z', mode: 'sms' };
const data = keywords.schema.parse(keywords.example);

/*
 *  pick(keywords: hours 1/HOURS, address 2/ADDRESS/WHERE) ─hours→ h(sms)   ─address→ a(sms)   ─other→ m(sms menu)
 */
const flow = {
  ...flowOf(
    [
      { id: 'pick', type: 'keywords', data },
      { id: 'h', type: 'sms', data: { text: 'Open 8-5' } },
      { id: 'a', type: 'sms', data: { text: '1200 W Fulton' } },
      { id: 'm', type: 'sms', data: { text: 'Reply 1 for hours, 2 for address' } },
    ],
    [['pick', 'hours', 'h'], ['pick', 'address', 'a'], ['pick', 'other', 'm']],
  ),
  channel: 'sms' as const,
};
const first = (text: string) => step(flow, null, { type: 'message.received', from: CALLER, to: CALLED, text }, sms);

describe('keywords', () => {
  it.each([
    ['HOURS', 'hours'], ['hours', 'hours'], [' Hours! ', 'hours'], ['1', 'hours'], ['1.', 'hours'],
    ['where are you?', 'address'], ['2', 'address'], ['hello', 'other'], ['12', 'other'], ['', 'other'], ['hour', 'other'],
  ])('"%s" → %s (whole text or first word, any case, trailing punctuation ignored)', (text, port) => {
    expect(keywordPort(data, text) ?? 'other').toBe(port);
    expect(portsOf(first(text))[0]).toBe(`pick:${port}`);
  });

  it('the first option that lists the word wins; ports are the options then other', () => {
    const d = keywords.schema.parse({ options: [{ port: 'a', keywords: ['x'] }, { port: 'b', keywords: ['X', 'y'] }] });
    expect(keywordPort(d, 'x')).toBe('a');
    expect(keywords.ports(d)).toEqual(['a', 'b', 'other']);
  });

  it('schema: options need a way out and a keyword; "other" is taken', () => {
    expect(keywords.schema.safeParse({ options: [] }).error!.issues[0]!.message).toBe('Add at least one option');
    expect(keywords.schema.safeParse({ options: [{ port: 'a', keywords: [] }] }).error!.issues[0]!.message).toMatch(/at least one keyword/);
    expect(keywords.schema.safeParse({ options: [{ port: 'other', keywords: ['1'] }] }).error!.issues[0]!.message).toMatch(/"other" is the way out/);
  });

  it('lint: duplicate ports and words, opt-out keywords that never reach a flow, and a call flow', () => {
    const d = keywords.schema.parse({ options: [{ port: 'a', keywords: ['1', 'stop'] }, { port: 'a', keywords: ['1'] }, { port: 'b', keywords: ['Yes'] }] });
    expect(keywords.lint!(d, { timezone: 'UTC' }).map((f) => [f.code, f.path])).toEqual([
      ['keywords.reserved', ['options', 0, 'keywords', 1]],
      ['keywords.duplicate-port', ['options', 1, 'port']],
      ['keywords.reserved', ['options', 2, 'keywords', 0]],
    ]);
    expect(lintFlow(flow)).toEqual([]);
    const voice = { ...flow, channel: undefined };
    expect(lintFlow(voice)).toEqual([expect.objectContaining({ code: 'channel.sms-only', node: 'pick', path: ['nodes', 0, 'type'] })]);
  });

  it('say, menu and transfer are refused in an SMS flow', () => {
    const f = { ...flowOf([{ id: 'hi', type: 'say', data: { text: 'Hello' } }, { id: 'm', type: 'menu', data: { prompt: { text: 'Press 1' }, options: { '1': 'a' } } }], [['hi', 'next', 'm']]), channel: 'sms' as const };
    expect(lintFlow(f).filter((x) => x.code.startsWith('channel')).map((x) => [x.code, x.node, x.severity])).toEqual([
      ['channel.voice-only', 'hi', 'error'], ['channel.voice-only', 'm', 'error'],
    ]);
  });
});
