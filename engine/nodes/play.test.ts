import { describe, expect, it } from 'vitest';
import { play } from './play.js';
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

  it('Call Control: waits for prompt.ended and ignores other events meanwhile', () => {
    const rs = runCall(playFlow, cc, [{ type: 'input.digits', digits: '1' }, { type: 'prompt.ended' }]);
    expect(verbsOf(rs[0]!)).toEqual(['play']);
    expect(rs[1]!.instructions).toEqual([]);
    expect(portsOf(rs[2]!)).toEqual(['music:next']);
  });

  it('defaults loop to 1 and warns about an address Telnyx cannot fetch', () => {
    const d = play.schema.parse({ url: 'ftp://x/y.mp3' });
    expect(d.loop).toBe(1);
    expect(play.lint!(d, { timezone: 'UTC' }).map((f) => f.code)).toEqual(['play.url']);
    expect(play.lint!(play.schema.parse({ url: 'https://x/y.mp3' }), { timezone: 'UTC' })).toEqual([]);
  });
});
