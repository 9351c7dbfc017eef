/**
 * The scripted callers of the parity suite, found from the flow itself: the
 * clock instants that lead somewhere different, every menu key (and a wrong
 * one, and silence), key pairs when there are nested menus, account numbers
 * for a collect node, each menu phrase said aloud, a message left at the
 * tone, and for every transfer / ring-a-team node
 * the callee outcomes that matter (per member for a team; for a screened one
 * also the accept key, a wrong key, silence and a voicemail that never presses). The engine's own
 * simulator only picks the scripts (one per distinct path, so the suite stays
 * quick); the verdict comes from real calls through the server and sandbox.
 */
import { simulate } from '../../engine/simulate.js';
import { parseFlow } from '../../engine/schema.js';
import type { Flow } from '../../engine/schema.js';
import { pathOf } from '../../server/calls/runner.js';
import { expandSubflows } from '../../engine/subflow-expand.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hoursSchema } from '../../engine/nodes/hours.js';
import type { ScheduleEnv } from '../../engine/types.js';

/** The shared schedules of flows/schedules/ (POST /api/schedules bodies), as a step gets them: the suite creates them too. */
export const SCHEDULE_FILES = readdirSync(join('flows', 'schedules')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join('flows', 'schedules', f), 'utf8')) as { id: string; name: string });
const SCHEDULES: Record<string, ScheduleEnv> = Object.fromEntries(SCHEDULE_FILES.map((f) => [f.id, { name: f.name, ...hoursSchema.parse(f) } as ScheduleEnv]));

export interface Scenario {
  name: string; at: string;
  /** `from`: the caller's number (default the suite's); a block list's scenarios call from a number on it. */
  script: { digits?: string[]; speech?: string[]; callee?: string[]; ai?: unknown[]; assistant?: ('done' | 'failed' | 'hangup')[]; from?: string };
  /** Says something to a menu (speech input: TeXML's SpeechResult, Call Control's transcription). */
  speech?: boolean;
  /** How the flow's httpRequest nodes are answered, by node id (Live.http; none: 200 with `{}`). */
  http?: Record<string, unknown>;
  /** An outbound call the flow is dialled out for (POST /api/calls with flowId), and who takes it (POST /sandbox/callees). */
  outbound?: { answeredBy: 'human' | 'machine' | 'no-answer' | 'busy' };
}

/** The answers worth trying at an httpRequest node: one per port (a refused address is an error too). */
const HTTP_ANSWERS: Array<[string, unknown]> = [
  ['200', { status: 200, body: { order: { status: 'shipped' } } }], ['404', { status: 404, body: '' }], ['not JSON', { status: 200, body: '<html>' }],
  ['timeout', 'timeout'], ['refused', { error: 'refused: 10.0.0.1 is private' }],
];

/** Weekday mornings and afternoons, lunch, night, a Sunday and the holidays of the example flows (UTC). */
export const INSTANTS = [
  '2026-11-25T18:00:00Z', '2026-11-25T17:30:00Z', '2026-11-25T10:00:00Z', '2026-11-26T03:00:00Z', '2026-11-29T18:00:00Z',
  '2026-12-24T11:00:00Z', '2026-12-24T14:00:00Z', '2026-12-25T15:00:00Z', '2026-12-28T12:00:00Z', '2026-12-31T12:00:00Z',
  '2026-11-26T17:00:00Z', // Thanksgiving noon in New York (the shared schedule us-office: the 4th Thursday of November)
];
const ACCOUNTS = ['123456#', '987654#', '12#'];
const MESSAGE = 'This is Sam, please call me back';

interface Node { id: string; type: string; data: Record<string, any> }

