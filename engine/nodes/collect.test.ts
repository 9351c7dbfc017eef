import { describe, expect, it } from 'vitest';
import { collect, validEntry } from './collect.js';
import { first, flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };

/*
 *  acct(collect) --next--> ok(say "Account {{vars.account}}")
 *                --timeout--> quiet(say)
 *                --invalid--> wrong(say)
 */
function collectFlow(data: Record<string, unknown> = {}) {
  return flowOf(
    [
      { id: 'acct', type: 'collect', data: { prompt: { text: 'Enter your account number, then press pound.' }, variable: 'account', ...data } },
      { id: 'ok', type: 'say', data: { text: 'Account {{vars.account}}' } },
      { id: 'quiet', type: 'say', data: { text: 'Nothing heard' } },
      { id: 'wrong', type: 'say', data: { text: 'Not valid' } },
    ],
    [['acct', 'next', 'ok'], ['acct', 'timeout', 'quiet'], ['acct', 'invalid', 'wrong']],
  );
}

describe('collect', () => {
  it('gathers digits with the documented defaults', () => {
    const [r] = runCall(collectFlow(), texml, []);
    expect(first(r!, 'gather')).toEqual({
      verb: 'gather', node: 'acct', seq: 1, input: 'dtmf', finishOnKey: '#', timeoutSeconds: 5,
      prompts: [{ verb: 'say', text: 'Enter your account number, then press pound.' }],
    });
  });

  it('stores the digits without the finish key and leaves by next', () => {
    const rs = runCall(collectFlow(), texml, [{ type: 'input.digits', digits: '90210#' }]);
    expect(portsOf(rs[1]!)).toEqual(['acct:next', 'ok:next']);
    expect(first(rs[1]!, 'say').text).toBe('Account 90210');
    expect(rs[1]!.snapshot.context.vars.account).toBe('90210');
  });

  it('checks the pattern as a full match: invalid with no retries leaves by invalid', () => {
    const rs = runCall(collectFlow({ pattern: '9\\d{3}' }), texml, [{ type: 'input.digits', digits: '90000' }]);
    expect(portsOf(rs[1]!)).toEqual(['acct:invalid', 'wrong:next']);
    expect(rs[1]!.snapshot.context.vars.account).toBeUndefined();
  });

  it('re-prompts an invalid entry with the invalid prompt, then accepts a valid one', () => {
    const rs = runCall(collectFlow({ numDigits: 4, maxRetries: 1 }), texml, [{ type: 'input.digits', digits: '12' }, { type: 'input.digits', digits: '1234' }]);
    expect(first(rs[1]!, 'gather').prompts.map((p) => (p.verb === 'say' ? p.text : p.url))).toEqual(['Sorry, that is not a valid entry.', 'Enter your account number, then press pound.']);
    expect(first(rs[1]!, 'gather').numDigits).toBe(4);
    expect(portsOf(rs[2]!)).toEqual(['acct:next', 'ok:next']);
  });

  it('re-prompts silence, then leaves by timeout (a lone finish key is silence too)', () => {
    const rs = runCall(collectFlow({ maxRetries: 1 }), texml, [{ type: 'input.timeout' }, { type: 'input.digits', digits: '#' }]);
    expect(verbsOf(rs[1]!)).toEqual(['gather']);
    expect(first(rs[1]!, 'gather').prompts).toHaveLength(1);
    expect(portsOf(rs[2]!)).toEqual(['acct:timeout', 'quiet:next']);
  });

  it('with an empty finish key keeps every key and says finishOnKey "" (left out, Telnyx would finish on #)', () => {
    const rs = runCall(collectFlow({ finishOnKey: '', numDigits: 3 }), texml, [{ type: 'input.digits', digits: '12#' }]);
    expect(first(rs[0]!, 'gather').finishOnKey).toBe('');
    expect(rs[1]!.snapshot.context.vars.account).toBe('12#');
  });
});

describe('collect kind', () => {
  it('validates entries against numDigits and pattern; a pattern that does not compile accepts nothing', () => {
    expect(validEntry({}, '123')).toBe(true);
    expect(validEntry({}, '12a')).toBe(false);
    expect(validEntry({ numDigits: 3 }, '12')).toBe(false);
    expect(validEntry({ pattern: '1|2' }, '12')).toBe(false); // full match, not "contains"
    expect(validEntry({ pattern: '[' }, '1')).toBe(false);
  });

  it('lints a pattern that does not compile', () => {
    const d = collect.schema.parse({ prompt: { text: 'x' }, variable: 'pin', pattern: '(\\d{4}' });
    expect(collect.lint!(d, { timezone: 'UTC' })).toEqual([expect.objectContaining({ code: 'collect.pattern', severity: 'error' })]);
    const ok = collect.schema.parse({ prompt: { text: 'x' }, variable: 'pin', pattern: '\\d{4}' });
    expect(collect.lint!(ok, { timezone: 'UTC' })).toEqual([]);
  });

  it('rejects a variable name with spaces, with a message a non-programmer understands', () => {
    const r = collect.schema.safeParse({ prompt: { text: 'x' }, variable: 'account number' });
    expect(r.error!.issues[0]).toMatchObject({ path: ['variable'], message: expect.stringContaining('no spaces') });
  });
});
