/**
 * fast-check arbitraries for the property tests: whole flows of every node
 * kind, wired at random, with a `{{template}}` in every text field a kind has
 * (prompts, invalid prompts, greetings, URLs, destinations, caller ids, SMS
 * fields, branch values, variable values). Test-only (imports fast-check).
 */
import fc from 'fast-check';
import { kindOf, NODE_TYPES, type NodeType } from './nodes/index.js';
import { parseFlow, type Flow } from './schema.js';

/** Every name a template can use, a few unknown ones and odd spacing included. */
export const TOKENS = [
  '{{caller.from}}', '{{caller.to}}', '{{call.id}}', '{{call.direction}}', '{{vars.account}}', '{{vars.x}}', '{{vars.missing}}',
  '{{company.name}}', '{{company.nope}}', '{{now}}', '{{now.iso}}', '{{now.date}}', '{{now.time}}', '{{now.weekday}}', '{{ vars.account }}', '{{nothing.at.all}}',
];

// Text around the templates: anything but braces, so every `{{` in a flow is one of ours.
const filler = fc.string({ maxLength: 12, unit: fc.string({ minLength: 1, maxLength: 1 }).filter((c) => c !== '{' && c !== '}') });

/** Text with at least one template in it (maybe several, maybe one repeated). */
export const templated: fc.Arbitrary<string> = fc
  .array(fc.tuple(filler, fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 3 })
  .chain((parts) => filler.map((tail) => parts.map(([a, t]) => a + t).join('') + tail));

const url = fc.constantFrom('{{vars.x}}', 'https://cf.example/{{caller.from}}.mp3', 'https://cf.example/a.mp3?c={{call.id}}&n={{now.iso}}');
const destination = fc.constantFrom('{{caller.from}}', '{{vars.account}}', '{{vars.missing}}', '{{caller.to}}');
const prompt = fc.oneof({ weight: 3, arbitrary: templated.map((text) => ({ text })) }, { weight: 1, arbitrary: url.map((u) => ({ url: u })) });
/** A dial's call screening (transfer, ring a team): a templated whisper, any key, with or without a keypress. */
const screen = fc.record({ whisper: prompt, requireKeypress: fc.boolean(), acceptKey: fc.constantFrom('1', '#', '*', '0'), timeoutSeconds: fc.integer({ min: 1, max: 30 }) }, { requiredKeys: ['whisper'] });

/**
 * `data` for each kind, every text field templated. Fields that are not text a caller hears or a
 * value the flow uses (variable names, keys, timings, hours) keep plain valid values.
 */