/** The callee outcome lists worth trying at a dial node (one entry per member rung, in ring order, for a team). */
function calleeLists(node: Node): string[][] {
  // A screened dial (a key to press): whoever answers presses the accept key, another key, nothing, or is a voicemail.
  const screen = node.data.screen as { requireKeypress?: boolean; acceptKey?: string } | undefined;
  const key = screen && screen.requireKeypress !== false ? screen.acceptKey ?? '1' : undefined;
  const wrong = key && `answer:${['9', '8'].find((k) => k !== key)}`;
  if (node.type === 'transfer') return [['busy'], ['no-answer'], ['failed'], ['voicemail'], ...(key ? [[`answer:${key}`], [wrong!], ['answer']] : [])];
  const n = Math.max(1, (node.data.members as unknown[] | undefined)?.length ?? 1);
  const all = (o: string) => Array.from({ length: n }, () => o);
  const screened = key ? [['voicemail', `answer:${key}`], [wrong!, `answer:${key}`], all('voicemail'), ['answer', ...all('no-answer').slice(1)]] : [];
  return [['busy', 'answer'], ['no-answer', 'answer'], all('no-answer'), all('busy'), ['failed', ...all('no-answer').slice(1)], ...screened];
}

/**
 * A hold queue's scripts: an agent answering in the 2nd ring cycle, nobody ever answering (the longest wait runs
 * out: enough no-answers for every cycle), and, when callbacks are offered, the caller pressing 1 at the first hold.
 */
function queueScripts(node: Node, digits: string[]): Array<Scenario['script']> {
  const n = Math.max(1, (node.data.members as unknown[] | undefined)?.length ?? 1);
  const all = (o: string, k = n) => Array.from({ length: k }, () => o);
  return [
    { digits: [...digits, ''], callee: [...all('no-answer'), 'answer'] },
    { digits: [...digits, ...all('', 20)], callee: all('no-answer', 60) },
    ...(node.data.callback ? [{ digits: [...digits, '1'], callee: all('no-answer') }] : []),
  ];
}

const enginePath = (flow: Flow, at: string, s: Scenario['script']) =>
  simulate(flow, { at, mode: 'texml', digits: s.digits, speech: s.speech, ai: s.ai as never, assistant: s.assistant, from: s.from, maxEvents: 40, schedules: SCHEDULES }).steps.flatMap((st) => pathOf(st.trace));

/** The doc with the flows its subflow steps run (flows/<id>.json) embedded, as publishing embeds them. */
function withChildren(doc: { nodes: Node[] }): unknown {
  const ids = [...new Set(doc.nodes.filter((n) => n.type === 'subflow').map((n) => String(n.data.flow)))];
  const found = ids.filter((id) => existsSync(join('flows', `${id}.json`)));
  if (!found.length) return doc;
  return { ...doc, subflows: Object.fromEntries(found.map((id) => [id, { version: 1, flow: JSON.parse(readFileSync(join('flows', `${id}.json`), 'utf8')) }])) };
}

/** A number on each block list entry (an exact number, or a prefix filled up to a full number); withheld numbers are not scripted. */
const blockedCallers = (nodes: Node[]): string[] => nodes.filter((n) => n.type === 'reject').flatMap((n) => (n.data.callers ?? []) as string[])
  .filter((c) => c.startsWith('+')).map((c) => (c.endsWith('*') ? `${c.slice(0, -1)}5550100`.slice(0, 12) : c));

