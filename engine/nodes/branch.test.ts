import { describe, expect, it } from 'vitest';
import { branch, compare } from './branch.js';
import { flowOf, portsOf, runCall } from './test-kit.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml', company: { tier: 'gold' } };

/*
 *  set(setVariable account={{value}}) --next--> route(branch) --vip--> vip(say)
 *                                                             --local--> local(say)
 *                                                             --else--> other(say)
 */
function branchFlow(value: string, rules: unknown[]) {
  return flowOf(
    [
      { id: 'set', type: 'setVariable', data: { name: 'account', value } },
      { id: 'route', type: 'branch', data: { rules } },
      { id: 'vip', type: 'say', data: { text: 'VIP' } },
      { id: 'local', type: 'say', data: { text: 'Local' } },
      { id: 'other', type: 'say', data: { text: 'Other' } },
    ],
    [['set', 'next', 'route'], ['route', 'vip', 'vip'], ['route', 'local', 'local'], ['route', 'else', 'other']],
  );
}
const portFrom = (value: string, rules: unknown[]) => portsOf(runCall(branchFlow(value, rules), texml, [])[0]!).find((p) => p.startsWith('route:'));

describe('branch', () => {
  const rules = [
    { port: 'vip', when: { var: 'vars.account', op: 'startsWith', value: '9' } },
    { port: 'local', when: { var: 'caller.from', op: 'startsWith', value: '+1312' } },
  ];

  it('first matching rule wins', () => {
    expect(portFrom('9001', rules)).toBe('route:vip'); // both rules hold; the first is taken
    expect(portFrom('1001', rules)).toBe('route:local');
  });

  it('no rule matches → else', () => {
    expect(portFrom('1001', [rules[0]])).toBe('route:else');
    expect(portFrom('1001', [])).toBe('route:else');
  });

  it('reads the value through templates and accepts {{...}} around the variable', () => {
    expect(portFrom('gold', [{ port: 'vip', when: { var: '{{vars.account}}', op: 'eq', value: '{{company.tier}}' } }])).toBe('route:vip');
  });

  it('compares numerically with lt/gt when both sides are numbers', () => {
    expect(portFrom('10', [{ port: 'vip', when: { var: 'vars.account', op: 'gt', value: 9 } }])).toBe('route:vip'); // "10" > "9" as text would be false
    expect(portFrom('10', [{ port: 'vip', when: { var: 'vars.account', op: 'lt', value: '9' } }])).toBe('route:else');
  });

  it('in takes an array or a comma list; matches uses a regex and a bad regex never matches', () => {
    expect(portFrom('42', [{ port: 'vip', when: { var: 'vars.account', op: 'in', value: ['7', '42'] } }])).toBe('route:vip');
    expect(portFrom('42', [{ port: 'vip', when: { var: 'vars.account', op: 'in', value: '7, 42 ,9' } }])).toBe('route:vip');
    expect(portFrom('A-17', [{ port: 'vip', when: { var: 'vars.account', op: 'matches', value: '^A-\\d+$' } }])).toBe('route:vip');
    expect(portFrom('A-17', [{ port: 'vip', when: { var: 'vars.account', op: 'matches', value: '(' } }])).toBe('route:else');
  });
});

describe('branch kind', () => {
  it('compares with each operator', () => {
    expect(compare('eq', 'a', 'a')).toBe(true);
    expect(compare('neq', 'a', 'b')).toBe(true);
    expect(compare('startsWith', 'abc', '')).toBe(false);
    expect(compare('lt', '2', '10')).toBe(true);
    expect(compare('lt', 'b', 'a')).toBe(false); // text order when not numbers
    expect(compare('gt', '', '0')).toBe(false);
    expect(compare('in', 'x', ['y'])).toBe(false);
  });

  it('ports are the rule ports, each once, then else', () => {
    const d = branch.schema.parse({ rules: [{ port: 'a', when: { var: 'vars.x', op: 'eq', value: '1' } }, { port: 'b', when: { var: 'vars.x', op: 'eq', value: '2' } }] });
    expect(branch.ports(d)).toEqual(['a', 'b', 'else']);
  });

  it('lints duplicate ports, a bad regex, an unknown variable and a non-number for lt/gt', () => {
    const d = branch.schema.parse({
      rules: [
        { port: 'a', when: { var: 'vars.x', op: 'matches', value: '[' } },
        { port: 'a', when: { var: 'account', op: 'gt', value: 'ten' } },
      ],
    });
    expect(branch.lint!(d, { timezone: 'UTC' }).map((f) => [f.code, f.severity])).toEqual([
      ['branch.regex', 'error'],
      ['branch.duplicate-port', 'error'],
      ['branch.var', 'warning'],
      ['branch.not-number', 'warning'],
    ]);
  });

  it('rejects "else" as a rule port and an unknown operator with friendly messages', () => {
    const r = branch.schema.safeParse({ rules: [{ port: 'else', when: { var: 'vars.x', op: 'like', value: '1' } }] });
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['rules.0.port', '"else" is the way out when no rule matches; pick another name'],
      ['rules.0.when.op', 'Pick a comparison: eq, neq, startsWith, in, matches, lt or gt'],
    ]);
  });
});
