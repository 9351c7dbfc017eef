import type { MapContext, Remark, StateResult } from './context.js';
import { clamp, next, num, position, str, varName } from './context.js';
import { addNode, dropped, text, wire } from './helpers.js';
import { soleTag } from './liquid.js';
import { voiceFor } from './voice.js';
import type { StudioState } from './studio-schema.js';

/** How a gather-input-on-call comes across: a menu (when a split on its Digits picks keys) or a digit collection. */
export type GatherPlan = {
  kind: 'menu' | 'collect';
  /** The split on Digits folded into the menu, and the key each target is reached by. */
  split?: StudioState; keys?: Array<{ key: string; state: string }>;
  /** The split on SpeechResult folded in, as phrase → key. */
  speechSplit?: StudioState; phrases?: Record<string, string>;
  /** A say-play before the gather, folded in as its prompt. */
  prompt?: StudioState;
  remarks: Remark[];
};

const KEY = /^[0-9*#]$/;
/** The text fallback when neither the gather nor a say-play before it says anything. */
export const DEFAULT_PROMPT = 'Please make your choice.';

function incoming(ctx: MapContext, name: string): StudioState[] {
  return [...ctx.states.values()].filter((s) => s.transitions.some((t) => t.next === name));
}

/** Does any state other than `except` mention `{{widgets.G.FIELD}}`? */
function mentioned(ctx: MapContext, g: string, field: string, except: ReadonlySet<string>): boolean {
  const needle = new RegExp(`widgets\\.${g.replace(/[^A-Za-z0-9_]/g, '\\$&')}\\.${field}\\b`);
  return [...ctx.states.values()].some((s) => !except.has(s.name) && needle.test(JSON.stringify(s)));
}

/** A split whose every match is one condition on `{{widgets.G.FIELD}}` of an allowed type: its conditions, else undefined. */
function splitOn(s: StudioState | undefined, g: string, field: string, types: string[]) {
  if (!s || s.type !== 'split-based-on') return undefined;
  const tag = `widgets.${g}.${field}`;
  const out: Array<{ type: string; value: string; state: string }> = [];
  for (const t of s.transitions) {
    if (t.event !== 'match') continue;
    const c = t.conditions ?? [];
    if (c.length !== 1 || !t.next || !types.includes(c[0]!.type)) return undefined;
    if (soleTag(c[0]!.arguments?.[0] ?? String(s.properties.input ?? '')) !== tag) return undefined;
    out.push({ type: c[0]!.type, value: String(c[0]!.value ?? ''), state: t.next });
  }
  return out;
}

/** Decides each gather's form before any state is mapped (so `{{widgets.G.Digits}}` is known everywhere). */
export function planGather(ctx: MapContext, g: StudioState): GatherPlan {
  const plan: GatherPlan = { kind: 'collect', remarks: [] };
  const from = incoming(ctx, g.name).filter((s) => s.name !== g.name);
  const before = from.length === 1 ? from[0]! : undefined;
  if (!str(g.properties, 'say') && !str(g.properties, 'play') && before?.type === 'say-play' && before.transitions.filter((t) => t.next).length === 1 && !str(before.properties, 'digits')) {
    plan.prompt = before;
  }
  const split = ctx.states.get(next(g, 'keypress') ?? '');
  const conds = splitOn(split, g.name, 'Digits', ['equal_to', 'matches_any_of']);
  if (split && conds && incoming(ctx, split.name).every((s) => s.name === g.name) && !mentioned(ctx, g.name, 'Digits', new Set([split.name]))) {
    const keys: Array<{ key: string; state: string }> = [];
    const values = conds.flatMap((c) => (c.type === 'matches_any_of' ? c.value.split(',') : [c.value]).map((v) => ({ key: v.trim(), state: c.state })));
    if (values.length && values.every((v) => KEY.test(v.key)) && new Set(values.map((v) => v.key)).size === values.length) keys.push(...values);
    if (keys.length) Object.assign(plan, { kind: 'menu', split, keys });
  }
  if (plan.kind === 'menu') planSpeech(ctx, g, plan);
  return plan;
}

function planSpeech(ctx: MapContext, g: StudioState, plan: GatherPlan): void {
  const to = next(g, 'speech');
  if (!to || to === plan.split!.name) return;
  const sp = ctx.states.get(to);
  const conds = splitOn(sp, g.name, 'SpeechResult', ['contains', 'equal_to', 'matches_any_of']);
  const keyOf = (state: string) => plan.keys!.find((k) => k.state === state)?.key;
  if (sp && conds && conds.every((c) => keyOf(c.state)) && incoming(ctx, sp.name).every((s) => s.name === g.name)) {
    plan.speechSplit = sp;
    plan.phrases = Object.fromEntries(conds.flatMap((c) => (c.type === 'matches_any_of' ? c.value.split(',') : [c.value]).map((v) => [v.trim(), keyOf(c.state)!])).filter(([p]) => p));
    if (next(sp, 'noMatch') !== next(plan.split!, 'noMatch')) plan.remarks.push({ severity: 'warning', code: 'studio.speech', message: `Unrecognised speech went to "${next(sp, 'noMatch') ?? 'nowhere'}" in Studio; in the menu it goes where a wrong key goes ("${next(plan.split!, 'noMatch') ?? 'nowhere'}").` });
    return;
  }
  plan.remarks.push({ severity: 'warning', code: 'studio.speech', message: `The "speech" path (to "${to}") was not carried over: the menu listens for keys only. Add spoken phrases to the menu if callers should be able to say their choice.` });
}

function promptOf(ctx: MapContext, s: StudioState, node: string, remarks: Remark[]): Record<string, unknown> | undefined {
  const p = s.properties;
  const say = str(p, 'say'), play = str(p, 'play');
  if (say) {
    const prompt: Record<string, unknown> = { text: text(ctx, say, node, 'prompt.text', remarks) };
    if (voiceFor(str(p, 'voice'))) prompt.voice = voiceFor(str(p, 'voice'));
    if (str(p, 'language')) prompt.language = str(p, 'language');
    return prompt;
  }
  return play ? { url: text(ctx, play, node, 'prompt.url', remarks) } : undefined;
}

/** gather-input-on-call → menu (keys, speech phrases, timeout, invalid) or collect (digits into `vars.G`). */
export function gather(ctx: MapContext, g: StudioState, plan: GatherPlan): StateResult {
  const id = ctx.ids.get(g.name)!;
  const p = g.properties;
  const remarks: Remark[] = plan.remarks.map((r) => ({ ...r, node: id }));
  let prompt = promptOf(ctx, g, id, remarks) ?? (plan.prompt ? promptOf(ctx, plan.prompt, id, remarks) : undefined);
  if (plan.prompt) remarks.push({ severity: 'info', code: 'studio.merged', node: id, message: `Its prompt is the say-play "${plan.prompt.name}" that came just before it.` });
  if (!prompt) {
    prompt = { text: DEFAULT_PROMPT };
    remarks.push({ severity: 'warning', code: 'studio.prompt', node: id, field: 'prompt.text', text: DEFAULT_PROMPT, message: `The Studio gather said nothing, and Callflow asks with a prompt: "${DEFAULT_PROMPT}" was put in. Write what the caller hears.` });
  }
  const timeout = clamp(num(p, 'timeout'), 1, 60, 5).value;
  const pos = position(g);
  if (plan.kind === 'menu') {
    const options = Object.fromEntries(plan.keys!.map((k) => [k.key, k.state]));
    const data: Record<string, unknown> = { prompt, options, timeoutSeconds: timeout, maxRetries: 0 };
    if (plan.phrases && Object.keys(plan.phrases).length) data.speech = plan.phrases;
    addNode(ctx, { id, type: 'menu', position: pos, data });
    for (const k of plan.keys!) ctx.wires.push({ source: id, port: k.key, state: k.state });
    wire(ctx, id, 'timeout', g, 'timeout');
    wire(ctx, id, 'invalid', plan.split!, 'noMatch');
    remarks.push({ severity: 'info', code: 'studio.menu', node: id, message: `With the split "${plan.split!.name}"${plan.speechSplit ? ` and "${plan.speechSplit.name}"` : ''} it became one menu (no retries, as in Studio).` });
    return { status: 'changed', nodes: [id], remarks };
  }
  const variable = ctx.digitsVar.get(g.name)!;
  const data: Record<string, unknown> = { prompt, variable, timeoutSeconds: timeout, maxRetries: 0, finishOnKey: '#' };
  const n = clamp(num(p, 'number_of_digits'), 1, 64, 0);
  if (num(p, 'number_of_digits') !== undefined) data.numDigits = n.value;
  const fin = p.finish_on_key;
  if (typeof fin === 'string' && /^[0-9*#]?$/.test(fin)) data.finishOnKey = fin;
  addNode(ctx, { id, type: 'collect', position: pos, data });
  wire(ctx, id, 'next', g, 'keypress');
  // A wrong number of digits still goes on by "keypress" in Studio.
  if (data.numDigits !== undefined) wire(ctx, id, 'invalid', g, 'keypress');
  wire(ctx, id, 'timeout', g, 'timeout');
  remarks.push({ severity: 'info', code: 'studio.collect', node: id, message: `The digits are kept in {{vars.${variable}}} (Studio's {{widgets.${g.name}.Digits}}).` });
  dropped(ctx, g, id, { speech: 'a digit collection listens for keys only.' }, remarks);
  return { status: 'changed', nodes: [id], remarks };
}

/** The variable a collect keeps a gather's digits in. */
export const digitsVariable = (g: StudioState) => varName(g.name);