/** The scenarios for one flow document. */
export function scenariosFor(doc: { nodes: Node[] }): Scenario[] {
  // Subflows inlined (their steps `step/child-step`), so their menus and collects get scripts too.
  const flow = expandSubflows(parseFlow(withChildren(doc)));
  const nodes = flow.nodes as unknown as Node[];
  const menus = nodes.filter((n) => n.type === 'menu');
  const keys = [...new Set(menus.flatMap((m) => Object.keys(m.data.options ?? {})))];
  const wrong = ['9', '8', '7'].find((k) => !keys.includes(k)) ?? '#';
  const digitScripts: string[][] = [[], [wrong], ...keys.map((k) => [k])];
  if (menus.length > 1) for (const a of keys) for (const b of keys) digitScripts.push([a, b]);
  // A collect with no menu before it: the account numbers alone.
  if (nodes.some((n) => n.type === 'collect') && !menus.length) for (const acct of ACCOUNTS) digitScripts.push([acct]);
  if (nodes.some((n) => n.type === 'collect')) for (const a of keys) for (const b of keys) for (const acct of ACCOUNTS) digitScripts.push([a, b, acct]);
  // A collect with no menu before it (a subflow's account check): the account numbers, and a four-digit one.
  if (nodes.some((n) => n.type === 'collect') && !keys.length) for (const acct of [...ACCOUNTS, '4411']) digitScripts.push([acct]);
  const speechMenus = menus.filter((m) => Object.keys(m.data.speech ?? {}).length);
  const out: Scenario[] = [];
  const seen = new Set<string>();
  const dialsSeen = new Set<string>();
  for (const at of INSTANTS) {
    for (const digits of digitScripts) {
      const path = enginePath(flow, at, { digits });
      const key = path.join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      const label = `${at.slice(0, 16)} digits [${digits.join(',')}]`;
      out.push({ name: label, at, script: { digits } });
      // A message at the tone, where it cannot be taken for an answer to a speech menu.
      if (!speechMenus.length || digits.length) out.push({ name: `${label} + message`, at, script: { digits, speech: [MESSAGE] } });
      for (const id of path.filter((p) => p.startsWith('>')).map((p) => p.slice(1))) {
        const node = nodes.find((n) => n.id === id);
        if (node?.type === 'httpRequest' && !dialsSeen.has(id)) {
          dialsSeen.add(id);
          for (const [what, answer] of HTTP_ANSWERS) out.push({ name: `${label}, ${id} answers ${what}`, at, script: { digits }, http: { [id]: answer } });
        }
        if (node?.type === 'queue' && !dialsSeen.has(id)) {
          dialsSeen.add(id);
          for (const q of queueScripts(node, digits)) out.push({ name: `${label}, ${id}: ${q.callee!.slice(0, 3).join(',')}… keys [${q.digits!.slice(digits.length, digits.length + 2).join(',')}]`, at, script: q });
          continue;
        }
        if (!node || (node.type !== 'transfer' && node.type !== 'roundRobin') || dialsSeen.has(id)) continue;
        dialsSeen.add(id);
        for (const callee of calleeLists(node)) out.push({ name: `${label}, ${id}: ${callee.join(',')}`, at, script: { digits, callee } });
      }
      // A screened dial reached only once the dials before it go unanswered: its outcomes after that many unanswered legs.
      let legs = 0;
      for (const st of simulate(flow, { at, mode: 'texml', digits, dial: Array.from({ length: 20 }, () => 'no-answer' as const), maxEvents: 40 }).steps) {
        for (const t of st.trace) {
          const node = t.kind === 'enter' ? nodes.find((n) => n.id === t.node) : undefined;
          if (!node || !node.data.screen || (node.type !== 'transfer' && node.type !== 'roundRobin') || dialsSeen.has(node.id) || !legs) continue;
          dialsSeen.add(node.id);
          for (const callee of calleeLists(node)) out.push({ name: `${label}, ${node.id} after ${legs} unanswered: ${callee.join(',')}`, at, script: { digits, callee: [...Array.from({ length: legs }, () => 'no-answer'), ...callee] } });
        }
        for (const i of st.instructions) if (i.verb === 'dial') legs += i.targets.length;
      }
    }
  }
  // A caller on each block list entry, refused before anything answers (the reject kind).
  for (const from of blockedCallers(nodes)) out.push({ name: `${INSTANTS[0]!.slice(0, 16)} blocked caller ${from}`, at: INSTANTS[0]!, script: { digits: [], from } });
  // Each menu phrase said instead of pressed, at the first instant the menu is reached.
  for (const m of speechMenus) {
    const at = INSTANTS.find((i) => enginePath(flow, i, { digits: [] }).includes(`>${m.id}`));
    if (!at) continue;
    for (const phrase of Object.keys(m.data.speech)) out.push({ name: `${at.slice(0, 16)} says "${phrase}" at ${m.id}`, at, script: { digits: [''], speech: [phrase, MESSAGE] }, speech: true });
  }
  out.push(...aiScenarios(flow, nodes));
  return [...out, ...outboundScenarios(flow, nodes, digitScripts)];
}

