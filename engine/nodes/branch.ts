import { z } from 'zod';
import { defineNode, type KindFinding, type NodeContext } from '../node-kind.js';
import { isTemplateRoot, lookup } from '../template.js';
import { flowPattern, matchesSome } from '../regex.js';
import { cardLine, phrases } from './words.js';

/** The comparisons a rule can make, in the order the builder lists them. */
export const BRANCH_OPS = ['eq', 'neq', 'startsWith', 'in', 'matches', 'lt', 'gt'] as const;
export type BranchOp = (typeof BRANCH_OPS)[number];

const ruleSchema = z.object({
  port: z
    .string({ error: 'Name the way out for this rule' })
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'Use letters, digits, - and _ (no spaces), starting with a letter')
    .refine((p) => p !== 'else', '"else" is the way out when no rule matches; pick another name'),
  when: z.object(
    {
    var: z.string({ error: 'Say what to look at, e.g. vars.account or caller.from' }).min(1, 'Say what to look at, e.g. vars.account or caller.from'),
    op: z.enum(BRANCH_OPS, { error: 'Pick a comparison: eq, neq, startsWith, in, matches, lt or gt' }),
    value: z.union([z.string(), z.number(), z.array(z.string())], { error: 'Give a value to compare with' }),
    },
    { error: 'Say what this rule checks: a variable, a comparison and a value' },
  ),
});
const schema = z.object({ rules: z.array(ruleSchema).default([]) });
type BranchData = z.output<typeof schema>;
type Rule = BranchData['rules'][number];

/** `{{vars.x}}` and `vars.x` both name the same value. */
export function varPath(v: string): string {
  return v.trim().replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '');
}

function asNumber(s: string): number | undefined {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined;
}

/** Does one condition hold? `left` is the looked-up value, `value` is the rule's (templates filled). */
export function compare(op: BranchOp, left: string, value: string | number | string[]): boolean {
  const right = Array.isArray(value) ? value.join(',') : String(value);
  switch (op) {
    case 'eq': return left === right;
    case 'neq': return left !== right;
    case 'startsWith': return right !== '' && left.startsWith(right);
    case 'in': return (Array.isArray(value) ? value : right.split(',')).map((s) => s.trim()).includes(left.trim());
    case 'matches': return matchesSome(right, left); // RE2 (linear time); a pattern it cannot compile never matches
    case 'lt':
    case 'gt': {
      const a = asNumber(left), b = asNumber(right);
      const c = a !== undefined && b !== undefined ? a - b : left < right ? -1 : left > right ? 1 : 0;
      return op === 'lt' ? c < 0 : c > 0;
    }
  }
}

function holds(rule: Rule, ctx: NodeContext): boolean {
  const scope = { call: ctx.call, vars: ctx.vars, company: ctx.env.company, now: ctx.now };
  const v = rule.when.value;
  const value = Array.isArray(v) ? v.map((s) => ctx.fill(s)) : typeof v === 'string' ? ctx.fill(v) : v;
  return compare(rule.when.op, lookup(scope, varPath(rule.when.var)), value);
}

/** The port names, each once, in rule order. */
function rulePorts(d: BranchData): string[] {
  return [...new Set(d.rules.map((r) => r.port))];
}

/** Route by a value: the first rule that matches picks the port, otherwise `else`. */
export const branch = defineNode({
  type: 'branch',
  label: 'Branch',
  description: 'Choose a way out by comparing a value (a variable, the caller’s number, ...). The first matching rule wins.',
  schema,
  example: { rules: [{ port: 'vip', when: { var: 'vars.account', op: 'startsWith', value: '9' } }] },
  ports: (d) => [...rulePorts(d), 'else'],
  waits: () => false,
  channels: ['voice', 'sms'],
  silent: true, // plays nothing: a reject after it still refuses the call unanswered
  noun: 'branch',
  portPhrase: phrases({ else: 'for when no rule matches' }),
  accent: 'slate',
  summary: (d) => [cardLine((d.rules ?? []).map((r) => `${r.port}: ${r.when?.var ?? ''} ${r.when?.op ?? ''} ${r.when?.value ?? ''}`).join(' · '))],
  sets: () => [],
  cost: () => ({}),
  enter: (d, ctx) => ({ port: d.rules.find((r) => holds(r, ctx))?.port ?? 'else' }),
  lint: (d) => {
    const out: KindFinding[] = [];
    const seen = new Set<string>();
    d.rules.forEach((r, i) => {
      const n = `Rule ${i + 1}`;
      if (seen.has(r.port)) out.push({ code: 'branch.duplicate-port', severity: 'error', message: `${n} uses the way out "${r.port}" again; give each rule its own name.` });
      seen.add(r.port);
      const root = varPath(r.when.var).split('.')[0]!;
      if (!isTemplateRoot(root)) out.push({ code: 'branch.var', severity: 'warning', message: `${n} looks at "${r.when.var}", which is never set. Use vars.NAME, caller.from, caller.to, call.direction, company.NAME or now.` });
      const v = r.when.value;
      const source = Array.isArray(v) ? v.join(',') : String(v);
      // A templated pattern is only known during the call; a bad one never matches then.
      const bad = r.when.op === 'matches' && !source.includes('{{') ? flowPattern(source).error : undefined;
      if (bad) out.push({ code: 'branch.regex', severity: 'error', path: ['rules', i, 'when', 'value'], message: `${n}: the "matches" pattern "${source}" ${bad}, so it never matches.` });
      if ((r.when.op === 'lt' || r.when.op === 'gt') && (Array.isArray(v) || (typeof v === 'string' && !v.includes('{{') && asNumber(v) === undefined))) {
        out.push({ code: 'branch.not-number', severity: 'warning', message: `${n} compares with "${String(v)}", which is not a number, so it compares as text.` });
      }
    });
    if (!d.rules.length) out.push({ code: 'branch.no-rules', severity: 'warning', message: 'This branch has no rules, so every call goes to else.' });
    return out;
  },
});
