import type { MapContext, Remark, StateResult } from './context.js';
import { next, position, str, varName } from './context.js';
import { addNode, dropped, freshNodeId, placeholder, text, wire } from './helpers.js';
import { soleTag, templateFor } from './liquid.js';
import type { StudioCondition, StudioState } from './studio-schema.js';

const RE2_SPECIAL = /[\\.+*?()|[\]{}^$]/g;

/** A Studio condition as a branch rule's `{op, value}`, or why it has none. */
function ruleFor(c: StudioCondition): { op: string; value: string | string[] } | string {
  const v = String(c.value ?? '');
  switch (c.type) {
    case 'equal_to': return { op: 'eq', value: v };
    case 'not_equal_to': return { op: 'neq', value: v };
    case 'matches_any_of': return { op: 'in', value: v.split(',').map((x) => x.trim()) };
    case 'starts_with': return { op: 'startsWith', value: v };
    case 'less_than': return { op: 'lt', value: v };
    case 'greater_than': return { op: 'gt', value: v };
    case 'regex': return { op: 'matches', value: v };
    // Studio compares text without regard to case; speech results come capitalised and punctuated.
    case 'contains': return { op: 'matches', value: `(?i)${v.replace(RE2_SPECIAL, '\\$&')}` };
    case 'is_blank': return { op: 'eq', value: '' };
    case 'is_not_blank': return { op: 'neq', value: '' };
    default: return `Callflow's branch has no "${c.type}" comparison`;
  }
}

/** What a rule looks at: `{{widgets.g.Digits}}` → `vars.g`, `{{trigger.call.From}}` → `caller.from`; else the text as it was. */
function subject(ctx: MapContext, arg: string): { var: string; kept: boolean } {
  const path = soleTag(arg);
  const t = path ? templateFor(path.trim(), ctx) : undefined;
  return t ? { var: t, kept: false } : { var: arg.trim() || '(nothing)', kept: true };
}

/** split-based-on → branch: one rule per match (first match wins, as in Studio), `else` for noMatch. */
export function split(ctx: MapContext, s: StudioState): StateResult {
  const id = ctx.ids.get(s.name)!;
  const remarks: Remark[] = [];
  const input = str(s.properties, 'input') ?? '';
  const rules: Array<{ port: string; when: { var: string; op: string; value: unknown } }> = [];
  const ports = new Set<string>(['else']);
  for (const t of s.transitions) {
    if (t.event !== 'match') continue;
    const conds = t.conditions ?? [];
    const label = conds.map((c) => c.friendly_name ?? c.type).join(' and ') || 'a match';
    if (!t.next) continue;
    if (conds.length !== 1) {
      remarks.push({ severity: 'error', code: 'studio.condition', node: id, message: `The path "${label}" (to "${t.next}") needs ${conds.length || 'no'} condition(s) to hold together, and a branch rule checks one: it was dropped. Chain branches to check them one after another.` });
      continue;
    }
    const c = conds[0]!;
    const r = ruleFor(c);
    if (typeof r === 'string') {
      remarks.push({ severity: 'error', code: 'studio.condition', node: id, message: `The path "${label}" (to "${t.next}") was dropped: ${r}. Rewrite it as a rule that does.` });
      continue;
    }
    const i = rules.length;
    const subj = subject(ctx, c.arguments?.[0] ?? input);
    if (subj.kept) remarks.push({ severity: 'warning', code: 'studio.liquid', node: id, field: `rules.${i}.when.var`, text: subj.var, message: `Rule ${i + 1} looks at ${subj.var}, which Callflow has no value for: pick what it should look at (e.g. vars.NAME).` });
    const value = typeof r.value === 'string' ? text(ctx, r.value, id, `rules.${i}.when.value`, remarks) : r.value;
    let port = varName(ctx.ids.get(t.next) ?? t.next).replace(/^_+/, '').slice(0, 36) || 'match';
    if (!/^[A-Za-z]/.test(port)) port = `to_${port}`.slice(0, 36);
    for (let n = 2; ports.has(port); n++) port = `${port.replace(/-\d+$/, '')}-${n}`;
    ports.add(port);
    rules.push({ port, when: { var: subj.var, op: r.op, value } });
    ctx.wires.push({ source: id, port, state: t.next });
  }
  addNode(ctx, { id, type: 'branch', position: position(s), data: { rules } });
  wire(ctx, id, 'else', s, 'noMatch');
  return { status: remarks.length ? 'changed' : 'mapped', nodes: [id], remarks };
}

