import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseFlow, type Flow } from './schema.js';
import { step } from './step.js';
import { renderTexml } from './texml.js';
import { toCommands } from './call-control.js';
import type { EngineEvent, Env, Instruction, Mode, Snapshot } from './types.js';
import { isOwn, ownVerb } from './own-verbs.js';
import { DATA, flowArb } from './property-kit.js';
import { kindOf, NODE_TYPES } from './nodes/index.js';

const dir = new URL('../flows/', import.meta.url);
const flows: Flow[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
  .map((f) => parseFlow(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))));

const STEP_LIMIT = 100;
const urls = { action: (i: { verb: string; node: string; seq: number }) => `https://cf.example/webhooks/texml/${i.verb}-${i.node}-${i.seq}` };

/** Any event a caller or Telnyx could send, including odd text. */
const eventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
  fc.record({ type: fc.constant('input.digits' as const), digits: fc.stringMatching(/^[0-9*#]{0,8}$/) }),
  fc.record({ type: fc.constant('input.digits' as const), digits: fc.string({ maxLength: 6 }) }),
  fc.record({ type: fc.constant('input.speech' as const), text: fc.oneof(fc.constantFrom('sales', 'support please', 'leave a MESSAGE'), fc.string()), confidence: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.constant({ type: 'input.timeout' as const }),
  fc.constant({ type: 'prompt.ended' as const }),
  fc.record({ type: fc.constant('dial.ended' as const), status: fc.constantFrom('connected' as const, 'no-answer' as const, 'busy' as const, 'failed' as const), seconds: fc.nat(600) }),
  fc.record({ type: fc.constant('recording.saved' as const), url: fc.webUrl(), seconds: fc.nat(300) }),
  fc.constant({ type: 'recording.empty' as const }),
  fc.record({ type: fc.constant('amd.ended' as const), result: fc.constantFrom('human', 'machine', 'not_sure') }),
  // An AI gather's result is an LLM's: any keys, any values (bounded as the transports bound them).
  fc.record({
    type: fc.constant('ai.gathered' as const), status: fc.constantFrom('valid' as const, 'invalid' as const),
    result: fc.dictionary(fc.oneof(fc.constantFrom('name', 'reason', 'x'), fc.string({ maxLength: 8 })), fc.oneof(fc.string({ maxLength: 20 }), fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 4 }),
  }),
  fc.record({ type: fc.constant('assistant.ended' as const), reason: fc.constantFrom('completed', 'service_error', 'x') }),
);

const envArb = fc.record({
  now: fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2028-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  mode: fc.constantFrom<Mode>('texml', 'call-control'),
});

/** What the caller would do next if they stayed silent and nobody answered: drives any call to its end. */
function patient(snapshot: Snapshot, lastVerbs: string[], lastOwn?: Instruction): EngineEvent {
  const v = lastVerbs.at(-1);
  // A kind's own instruction: what its silent caller brings (an AI gather that gets nothing, an assistant that ends).
  if (lastOwn && v === lastOwn.verb) return ownVerb(v)!.simulate(lastOwn as never, '');
  if (v === 'dial') return { type: 'dial.ended', status: 'no-answer', seconds: 20 };
  if (v === 'record') return { type: 'recording.empty' };
  if (v === 'say' || v === 'play') return { type: 'prompt.ended' };
  void snapshot;
  return { type: 'input.timeout' };
}

describe('every example flow, any sequence of events', () => {
  it.each(flows.map((f) => [f.id, f] as const))('%s: never throws, always well-formed, always ends', (_id, flow) => {
    fc.assert(fc.property(envArb, fc.array(eventArb, { maxLength: 25 }), fc.boolean(), (env: Env, events, hangUp) => callEnds(flow, env, events, hangUp)), { numRuns: 150 });
  });
});

// Issue #11: a templated menu / collect / voicemail prompt threw on every call, and no example flow had one.
describe('generated flows of every kind, a template in every text field', () => {
  it('never throw, are always well-formed, fill every template and always end', () => {
    fc.assert(fc.property(flowArb, envArb, fc.array(eventArb, { maxLength: 12 }), fc.boolean(), (flow, env: Env, events, hangUp) => callEnds(flow, env, events, hangUp, true)), { numRuns: 400 });
  });

  // Fields the engine uses as they are (a voice name, a regex, a mailbox label, a time zone), not text it fills.
  const NOT_FILLED = new Set(['say.voice', 'say.language', 'collect.pattern', 'voicemail.mailbox', 'businessHours.timezone', 'hangup.reason', 'httpRequest.vars', 'aiGather.voice', 'aiGather.language', 'aiAssistant.assistantId', 'queue.voice', 'queue.language']);
  it('covers every field of every kind that takes text', () => {
    for (const type of NODE_TYPES) {
      const kind = kindOf(type)!;
      const shape = (kind.schema as unknown as { shape: Record<string, unknown> }).shape;
      const samples = fc.sample(DATA[type], { numRuns: 30, seed: 7 }) as Record<string, unknown>[];
      for (const key of Object.keys(shape)) {
        const takesText = ['{{caller.from}}', { text: '{{caller.from}}' }].some((v) => kind.schema.safeParse({ ...(kind.example as object), [key]: v }).success);
        if (takesText && !NOT_FILLED.has(`${type}.${key}`)) expect(samples.some((d) => JSON.stringify(d[key] ?? '').includes('{{')), `${type}.${key} is never templated`).toBe(true);
      }
    }
  });
});

/** One call through `flow`: the scripted events, then a patient caller (or a hang-up); checks every step. */
function callEnds(flow: Flow, env: Env, events: EngineEvent[], hangUp: boolean, filled = false): void {
  const e: Env = { ...env, stepLimit: STEP_LIMIT, company: { name: 'Acme', id: 'c1' } };
  let r = step(flow, null, { type: 'call.started', from: '+13125550147', to: '+18445550199', callId: 'prop', direction: 'inbound' }, e);
  const endings: string[] = [];
  let last: string[] = [];
  let lastOwn: Instruction | undefined;
  const check = () => {
    if (r.instructions.length) { last = r.instructions.map((i) => i.verb); lastOwn = r.instructions.filter(isOwn).at(-1); }
    for (const t of r.trace) if (t.kind === 'ended') endings.push(t.reason);
    const entered = r.trace.filter((t) => t.kind === 'enter').length;
    expect(entered).toBeLessThanOrEqual(STEP_LIMIT + 1);
    // Every template was filled: nothing a caller hears, dials or is texted still has `{{` in it.
    if (filled) expect(JSON.stringify(r.instructions)).not.toContain('{{');
    if (e.mode === 'texml') expect(XMLValidator.validate(renderTexml(r.instructions, urls))).toBe(true);
    else for (const c of toCommands(r.instructions, { callId: 'prop', flowId: flow.id })) expect(typeof c.body.command_id).toBe('string');
    // Snapshots are JSON: a round trip changes nothing.
    expect(JSON.parse(JSON.stringify(r.snapshot))).toEqual(r.snapshot);
  };
  check();
  for (const ev of events) {
    if (!r.waiting) break;
    r = step(flow, JSON.parse(JSON.stringify(r.snapshot)) as Snapshot, ev, e);
    check();
  }
  // Then the caller waits patiently (or hangs up): the call must end within a bounded number of events.
  for (let n = 0; n < 40 && r.waiting; n++) {
    const ev: EngineEvent = hangUp ? { type: 'call.ended', cause: 'normal_clearing' } : patient(r.snapshot, last, lastOwn);
    r = step(flow, r.snapshot, ev, e);
    check();
  }
  // A generated flow may loop through a node that waits (a menu that times out into itself) for ever: the caller hangs up.
  if (filled && r.waiting) {
    r = step(flow, r.snapshot, { type: 'call.ended', cause: 'normal_clearing' }, e);
    check();
  }
  expect(r.waiting).toBe(false);
  expect(endings).toHaveLength(1); // ended exactly once, and said how
}
