import { describe, expect, it } from 'vitest';
import { aiGather } from './ai-gather.js';
import { decodeBase64Result, parametersOf, varsOf, type AiField } from './ai-fields.js';
import { first, flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import { renderTexml } from '../texml.js';
import { toCommands } from '../call-control.js';
import { lintFlow } from '../lint.js';
import { simulate } from '../simulate.js';
import type { EngineEvent, Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };

const fields: AiField[] = [
  { name: 'name', description: 'The caller\'s name', type: 'string', required: true },
  { name: 'party', description: 'How many people', type: 'number', required: true },
  { name: 'vip', description: 'A member?', type: 'boolean', required: false },
  { name: 'day', description: 'Which day', type: 'date', required: false },
];

/*
 *  ask(aiGather) --ok--> thanks(say "Thanks {{vars.name}}")
 *                --failed--> sorry(say)
 */
const flow = flowOf(
  [
    { id: 'ask', type: 'aiGather', data: { fields, greeting: 'Hello {{caller.from}}, your name and party size?' } },
    { id: 'thanks', type: 'say', data: { text: 'Thanks {{vars.name}}, table for {{vars.party}}' } },
    { id: 'sorry', type: 'say', data: { text: 'Let me get a person.' } },
  ],
  [['ask', 'ok', 'thanks'], ['ask', 'failed', 'sorry']],
);

const gathered = (result?: Record<string, unknown>, status: 'valid' | 'invalid' = 'valid'): EngineEvent => ({ type: 'ai.gathered', status, ...(result ? { result: result as never } : {}) });

describe('aiGather', () => {
  it.each([['texml', texml], ['call-control', cc]] as const)('%s: asks with the fields as a JSON Schema and waits', (_m, env) => {
    const [r] = runCall(flow, env, []);
    expect(r!.waiting).toBe(true);
    expect(first(r!, 'aiGather')).toEqual({
      verb: 'aiGather', node: 'ask', seq: 1, timeoutSeconds: 10, greeting: 'Hello +13125550147, your name and party size?',
      parameters: {
        type: 'object', required: ['name', 'party'],
        properties: {
          name: { type: 'string', description: 'The caller\'s name' }, party: { type: 'number', description: 'How many people' },
          vip: { type: 'boolean', description: 'A member?' }, day: { type: 'string', format: 'date', description: 'Which day (as YYYY-MM-DD)' },
        },
      },
    });
  });

  it('a complete, well-typed result leaves by ok with every field a variable (numbers, booleans, dates as text)', () => {
    const [, r] = runCall(flow, cc, [gathered({ name: '  Sam Lee ', party: 4, vip: false, day: '2026-12-24', extra: 'dropped' })]);
    expect(portsOf(r!)).toContain('ask:ok');
    expect(r!.snapshot.context.vars).toEqual({ name: 'Sam Lee', party: '4', vip: 'false', day: '2026-12-24' });
    expect(first(r!, 'say').text).toBe('Thanks Sam Lee, table for 4');
  });

  it('optional fields may be missing or null; they then set nothing', () => {
    const [, r] = runCall(flow, texml, [gathered({ name: 'Sam', party: 2, vip: null })]);
    expect(portsOf(r!)).toContain('ask:ok');
    expect(r!.snapshot.context.vars).toEqual({ name: 'Sam', party: '2' });
  });

  it.each([
    ['a required field is missing', { name: 'Sam' }],
    ['a required string is blank', { name: '  ', party: 2 }],
    ['a number given as text', { name: 'Sam', party: 'four' }],
    ['a number given as a numeric string', { name: 'Sam', party: '4' }],
    ['a boolean given as text', { name: 'Sam', party: 2, vip: 'yes' }],
    ['a date that is not YYYY-MM-DD', { name: 'Sam', party: 2, day: 'next Friday' }],
    ['an impossible date', { name: 'Sam', party: 2, day: '2026-02-30' }],
    ['a field holding an object (bounded to null)', { name: null, party: 2 }],
  ])('%s → failed, no variable set', (_what, result) => {
    const [, r] = runCall(flow, cc, [gathered(result)]);
    expect(portsOf(r!)).toContain('ask:failed');
    expect(r!.snapshot.context.vars).toEqual({});
    expect(first(r!, 'say').text).toBe('Let me get a person.');
  });

  it('status invalid (caller gave up, timed out) and a missing result go to failed', () => {
    expect(portsOf(runCall(flow, texml, [gathered({ name: 'Sam', party: 2 }, 'invalid')])[1]!)).toContain('ask:failed');
    expect(portsOf(runCall(flow, texml, [gathered(undefined)])[1]!)).toContain('ask:failed');
  });

  it('ignores events that are not its own, and the caller hanging up ends the call', () => {
    const [, r] = runCall(flow, cc, [{ type: 'input.digits', digits: '1' }]);
    expect(r!.waiting).toBe(true);
    expect(verbsOf(r!)).toEqual([]);
    expect(runCall(flow, cc, [{ type: 'call.ended', cause: 'normal_clearing' }])[1]!.waiting).toBe(false);
  });

  it('TeXML: <AIGather action method="POST"> with Greeting and the JSON Schema in a CDATA <Parameters>', () => {
    const [r] = runCall(flowOf([{ id: 'ask', type: 'aiGather', data: { fields: [{ name: 'q', description: 'Say ]]> & <b>' }], greeting: 'Hi & welcome', voice: 'Telnyx.NaturalHD.Astra' } }], []), texml, []);
    const xml = renderTexml(r!.instructions, { action: () => 'https://cf.example/webhooks/texml/aiGather-ask-1' });
    expect(xml).toContain('<AIGather action="https://cf.example/webhooks/texml/aiGather-ask-1" method="POST"><Greeting>Hi &amp; welcome</Greeting><Voice name="Telnyx.NaturalHD.Astra"/><Parameters><![CDATA[');
    // `]]>` in a description is split across two CDATA sections, so the JSON reads back whole.
    const cdata = [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1]).join('');
    expect(JSON.parse(cdata)).toEqual(parametersOf([{ name: 'q', description: 'Say ]]> & <b>', type: 'string', required: true }]));
    expect(xml).not.toContain('<Hangup');
  });

  it('Call Control: one gather_using_ai with parameters, greeting, a bare language code and the timeout in ms', () => {
    const [r] = runCall(flowOf([{ id: 'ask', type: 'aiGather', data: { fields, greeting: 'Hi', language: 'es-MX', timeoutSeconds: 20 } }], []), cc, []);
    const [cmd, ...rest] = toCommands(r!.instructions, { callId: 'c1', flowId: 'f' });
    expect(rest).toEqual([]);
    expect(cmd!.action).toBe('gather_using_ai');
    expect(cmd!.body).toMatchObject({ greeting: 'Hi', language: 'es', user_response_timeout_ms: 20000, parameters: parametersOf(fields) });
    // A language gather_using_ai does not list is left out (Telnyx would answer 422).
    const [r2] = runCall(flowOf([{ id: 'ask', type: 'aiGather', data: { fields, language: 'tlh-KLINGON' } }], []), cc, []);
    expect(toCommands(r2!.instructions, { callId: 'c1', flowId: 'f' })[0]!.body).not.toHaveProperty('language');
  });

  it('maps Telnyx callbacks to its event: TeXML Base64Result (wrapped as published, or bare), CC call.ai_gather.ended', () => {
    const spec = aiGather.instructions!.aiGather!;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
    expect(spec.texmlEvent({ Status: 'valid', Base64Result: b64({ status: 'valid', result: { name: 'Sam' } }) })).toEqual(gathered({ name: 'Sam' }));
    expect(spec.texmlEvent({ Status: 'valid', Base64Result: b64({ name: 'Sam', party: 3 }) })).toEqual(gathered({ name: 'Sam', party: 3 }));
    expect(spec.texmlEvent({ Status: 'invalid' })).toEqual(gathered(undefined, 'invalid'));
    expect(spec.texmlEvent({ Status: 'valid', Base64Result: 'not base64 json!' })).toEqual(gathered(undefined));
    expect(spec.texmlEvent({})).toEqual(gathered(undefined, 'invalid'));
    expect(spec.ccEvents['call.ai_gather.ended']!({ status: 'valid', result: { name: 'Sam', nested: { a: 1 } } })).toEqual(gathered({ name: 'Sam', nested: null }));
    expect(spec.ccEvents['call.ai_gather.ended']!({ status: 'invalid' })).toEqual(gathered(undefined, 'invalid'));
    // The call.conversation.ended that follows a gather_using_ai is not its answer (the server test sends one).
    expect(spec.ccEvents['call.conversation.ended']).toBeUndefined();
  });

  it('bounds what Telnyx sends before it goes into an event (keys, string length, nesting)', () => {
    const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'x'.repeat(10_000)]));
    const r = decodeBase64Result(Buffer.from(JSON.stringify(big)).toString('base64'))!;
    expect(Object.keys(r)).toHaveLength(64);
    expect((r.k0 as string).length).toBe(4096);
    expect(decodeBase64Result(Buffer.from('[1,2]').toString('base64'))).toBeUndefined();
    expect(varsOf(fields, 'a string')).toEqual({ problem: 'not an object' });
    expect(varsOf(fields, { name: 'x' })).toEqual({ problem: 'party: missing' });
  });

  it('the simulator plays scripted results in order, and without one the AI gives up', () => {
    const run = (ai: unknown[]) => simulate(flow, { at: texml.now, mode: 'call-control', ai: ai as never, hangupWhenDone: false });
    const ok = run([{ result: { name: 'Sam', party: 2 } }]);
    expect(ok.steps.flatMap(portsOf)).toContain('ask:ok');
    expect(ok.steps.at(-1)!.snapshot.context.vars).toEqual({ name: 'Sam', party: '2' });
    expect(run([{ failed: true }]).steps.flatMap(portsOf)).toContain('ask:failed');
    expect(run([{ result: { name: 'Sam' } }]).steps.flatMap(portsOf)).toContain('ask:failed');
    expect(run([]).steps.flatMap(portsOf)).toContain('ask:failed');
  });

  it('lint: no fields, duplicate names, a name another step sets, invalid names (schema), none required', () => {
    const lint = (data: unknown, extra: unknown[] = []) => lintFlow({
      format: 'callflow/1', id: 'l', name: 'L', timezone: 'UTC', start: 'ask',
      nodes: [{ id: 'ask', type: 'aiGather', position: { x: 0, y: 0 }, data }, ...extra], edges: [],
    });
    const codes = (data: unknown, extra?: unknown[]) => lint(data, extra).map((f) => f.code).filter((c) => c.startsWith('aiGather') || c === 'schema');
    expect(lint({ fields: [] }).find((f) => f.code === 'aiGather.no-fields')).toMatchObject({ severity: 'error', path: ['nodes', 0, 'data', 'fields'] });
    expect(lint({ fields: [{ name: 'a', description: 'x' }, { name: 'a', description: 'y' }] }).find((f) => f.code === 'aiGather.duplicate-field')).toMatchObject({ severity: 'error', path: ['nodes', 0, 'data', 'fields', 1, 'name'] });
    const setter = { id: 'set', type: 'setVariable', position: { x: 0, y: 100 }, data: { name: 'reason', value: 'x' } };
    const collide = lint({ fields: [{ name: 'reason', description: 'why' }] }, [setter]).find((f) => f.code === 'aiGather.var-collision');
    expect(collide).toMatchObject({ severity: 'warning', path: ['nodes', 0, 'data', 'fields', 0, 'name'] });
    expect(collide!.message).toContain('the variable step');
    const bad = lint({ fields: [{ name: 'full name', description: 'x' }] });
    expect(bad[0]).toMatchObject({ severity: 'error', path: ['nodes', 0, 'data', 'fields', 0, 'name'] });
    expect(codes({ fields: [{ name: 'a', description: 'x', required: false }] })).toContain('aiGather.none-required');
    expect(codes(aiGather.example)).toEqual([]);
  });

  it('cost: the greeting plus the conversation, counted as AI seconds too', () => {
    const d = aiGather.schema.parse(aiGather.example);
    expect(aiGather.cost(d, 'ok').aiSeconds).toBe(aiGather.cost(d, 'ok').seconds);
    expect(aiGather.cost(d, 'failed').seconds).toBeGreaterThan(aiGather.cost(d, 'ok').seconds!);
  });
});
