import { describe, expect, it } from 'vitest';
import { first, flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import { keyForSpeech, menu, normaliseSpeech } from './menu.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };

/*
 *            --1--> sales(say)
 *  main(menu) --2--> support(say)
 *            --timeout--> quiet(say)
 *            --invalid--> wrong(say)
 */
function menuFlow(data: Record<string, unknown> = {}) {
  return flowOf(
    [
      { id: 'main', type: 'menu', data: { prompt: { text: 'Press 1 for sales, 2 for support.' }, options: { '2': 'Support', '1': 'Sales' }, ...data } },
      { id: 'sales', type: 'say', data: { text: 'Sales' } },
      { id: 'support', type: 'say', data: { text: 'Support' } },
      { id: 'quiet', type: 'say', data: { text: 'Nothing heard' } },
      { id: 'wrong', type: 'say', data: { text: 'Wrong keys' } },
    ],
    [['main', '1', 'sales'], ['main', '2', 'support'], ['main', 'timeout', 'quiet'], ['main', 'invalid', 'wrong']],
  );
}

describe('menu', () => {
  it('gathers one digit limited to the option keys, with the documented defaults', () => {
    const [r] = runCall(menuFlow(), texml, []);
    expect(first(r!, 'gather')).toMatchObject({
      prompts: [{ verb: 'say', text: 'Press 1 for sales, 2 for support.' }],
      input: 'dtmf', numDigits: 1, validDigits: '12', timeoutSeconds: 5, node: 'main',
    });
    expect(first(r!, 'gather').hints).toBeUndefined();
    expect(r!.waiting).toBe(true);
  });

  it('leaves by the pressed key', () => {
    const rs = runCall(menuFlow(), texml, [{ type: 'input.digits', digits: '2' }]);
    expect(portsOf(rs[1]!)).toEqual(['main:2', 'support:next']);
    expect(first(rs[1]!, 'say').text).toBe('Support');
  });

  it('re-prompts a wrong key with the invalid prompt first, then leaves by invalid after maxRetries', () => {
    const rs = runCall(menuFlow({ maxRetries: 2 }), texml, [
      { type: 'input.digits', digits: '7' }, { type: 'input.digits', digits: '9' }, { type: 'input.digits', digits: '#' },
    ]);
    for (const r of rs.slice(1, 3)) {
      expect(first(r, 'gather').prompts.map((p) => ('text' in p ? p.text : p.url))).toEqual(['Sorry, that is not a valid choice.', 'Press 1 for sales, 2 for support.']);
      expect(portsOf(r)).toEqual([]);
    }
    expect(portsOf(rs[3]!)).toEqual(['main:invalid', 'wrong:next']);
  });

  it('re-prompts silence with the prompt alone (input.timeout or empty digits), then leaves by timeout', () => {
    const rs = runCall(menuFlow({ maxRetries: 1 }), texml, [{ type: 'input.digits', digits: '' }, { type: 'input.timeout' }]);
    expect(first(rs[1]!, 'gather').prompts).toEqual([{ verb: 'say', text: 'Press 1 for sales, 2 for support.' }]);
    expect(portsOf(rs[2]!)).toEqual(['main:timeout', 'quiet:next']);
  });

  it('counts wrong keys and silence together; the last failure picks the port', () => {
    const rs = runCall(menuFlow({ maxRetries: 2 }), texml, [{ type: 'input.timeout' }, { type: 'input.digits', digits: '5' }, { type: 'input.timeout' }]);
    expect(verbsOf(rs[1]!)).toEqual(['gather']);
    expect(verbsOf(rs[2]!)).toEqual(['gather']);
    expect(portsOf(rs[3]!)).toEqual(['main:timeout', 'quiet:next']);
  });

  it('with maxRetries 0 the first failure leaves at once; a custom invalid prompt is used', () => {
    const rs = runCall(menuFlow({ maxRetries: 0 }), texml, [{ type: 'input.digits', digits: '3' }]);
    expect(portsOf(rs[1]!)).toEqual(['main:invalid', 'wrong:next']);
    const custom = runCall(menuFlow({ invalidPrompt: { url: 'https://cdn.example/oops.mp3' } }), texml, [{ type: 'input.digits', digits: '3' }]);
    expect(first(custom[1]!, 'gather').prompts[0]).toEqual({ verb: 'play', url: 'https://cdn.example/oops.mp3' });
  });

  it('retries start again on a new visit of the menu', () => {
    /*  main(menu) --1--> back(say) --next--> main ; timeout/invalid --> bye(hangup) */
    const flow = flowOf(
      [
        { id: 'main', type: 'menu', data: { prompt: { text: 'Menu' }, options: { '1': 'Again' }, maxRetries: 1 } },
        { id: 'back', type: 'say', data: { text: 'Back' } },
        { id: 'bye', type: 'hangup', data: {} },
      ],
      [['main', '1', 'back'], ['back', 'next', 'main'], ['main', 'invalid', 'bye'], ['main', 'timeout', 'bye']],
    );
    const rs = runCall(flow, texml, [{ type: 'input.digits', digits: '9' }, { type: 'input.digits', digits: '1' }, { type: 'input.digits', digits: '9' }]);
    expect(portsOf(rs[2]!)).toEqual(['main:1', 'back:next']);
    expect(verbsOf(rs[3]!)).toEqual(['gather']); // a fresh retry, not the end
  });

  it('listens for speech when phrases are set and maps a phrase inside the sentence to its key', () => {
    const flow = menuFlow({ speech: { 'Sales': '1', 'tech support': '2' } });
    const rs = runCall(flow, texml, [{ type: 'input.speech', text: 'Uh, TECH support, please!', confidence: 0.9 }]);
    expect(first(rs[0]!, 'gather')).toMatchObject({ input: 'dtmf speech', hints: ['Sales', 'tech support'] });
    expect(portsOf(rs[1]!)).toEqual(['main:2', 'support:next']);
  });

  it('counts speech that matches no phrase as invalid', () => {
    const rs = runCall(menuFlow({ speech: { sales: '1' }, maxRetries: 0 }), texml, [{ type: 'input.speech', text: 'wholesale prices' }]);
    expect(portsOf(rs[1]!)).toEqual(['main:invalid', 'wrong:next']);
  });

  it('makes # a key when a menu option is on # (finishOnKey ""), and leaves the finish key alone otherwise', () => {
    const flow = flowOf(
      [{ id: 'main', type: 'menu', data: { prompt: { text: 'Press 1, or # to repeat.' }, options: { '1': 'Sales', '#': 'Repeat' } } }, { id: 'again', type: 'say', data: { text: 'Again' } }],
      [['main', '#', 'again']],
    );
    const rs = runCall(flow, texml, [{ type: 'input.digits', digits: '#' }]);
    expect(first(rs[0]!, 'gather')).toMatchObject({ validDigits: '1#', finishOnKey: '' });
    expect(portsOf(rs[1]!)).toEqual(['main:#', 'again:next']);
    expect(first(runCall(menuFlow(), texml, [])[0]!, 'gather').finishOnKey).toBeUndefined();
  });

  it('ignores events it does not answer (prompt.ended in Call Control)', () => {
    const rs = runCall(menuFlow(), { ...texml, mode: 'call-control' }, [{ type: 'prompt.ended' }]);
    expect(rs[1]!.instructions).toEqual([]);
    expect(rs[1]!.snapshot.value).toBe('main');
  });
});

describe('menu kind', () => {
  it('orders ports 1-9, 0, *, # then timeout, invalid', () => {
    const d = menu.schema.parse({ prompt: { text: 'x' }, options: { '#': 'a', '0': 'b', '*': 'c', '3': 'd', '1': 'e' } });
    expect(menu.ports(d)).toEqual(['1', '3', '0', '*', '#', 'timeout', 'invalid']);
    expect(menu.reachablePorts!(d)).toEqual(['timeout', 'invalid']);
  });

  it('rejects bad keys and an empty menu with friendly messages', () => {
    const bad = menu.schema.safeParse({ prompt: { text: 'x' }, options: { '10': 'x' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe('Menu keys are 0-9, * or #');
    expect(bad.error!.issues[0]!.path).toEqual(['options', '10']);
    const empty = menu.schema.safeParse({ prompt: { text: 'x' }, options: {} });
    expect(empty.error!.issues[0]!.message).toBe('Add at least one option');
  });

  it('lints a phrase that maps to a key the menu does not have', () => {
    const d = menu.schema.parse({ prompt: { text: 'x' }, options: { '1': 'Sales' }, speech: { sales: '1', billing: '4' } });
    const f = menu.lint!(d, { timezone: 'UTC' });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: 'menu.speech-key', severity: 'error' });
    expect(f[0]!.message).toContain('billing');
  });

  it('normalises speech and prefers the longest phrase', () => {
    expect(normaliseSpeech('  Hello,   WORLD!! ')).toBe('hello world');
    expect(keyForSpeech({ speech: { support: '2', 'billing support': '3' } }, 'Billing support.')).toBe('3');
    expect(keyForSpeech({ speech: { sales: '1' } }, 'salesforce')).toBeUndefined();
  });
});
