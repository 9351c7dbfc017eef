import { parseArgs } from 'node:util';
import { SCREEN_ANSWERS, simulate, type ScreenAnswer, type SimStep } from '../../../engine/simulate.js';
import { simulateConversation } from '../../../engine/simulate-sms.js';
import { renderTexml } from '../../../engine/texml.js';
import { toCommands } from '../../../engine/call-control.js';
import type { DialStatus, Mode, TraceEntry } from '../../../engine/types.js';
import type { Flow } from '../../../engine/schema.js';
import { formatFinding, readFlowFile } from '../flow-file.js';
import { aiArgs, assistantArgs } from '../ai-script.js';

export const summary = 'run a flow offline and print each step: callflow simulate FLOW [--digits 1,2] [--at ISO] [--mode texml|call-control]';

const USAGE = `usage: callflow simulate FLOW [--digits 1,2] [--say "text"] [--dial connected,busy] [--screen accept,voicemail] [--at ISO] [--from E164]
                         [--to E164] [--http NODE=ANSWER ...] [--ai JSON|failed|hangup]… [--assistant done,failed,hangup]
                         [--mode texml|call-control] [--json] [--fixture DIR] [--update]
  --http answers an httpRequest node: NODE=200:{"order":{"status":"shipped"}} (status, then the body), NODE=404,
         NODE=timeout or NODE=error; give it again for the same node to answer its next visits in order
       an SMS flow ("channel": "sms"): callflow simulate FLOW --text hello --text 2 [--text -] (- is no reply: the wait times out)`;

/** Base of the action URLs the simulator prints (the server uses PUBLIC_URL). */
export const SIM_BASE_URL = 'https://callflow.example';

/** How one step is rendered for a person or a golden file. */
export function renderStep(flow: Flow, s: SimStep, mode: Mode, base = SIM_BASE_URL): { texml?: string; commands?: ReturnType<typeof toCommands> } {
  if (mode === 'texml') {
    return { texml: renderTexml(s.instructions, { action: (i) => `${base}/webhooks/texml/${i.verb}-${i.node}-${i.seq}`, screen: (i) => `${base}/webhooks/texml/screen-${i.node}-${i.seq}` }) };
  }
  return { commands: toCommands(s.instructions, { callId: s.snapshot.context.call.id || 'sim-call', flowId: flow.id }) };
}

