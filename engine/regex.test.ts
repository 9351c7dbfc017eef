import { runInNewContext } from 'node:vm';
import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flowOf, portsOf, runCall } from './nodes/test-kit.js';
import { lintFlow } from './lint.js';
import { flowPattern, matchesSome, matchesWhole } from './regex.js';
import type { Env } from './types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };

/**
 * Runs `fn` under V8's watchdog: a step that backtracks for seconds (JavaScript's RegExp on `(\d+)+`
 * took 6-12 s per step in issue #11) is cut off and fails the test instead of hanging the run.
 * The bound is generous for a shared machine; RE2 answers in well under a millisecond.
 */
function within<T>(ms: number, fn: () => T): T {
  return runInNewContext('run()', { run: fn }, { timeout: ms }) as T;
}

const DIGITS = `${'1'.repeat(40)}*`;

describe('flow regexes run on RE2 (issue #11 item 4)', () => {
  it('a collect pattern like (\\d+)+ answers a long wrong entry at once', () => {
    const flow = flowOf([
      { id: 'acct', type: 'collect', data: { prompt: { text: 'Enter it.' }, variable: 'account', pattern: '(\\d+)+', finishOnKey: '' } },
      { id: 'ok', type: 'hangup', data: {} }, { id: 'bad', type: 'hangup', data: {} },
    ], [['acct', 'next', 'ok'], ['acct', 'invalid', 'bad'], ['acct', 'timeout', 'bad']]);
    const rs = within(3000, () => runCall(flow, texml, [{ type: 'input.digits', digits: DIGITS }]));
    expect(portsOf(rs[1]!)).toEqual(['acct:invalid']);
  });

  it('a branch "matches" like (\\d+)+$ answers a long value at once', () => {
    const flow = flowOf([
      { id: 'set', type: 'setVariable', data: { name: 'account', value: `${'1'.repeat(40)}x` } },
      { id: 'route', type: 'branch', data: { rules: [{ port: 'digits', when: { var: 'vars.account', op: 'matches', value: '(\\d+)+$' } }] } },
      { id: 'end', type: 'hangup', data: {} },
    ], [['set', 'next', 'route'], ['route', 'digits', 'end'], ['route', 'else', 'end']]);
    const [r] = within(3000, () => runCall(flow, texml, []));
    expect(portsOf(r!)).toEqual(['set:next', 'route:else']);
  });

  it('keeps the meaning of the patterns flows use: whole entry for collect, anywhere for branch; JavaScript spellings translate', () => {
    expect(matchesWhole('\\d{6}', '123456')).toBe(true);
    expect(matchesWhole('\\d{6}', '1234567')).toBe(false);
    expect(matchesWhole('1|2', '12')).toBe(false);
    expect(matchesWhole('^9\\d*$', '900')).toBe(true);
    expect(matchesSome('^A-\\d+$', 'A-17')).toBe(true);
    expect(matchesSome('55', '+13125550147')).toBe(true);
    expect(matchesSome('\\u0041', 'xAx')).toBe(true);
    expect(matchesSome('(?<area>312)', '+13125550147')).toBe(true);
    expect(matchesSome('(', 'x')).toBe(false);
  });

  it('says in words why RE2 cannot run a pattern: backreferences and lookaround', () => {
    expect(flowPattern('(\\d)\\1').error).toContain('backreference (\\1)');
    expect(flowPattern('(?=1)\\d').error).toContain('lookahead');
    expect(flowPattern('(?!1)\\d').error).toContain('negative lookahead');
    expect(flowPattern('(?<=1)2').error).toContain('lookbehind');
    expect(flowPattern('\\\\1').error).toBeUndefined(); // an escaped backslash, then 1: plain text
    expect(flowPattern('([0-9').error).toMatch(/^is not a valid regular expression \(missing closing \]/);
  });

  it('lints them as errors that name the node and the field', () => {
    const findings = lintFlow({
      format: 'callflow/1', id: 'f', name: 'F', start: 'pin',
      nodes: [
        { id: 'pin', type: 'collect', position: { x: 0, y: 0 }, data: { prompt: { text: 'PIN?' }, variable: 'pin', pattern: '(\\d)\\1{3}' } },
        { id: 'route', type: 'branch', position: { x: 0, y: 0 }, data: { rules: [{ port: 'a', when: { var: 'vars.pin', op: 'matches', value: '(?<!0)1' } }] } },
      ],
      edges: [{ id: 'e', source: 'pin', sourceHandle: 'next', target: 'route' }],
    });
    expect(findings.find((f) => f.code === 'collect.pattern')).toMatchObject({ severity: 'error', node: 'pin', path: ['nodes', 0, 'data', 'pattern'], message: expect.stringMatching(/^The digit pattern "\(\\d\)\\1\{3\}" uses a backreference/) });
    expect(findings.find((f) => f.code === 'branch.regex')).toMatchObject({ severity: 'error', node: 'route', path: ['nodes', 1, 'data', 'rules', 0, 'when', 'value'], message: expect.stringContaining('Rule 1: the "matches" pattern "(?<!0)1" uses a negative lookbehind') });
  });

  describe('compiling', () => {
    afterEach(() => { vi.restoreAllMocks(); });
    it('compiles a pattern once, not at every step or call', () => {
      const compile = vi.spyOn(RE2JS, 'compile');
      const flow = flowOf([
        { id: 'acct', type: 'collect', data: { prompt: { text: 'Enter it.' }, variable: 'account', pattern: '7\\d{2}|8{5}', maxRetries: 5 } },
      ], []);
      for (let call = 0; call < 3; call++) runCall(flow, texml, Array.from({ length: 5 }, () => ({ type: 'input.digits' as const, digits: '123' })));
      expect(compile.mock.calls.filter(([src]) => src === '7\\d{2}|8{5}')).toHaveLength(1);
    });
  });
});
