import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../schema.js';
import { simulate } from '../simulate.js';
import { lintFlow } from '../lint.js';
import { step } from '../step.js';
import { answeredByOf } from './answered-by.js';
import { CALLED, CALLER, flowOf, portsOf, verbsOf } from './test-kit.js';
import type { AmdEnv, EngineEvent, Env, Snapshot, StepResult } from '../types.js';

/*
 *  who(answeredBy) ─human→   hi(say "Hi {{vars.name}}")
 *                  ├machine→ msg(say "Message for {{vars.name}}")
 *                  └unknown→ huh(say "Hello?")
 */
const flow = (afterGreeting = true) => flowOf(
  [
    { id: 'who', type: 'answeredBy', data: { afterGreeting } },
    { id: 'hi', type: 'say', data: { text: 'Hi {{vars.name}} ({{vars.answeredBy}})' } },
    { id: 'msg', type: 'say', data: { text: 'Message for {{vars.name}}' } },
    { id: 'huh', type: 'say', data: { text: 'Hello?' } },
  ],
  [['who', 'human', 'hi'], ['who', 'machine', 'msg'], ['who', 'unknown', 'huh']],
);
const outbound: EngineEvent = { type: 'call.started', from: CALLED, to: CALLER, callId: 'out-1', direction: 'outbound', vars: { name: 'Ana' } };
const env = (mode: Env['mode'], amd?: AmdEnv): Env => ({ now: '2026-11-23T15:00:00Z', mode, ...(amd ? { amd } : {}) });
const pending: AmdEnv = { result: null, greeting: null, greetingReported: true };

/** Steps an outbound call through `events`, the env changing as the server's call log would (`envs[i]` for event i). */
function run(f: ReturnType<typeof flow>, envs: Env[], events: EngineEvent[]): StepResult[] {
  const out = [step(f, null, outbound, envs[0]!)];
  events.forEach((ev, i) => out.push(step(f, JSON.parse(JSON.stringify(out.at(-1)!.snapshot)) as Snapshot, ev, envs[i + 1] ?? envs.at(-1)!)));
  return out;
}