/**
 * For a flow with AI gathers: results whose text fields hold each word the flow's branches test for (an `eq` /
 * `in` / `startsWith` value, a plain alternative of a `matches` pattern) and one no branch knows, a result missing a
 * required field, one of the wrong type, and nothing usable; each with every AI Assistant outcome. One per path.
 */
function aiScenarios(flow: Flow, nodes: Node[]): Scenario[] {
  const gathers = nodes.filter((n) => n.type === 'aiGather');
  if (!gathers.length) return [];
  const words = new Set(['something else']);
  for (const b of nodes.filter((n) => n.type === 'branch')) for (const r of b.data.rules ?? []) {
    const v = r.when?.value;
    const vals = Array.isArray(v) ? v : r.when?.op === 'matches' ? String(v).replace(/^\(\?i\)/, '').split('|') : r.when?.op === 'in' ? String(v).split(',') : [String(v)];
    for (const w of vals) if (/^[\w ]+$/.test(w.trim())) words.add(w.trim());
  }
  const fieldsOf = (n: Node) => (n.data.fields ?? []) as { name: string; type?: string; required?: boolean }[];
  const sample = (word: string) => Object.fromEntries(gathers.flatMap(fieldsOf).map((f) => [f.name, f.type === 'number' ? 1 : f.type === 'boolean' ? true : f.type === 'date' ? '2026-01-02' : word]));
  const required = gathers.flatMap(fieldsOf).find((f) => f.required !== false)?.name;
  const results: unknown[] = [...[...words].map((w) => ({ result: sample(w) })), { failed: true }];
  if (required) {
    const { [required]: _gone, ...missing } = sample('x');
    results.push({ result: missing }, { result: { ...sample('x'), [required]: 42 } });
  }
  const assistants: ('done' | 'failed' | 'hangup')[][] = nodes.some((n) => n.type === 'aiAssistant') ? [['done'], ['failed'], ['hangup']] : [[]];
  const out: Scenario[] = [];
  const seen = new Set<string>();
  const at = INSTANTS[0]!;
  for (const r of results) for (const assistant of assistants) {
    const script = { ai: gathers.map(() => r), ...(assistant.length ? { assistant } : {}) };
    const key = enginePath(flow, at, script).join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: `${at.slice(0, 16)} ai ${JSON.stringify(r)}${assistant.length ? `, assistant ${assistant[0]}` : ''}`, at, script });
  }
  return out;
}

/** Vars an outbound parity call starts with. */
export const OUTBOUND_VARS = { name: 'Sam', when: 'tomorrow at 3 pm' };

/**
 * A flow that asks who answered (answeredBy) is one that calls out: a person pressing each key (one per distinct
 * path), a machine, nobody answering, a busy line, placed with POST /api/calls at the first instant.
 */
function outboundScenarios(flow: Flow, nodes: Node[], digitScripts: string[][]): Scenario[] {
  if (!nodes.some((n) => n.type === 'answeredBy')) return [];
  const at = INSTANTS[0]!;
  const out: Scenario[] = [];
  const seen = new Set<string>();
  for (const digits of digitScripts) {
    const key = simulate(flow, { at, mode: 'texml', digits, maxEvents: 40, outbound: { vars: OUTBOUND_VARS, amd: 'human' } }).steps.flatMap((st) => pathOf(st.trace)).join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: `outbound to a person, digits [${digits.join(',')}]`, at, script: { digits }, outbound: { answeredBy: 'human' } });
  }
  for (const who of ['machine', 'no-answer', 'busy'] as const) out.push({ name: `outbound to ${who === 'machine' ? 'a machine' : who}`, at, script: {}, outbound: { answeredBy: who } });
  return out;
}

/** The flow with every ring-a-team node set to `strategy` (a variant to run the team scenarios on). */
export function withStrategy<T extends { id: string; name?: string; nodes: Node[] }>(doc: T, strategy: string): T {
  return { ...doc, id: `${doc.id}-${strategy.replace(/_/g, "-")}`, name: `${doc.name ?? doc.id} (${strategy})`, nodes: doc.nodes.map((n) => (n.type === 'roundRobin' ? { ...n, data: { ...n.data, strategy } } : n)) };
}