/** `welcome → hours [open] → menu`: the nodes entered and ports taken in a step. */
export function pathOf(trace: TraceEntry[]): string {
  const parts: string[] = [];
  for (const t of trace) {
    if (t.kind === 'enter') parts.push(t.node);
    else if (t.kind === 'port') parts.push(`[${t.port}]`);
    else if (t.kind === 'truncated') parts.push(`(${t.variable ? `vars.${t.variable}` : 'text'} cut at ${t.limit} characters)`);
    else parts.push(`(${t.reason}${t.detail ? `: ${t.detail}` : ''})`);
  }
  return parts.join(' → ').replace(/ → \[/g, ' [');
}

const DIAL_OUTCOMES = ['connected', 'no-answer', 'busy', 'failed'];

/** The caller's script must make sense before anything runs: a clear message, or undefined. */
export function checkScript(v: { digits?: string; dial?: string; screen?: string; from?: string; to?: string }): string | undefined {
  const badDigits = list(v.digits)?.find((d) => !/^[0-9*#]*$/.test(d));
  if (badDigits !== undefined) return `--digits takes keys 0-9, * and # separated by commas (an empty entry is silence), not "${badDigits}"`;
  const badDial = list(v.dial)?.find((d) => !DIAL_OUTCOMES.includes(d));
  if (badDial !== undefined) return `--dial takes ${DIAL_OUTCOMES.join(', ')} separated by commas, not "${badDial}"`;
  const badScreen = list(v.screen)?.find((d) => !(SCREEN_ANSWERS as readonly string[]).includes(d));
  if (badScreen !== undefined) return `--screen takes ${SCREEN_ANSWERS.join(', ')} separated by commas (what each person answering a screened dial does), not "${badScreen}"`;
  for (const k of ['from', 'to'] as const) {
    const n = v[k];
    if (n !== undefined && !/^(\+[1-9]\d{6,14}|sips?:\S+@\S+)$/.test(n)) return `--${k} must be an E.164 number like +13125550100 or a sip: address, not "${n}"`;
  }
  return undefined;
}

/** `--http NODE=ANSWER` options as the simulator's script (`http` by node), or the message for a bad one. */
export function httpAnswers(opts: string[] | undefined): { http?: Record<string, unknown[]> } | { error: string } {
  if (!opts?.length) return {};
  const http: Record<string, unknown[]> = {};
  for (const o of opts) {
    const m = /^([^=]+)=(timeout|error|(\d{3})(?::([\s\S]*))?)$/.exec(o);
    if (!m) return { error: `--http takes NODE=STATUS[:BODY], NODE=timeout or NODE=error (e.g. lookup=200:{"status":"shipped"}), not "${o}"` };
    const answer = m[2] === 'timeout' ? 'timeout' : m[2] === 'error' ? { error: 'the request failed (scripted)' } : { status: Number(m[3]), body: m[4] ?? '' };
    (http[m[1]!] ??= []).push(answer);
  }
  return { http };
}

function list(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim());
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      digits: { type: 'string' }, say: { type: 'string', multiple: true }, dial: { type: 'string' }, screen: { type: 'string' }, http: { type: 'string', multiple: true }, ai: { type: 'string', multiple: true }, assistant: { type: 'string' },
      at: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, mode: { type: 'string' },
      text: { type: 'string', multiple: true },
      json: { type: 'boolean' }, fixture: { type: 'string' }, update: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.fixture) return (await import('../fixture-replay.js')).runFixture(values.fixture, { update: !!values.update, json: !!values.json });
  const file = positionals[0];
  if (!file || values.help) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const mode = (values.mode ?? 'texml') as Mode;
  if (mode !== 'texml' && mode !== 'call-control') {
    process.stderr.write(`--mode must be texml or call-control, not "${values.mode}"\n`);
    return 2;
  }
  const at = values.at ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(at))) {
    process.stderr.write(`--at must be an ISO date and time like 2026-11-23T10:00:00-08:00, not "${at}"\n`);
    return 2;
  }
  const bad = checkScript(values);
  if (bad) {
    process.stderr.write(`${bad}\n`);
    return 2;
  }
  const answers = httpAnswers(values.http);
  const ai = aiArgs(values.ai), assistant = assistantArgs(values.assistant);
  if ('error' in answers || 'error' in ai || 'error' in assistant) {
    process.stderr.write(`${'error' in answers ? answers.error : 'error' in ai ? ai.error : (assistant as { error: string }).error}\n`);
    return 2;
  }
  const { flow, findings } = readFlowFile(file);
  if (!flow) {
    process.stderr.write(`${file} is not a valid callflow/1 flow:\n${findings.map((f) => `  ${formatFinding(f)}`).join('\n')}\n`);
    return 1;
  }
  if (flow.channel === 'sms') return conversation(flow, at, values.from, values.to, values.text, !!values.json);
  const { steps } = simulate(flow, {
    at, mode, from: values.from, to: values.to, digits: list(values.digits), speech: values.say,
    dial: list(values.dial) as DialStatus[] | undefined, screen: list(values.screen) as ScreenAnswer[] | undefined, ...answers, ...ai, ...assistant,
  });
  if (values.json) {
    const out = steps.map((s) => ({ event: s.event, path: pathOf(s.trace), waitingIn: s.waitingIn ?? null, ...renderStep(flow, s, mode) }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${flow.name} (${flow.id}) — ${mode}, at ${at}\n`);
  steps.forEach((s, i) => {
    const { type, ...rest } = s.event;
    const detail = Object.values(rest).filter((v) => v !== undefined).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ');
    process.stdout.write(`\nstep ${i + 1}  ${type}${detail ? ` ${detail}` : ''}\n  path: ${pathOf(s.trace) || '(no node entered)'}\n`);
    const r = renderStep(flow, s, mode);
    if (r.texml) process.stdout.write(`  TeXML:\n${indent(r.texml)}\n`);
    if (r.commands) for (const c of r.commands) process.stdout.write(`  command: ${c.action} ${JSON.stringify(c.body)}\n`);
  });
  const last = steps.at(-1)!;
  const end = last.trace.findLast((t) => t.kind === 'ended');
  process.stdout.write(`\n${last.waiting ? `still waiting in "${last.waitingIn}" (script exhausted)` : `call ended${end && end.kind === 'ended' ? `: ${end.reason}${end.node ? ` at "${end.node}"` : ''}` : ''}`}\n`);
  return 0;
}

/** An SMS flow: a scripted text conversation (engine/simulate-sms.ts), each step's texts and path. */
function conversation(flow: Flow, at: string, from: string | undefined, to: string | undefined, texts: string[] | undefined, json: boolean): number {
  if (!texts?.length) {
    process.stderr.write(`${flow.id} is an SMS flow: give the texter's texts with --text (one per text; --text - is no reply)\n`);
    return 2;
  }
  const { steps } = simulateConversation(flow, { at, from, to, texts: texts.map((t) => (t === '-' ? null : t)) });
  const sent = (s: (typeof steps)[number]) => s.instructions.flatMap((i) => (i.verb === 'sms' ? [`to ${i.to}: ${i.text}`] : i.verb === 'reply.await' ? [`waits ${i.minutes} min for a reply`] : []));
  if (json) {
    process.stdout.write(`${JSON.stringify(steps.map((s) => ({ event: s.event, at: s.at, run: s.run, path: pathOf(s.trace), instructions: s.instructions })), null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${flow.name} (${flow.id}) — text conversation, at ${at}\n`);
  steps.forEach((s, i) => {
    const what = s.event.type === 'message.received' ? `text "${s.event.text}"` : 'no reply (timeout)';
    process.stdout.write(`\nstep ${i + 1}  ${what} at ${s.at} (run ${s.run})\n  path: ${pathOf(s.trace) || '(no node entered)'}\n${sent(s).map((l) => `  ${l}\n`).join('')}`);
  });
  const last = steps.at(-1);
  process.stdout.write(`\n${last?.waiting ? `still waiting in "${last.snapshot.value}" for a reply` : 'conversation ended'}\n`);
  return 0;
}

function indent(xml: string): string {
  return xml.replace(/></g, '>\n<').split('\n').map((l) => `    ${l}`).join('\n');
}