export const DATA: Record<NodeType, fc.Arbitrary<unknown>> = {
  say: fc.record({ text: templated, loop: fc.integer({ min: 1, max: 3 }) }),
  play: fc.record({ url }),
  menu: fc.record({
    prompt, invalidPrompt: prompt, options: fc.record({ '1': templated, '2': templated }),
    maxRetries: fc.integer({ min: 0, max: 2 }), speech: fc.constant({ sales: '1' }),
  }),
  collect: fc.record({
    prompt, invalidPrompt: prompt, variable: fc.constantFrom('account', 'x'),
    pattern: fc.constantFrom('\\d{1,6}', '(\\d+)+', '[0-9]*#?'), maxRetries: fc.integer({ min: 0, max: 2 }),
  }, { requiredKeys: ['prompt', 'invalidPrompt', 'variable'] }),
  businessHours: fc.constant({ weekly: { mon: [{ open: '08:00', close: '17:00' }] }, holidays: [{ date: '2026-12-25', name: 'Christmas' }] }),
  roundRobin: fc.record({
    members: fc.tuple(destination, destination).map(([a, b]) => [{ id: 'a', name: 'A', to: a }, { id: 'b', name: 'B', to: b }]),
    strategy: fc.constantFrom('round_robin', 'sequential', 'simultaneous', 'longest_idle'), callerId: templated, screen,
  }, { requiredKeys: ['members', 'strategy', 'callerId'] }),
  transfer: fc.record({ to: destination, callerId: templated, screen }, { requiredKeys: ['to', 'callerId'] }),
  voicemail: fc.record({ greeting: prompt, mailbox: fc.constantFrom('main', 'sales') }),
  sms: fc.record({ to: destination, from: destination, text: templated, mediaUrls: fc.array(url, { minLength: 1, maxLength: 2 }) }),
  branch: fc.record({
    rules: fc.array(fc.record({
      port: fc.constantFrom('a', 'b'),
      when: fc.record({ var: fc.constantFrom('vars.x', 'caller.from', '{{vars.account}}'), op: fc.constantFrom('eq', 'neq', 'startsWith', 'in', 'matches', 'lt', 'gt'), value: templated }),
    }), { maxLength: 2 }),
  }),
  setVariable: fc.record({ name: fc.constantFrom('x', 'account'), value: templated }),
  hangup: fc.constant({}),
  httpRequest: fc.record({
    method: fc.constantFrom('GET', 'POST'), url: fc.constantFrom('https://api.cf.example/o/{{vars.account}}?from={{caller.from}}', '{{vars.x}}'),
    headers: fc.record({ 'X-Caller': templated }), body: templated, vars: fc.constant({ x: 'data.x', account: 'items[0].id' }), hold: prompt,
  }),
  aiGather: fc.record({
    fields: fc.constant([{ name: 'name', description: 'The caller\'s name' }, { name: 'x', description: 'A number', type: 'number', required: false }]),
    greeting: templated,
  }),
  aiAssistant: fc.record({ assistantId: fc.constant('assistant-1'), greeting: templated, instructions: templated, variables: fc.constant(['x', 'account']) }),
  keywords: fc.constant({ options: [{ port: 'a', keywords: ['1', 'HOURS'] }, { port: 'b', keywords: ['2'] }] }),
  waitForReply: fc.record({ timeoutMinutes: fc.integer({ min: 1, max: 120 }) }),
  pause: fc.record({ seconds: fc.integer({ min: 1, max: 180 }) }),
  recordCall: fc.record({ consent: prompt, channels: fc.constantFrom('single', 'dual') }, { requiredKeys: ['channels'] }),
  subflow: fc.constant({ flow: 'verify-caller', returns: ['done', 'failed'] }),
  return: fc.constantFrom({ port: 'done' }, { port: 'failed' }),
  reject: fc.record({ reason: fc.constantFrom('rejected', 'busy'), callers: fc.constantFrom(['+13125550147'], ['+1312*'], ['anonymous', '+1900*']) }, { requiredKeys: ['reason'] }),
  answeredBy: fc.record({ afterGreeting: fc.boolean() }),
  queue: fc.record({
    members: fc.tuple(destination, destination).map(([a, b]) => [{ id: 'a', name: 'A', to: a }, { id: 'b', name: 'B', to: b }]),
    strategy: fc.constantFrom('sequential', 'simultaneous', 'longest_idle'), callerId: templated, music: url,
    callback: fc.boolean(), maxWaitSeconds: fc.constantFrom(30, 120), announceEverySeconds: fc.constantFrom(10, 30),
  }),
};

/** A flow of 1-6 nodes of any kinds, each port wired to a random node or left unwired; the first node starts. */
export const flowArb: fc.Arbitrary<Flow> = fc
  .array(fc.constantFrom(...NODE_TYPES).chain((type) => DATA[type].map((data) => ({ type, data }))), { minLength: 1, maxLength: 6 })
  .chain((nodes) => fc.array(fc.integer({ min: -1, max: nodes.length - 1 }), { minLength: 40, maxLength: 40 }).map((targets) => {
    let t = 0;
    const edges = nodes.flatMap((n, i) => kindOf(n.type)!.ports(kindOf(n.type)!.schema.parse(n.data)).flatMap((port) => {
      const to = targets[t++ % targets.length]!;
      return to < 0 ? [] : [{ id: `n${i}-${port}`, source: `n${i}`, sourceHandle: port, target: `n${to}` }];
    }));
    return parseFlow({
      format: 'callflow/1', id: 'generated', name: 'Generated', timezone: 'America/Chicago', start: 'n0',
      nodes: nodes.map((n, i) => ({ id: `n${i}`, type: n.type, position: { x: 0, y: i * 100 }, data: n.data })), edges,
    });
  }));