describe('answeredBy', () => {
  it.each(['texml', 'call-control'] as const)('%s: a result known at the start (TeXML sync AMD) picks the port at once, vars from the call', (mode) => {
    const [human] = run(flow(), [env(mode, { result: 'human', greeting: null, greetingReported: true })], []);
    expect(portsOf(human!)[0]).toBe('who:human');
    expect(human!.instructions[0]).toMatchObject({ verb: 'say', text: 'Hi Ana (human)' });
    expect(human!.snapshot.context.vars).toEqual({ name: 'Ana', answeredBy: 'human' });
    const [machine] = run(flow(), [env(mode, { result: 'machine_end_beep', greeting: 'machine_end_beep', greetingReported: true })], []);
    expect(portsOf(machine!)[0]).toBe('who:machine');
  });

  it('an inbound call (no detection) leaves by unknown at once', () => {
    const [r] = run(flow(), [env('call-control')], []);
    expect(portsOf(r!)[0]).toBe('who:unknown');
    expect(r!.snapshot.context.vars.answeredBy).toBe('unknown');
  });

  it('waits for the AMD result when it has not arrived, then a person goes to human', () => {
    const [start, after] = run(flow(), [env('call-control', pending), env('call-control', { ...pending, result: 'human' })], [{ type: 'amd.ended', result: 'human' }]);
    expect(start!.snapshot.value).toBe('who');
    expect(verbsOf(start!)).toEqual([]);
    expect(start!.waiting).toBe(true);
    expect(portsOf(after!)[0]).toBe('who:human');
  });

  it('a machine waits for its greeting to end (then machine); a stray prompt event changes nothing', () => {
    const envs = [env('call-control', pending), env('call-control', { ...pending, result: 'machine' }), env('call-control', { ...pending, result: 'machine' }), env('call-control', { result: 'machine', greeting: 'beep_detected', greetingReported: true })];
    const [, detected, stray, greeted] = run(flow(), envs, [{ type: 'amd.ended', result: 'machine' }, { type: 'prompt.ended' }, { type: 'amd.greeting.ended', result: 'beep_detected' }]);
    expect(detected!.snapshot.value).toBe('who');
    expect(portsOf(detected!)).toEqual([]);
    expect(stray!.trace).toEqual([]);
    expect(portsOf(greeted!)[0]).toBe('who:machine');
    expect(greeted!.instructions[0]).toMatchObject({ verb: 'say', text: 'Message for Ana' });
  });

  it('afterGreeting false, or a detection mode that never reports a greeting: machine at once', () => {
    const [, now] = run(flow(false), [env('call-control', pending)], [{ type: 'amd.ended', result: 'machine' }]);
    expect(portsOf(now!)[0]).toBe('who:machine');
    const noGreeting = { result: null, greeting: null, greetingReported: false };
    const [, plain] = run(flow(), [env('call-control', noGreeting)], [{ type: 'amd.ended', result: 'machine' }]);
    expect(portsOf(plain!)[0]).toBe('who:machine');
  });

  it('a greeting that already ended before the node was entered does not wait', () => {
    const [r] = run(flow(), [env('call-control', { result: 'machine', greeting: 'ended', greetingReported: true })], []);
    expect(portsOf(r!)[0]).toBe('who:machine');
  });

  it('maps Telnyx results to ports', () => {
    expect(['human', 'human_residence', 'human_business'].map(answeredByOf)).toEqual(['human', 'human', 'human']);
    expect(['machine', 'machine_end_beep', 'machine_end_silence', 'fax_detected'].map(answeredByOf)).toEqual(['machine', 'machine', 'machine', 'machine']);
    expect(['not_sure', 'silence', '', null].map(answeredByOf)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('not_sure while waiting goes to unknown; vars of call.started are bounded like every variable', () => {
    const [, r] = run(flow(), [env('call-control', pending)], [{ type: 'amd.ended', result: 'not_sure' }]);
    expect(portsOf(r!)[0]).toBe('who:unknown');
    const long = step(flow(), null, { ...outbound, vars: { name: 'x'.repeat(5000) } } as EngineEvent, env('texml'));
    expect(long.snapshot.context.vars.name).toHaveLength(4096);
    expect(long.trace).toContainEqual(expect.objectContaining({ kind: 'truncated', variable: 'name' }));
  });
});

describe('answeredBy in the simulator (an outbound call with a scripted AMD result)', () => {
  const reminder = parseFlow(JSON.parse(readFileSync(new URL('../../flows/appointment-reminder.json', import.meta.url), 'utf8')));
  const ports = (steps: { trace: StepResult['trace'] }[]) => steps.flatMap((st) => st.trace.flatMap((t) => (t.kind === 'port' ? [`${t.node}.${t.port}`] : [])));
  it.each(['texml', 'call-control'] as const)('%s: a person presses 1, a machine gets the message, the same way in both modes', (mode) => {
    const human = simulate(reminder, { at: '2026-11-23T10:00:00-06:00', mode, digits: ['1'], outbound: { vars: { name: 'Ana', when: 'at 3' }, amd: 'human' } });
    expect(ports(human.steps)).toEqual(['who.human', 'ask.1', 'confirmed.next', 'receipt.next', 'thanks.next']);
    expect(human.steps.flatMap((st) => st.instructions).find((i) => i.verb === 'sms')).toMatchObject({ text: 'Thanks Ana, your appointment at 3 is confirmed.' });
    const machine = simulate(reminder, { at: '2026-11-23T10:00:00-06:00', mode, outbound: { vars: { name: 'Ana', when: 'at 3' }, amd: 'machine' } });
    expect(ports(machine.steps)).toEqual(['who.machine', 'message.next']);
    const inbound = simulate(reminder, { at: '2026-11-23T10:00:00-06:00', mode, digits: ['2'] });
    expect(ports(inbound.steps).slice(0, 2)).toEqual(['who.unknown', 'ask.2']);
  });
});

describe('answeredBy lint', () => {
  const doc = (afterGreeting: boolean, wireMachine: boolean) => ({
    format: 'callflow/1', id: 'lint', name: 'Lint', timezone: 'America/Chicago', start: 'who',
    nodes: [
      { id: 'who', type: 'answeredBy', position: { x: 0, y: 0 }, data: { afterGreeting } },
      { id: 'hi', type: 'say', position: { x: 0, y: 100 }, data: { text: 'Hi' } },
    ],
    edges: [
      { id: 'h', source: 'who', sourceHandle: 'human', target: 'hi' }, { id: 'u', source: 'who', sourceHandle: 'unknown', target: 'hi' },
      ...(wireMachine ? [{ id: 'm', source: 'who', sourceHandle: 'machine', target: 'hi' }] : []),
    ],
  });
  it('every port must be wired (an inbound-only flow too: its calls leave by unknown, a dialled one may not)', () => {
    const f = lintFlow(doc(true, false));
    expect(f).toContainEqual(expect.objectContaining({ code: 'unwired-port', node: 'who', port: 'machine', message: 'The answered-by check "who" has no path for when an answering machine answers.' }));
    expect(lintFlow(doc(true, true)).filter((x) => x.node === 'who')).toEqual([]);
  });
  it('a machine port taken before the greeting ends is a warning at afterGreeting', () => {
    expect(lintFlow(doc(false, true))).toContainEqual(expect.objectContaining({ code: 'answeredBy.beforeBeep', severity: 'warning', node: 'who' }));
  });
});