/** set-variables → one setVariable per variable, in order (`{{flow.variables.x}}` is `{{vars.x}}` from then on). */
export function setVariables(ctx: MapContext, s: StudioState, taken: Set<string>): StateResult {
  const list = Array.isArray(s.properties.variables) ? (s.properties.variables as Array<{ key?: unknown; value?: unknown }>) : [];
  const vars = list.filter((v) => typeof v?.key === 'string' && v.key);
  if (!vars.length) return placeholder(ctx, s, 'it sets no variable. Delete it, or dismiss this note.');
  const remarks: Remark[] = [];
  const ids: string[] = [];
  vars.forEach((v, i) => {
    const id = i === 0 ? ctx.ids.get(s.name)! : freshNodeId(taken, `${ctx.ids.get(s.name)!}`);
    const name = varName(String(v.key));
    if (name !== v.key) remarks.push({ severity: 'info', code: 'studio.rename', node: id, message: `The variable "${String(v.key)}" is called "${name}" here (letters, digits and _).` });
    addNode(ctx, { id, type: 'setVariable', position: position(s, i * 110), data: { name, value: text(ctx, String(v.value ?? ''), id, 'value', remarks) } });
    if (i > 0) ctx.wires.push({ source: ids[i - 1]!, port: 'next', state: `\u0000${id}` });
    ids.push(id);
  });
  wire(ctx, ids[ids.length - 1]!, 'next', s, 'next');
  if (ids.length > 1) remarks.push({ severity: 'info', code: 'studio.split-vars', node: ids[0], message: `Its ${ids.length} variables are set by ${ids.length} steps in a row.` });
  return { status: remarks.length ? 'changed' : 'mapped', nodes: ids, remarks };
}

/** send-message → sms (to the caller from the number they called, unless it says otherwise); it carries on at once. */
export function sendMessage(ctx: MapContext, s: StudioState): StateResult {
  const id = ctx.ids.get(s.name)!;
  const p = s.properties;
  const body = str(p, 'body');
  if (!body || body.length > 1600) return placeholder(ctx, s, body ? 'its message is longer than 1600 characters. Shorten it in an SMS step.' : 'it has no message text.');
  const remarks: Remark[] = [];
  const data: Record<string, unknown> = {
    to: text(ctx, str(p, 'to') ?? '{{contact.channel.address}}', id, 'to', remarks),
    from: text(ctx, str(p, 'from') ?? '{{flow.channel.address}}', id, 'from', remarks),
    text: text(ctx, body, id, 'text', remarks),
  };
  if (str(p, 'media_url')) data.mediaUrls = [text(ctx, str(p, 'media_url')!, id, 'mediaUrls.0', remarks)];
  if (str(p, 'service')) remarks.push({ severity: 'info', code: 'studio.service', node: id, message: `It sent through the Messaging Service ${str(p, 'service')}; here it is sent from the number in "from".` });
  addNode(ctx, { id, type: 'sms', position: position(s), data });
  wire(ctx, id, 'next', s, 'sent');
  if (!next(s, 'sent') && next(s, 'failed')) wire(ctx, id, 'next', s, 'failed');
  else dropped(ctx, s, id, { failed: 'Callflow sends the message and carries on at once; a failed send shows in the messages log.' }, remarks);
  return { status: remarks.length ? 'changed' : 'mapped', nodes: [id], remarks };
}
