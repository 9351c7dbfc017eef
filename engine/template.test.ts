import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { fillTemplate, isTemplateRoot, lookup, TEMPLATE_HINTS, TEMPLATE_ROOTS, type TemplateScope } from './template.js';
import { NODE_KINDS } from './nodes/index.js';

const scope: TemplateScope = {
  call: { id: 'call-1', from: '+13125550100', to: '+13125550199', direction: 'inbound' },
  vars: { account: '42' },
  company: { name: 'Acme' },
  now: DateTime.fromISO('2026-11-23T10:05:00', { zone: 'America/Chicago' }),
};

describe('template roots: one list', () => {
  it('are caller, call, vars, company and now', () => {
    expect(TEMPLATE_ROOTS).toEqual(['caller', 'call', 'vars', 'company', 'now']);
  });

  it('every hint the builder offers fills to something, and names a root', () => {
    expect(TEMPLATE_HINTS).toEqual(['caller.from', 'caller.to', 'call.id', 'call.direction', 'company.name', 'now', 'now.date', 'now.time', 'now.weekday']);
    for (const h of TEMPLATE_HINTS) {
      expect(isTemplateRoot(h.split('.')[0]!), h).toBe(true);
      expect(fillTemplate(`{{${h}}}`, scope), h).not.toBe('');
    }
  });

  it('looks values up as before, and gives "" for names it does not know', () => {
    expect(lookup(scope, 'vars.account')).toBe('42');
    expect(lookup(scope, 'now')).toBe('Monday, November 23 at 10:05 AM');
    expect(lookup(scope, 'now.iso')).toBe('2026-11-23T10:05:00.000-06:00');
    for (const p of ['vars.toString', 'toString', 'caller', 'caller.nope', 'nothing.at.all', 'company.constructor']) expect(lookup(scope, p), p).toBe('');
  });

  it('branch lint accepts a rule on every root and warns on any other', () => {
    const lint = (v: string) => NODE_KINDS.branch.lint!({ rules: [{ port: 'a', when: { var: v, op: 'eq', value: 'x' } }] }, { timezone: 'UTC' }).filter((f) => f.code === 'branch.var');
    for (const root of TEMPLATE_ROOTS) expect(lint(`${root}.x`), root).toEqual([]);
    expect(lint('agent.x')).toHaveLength(1);
  });
});
