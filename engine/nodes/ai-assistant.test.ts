import { describe, expect, it } from 'vitest';
import { aiAssistant, assistantFailed } from './ai-assistant.js';
import { first, flowOf, portsOf, runCall } from './test-kit.js';
import { renderTexml } from '../texml.js';
import { toCommands } from '../call-control.js';
import { lintFlow } from '../lint.js';
import { simulate } from '../simulate.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };

/*
 *  note(setVariable name=Sam) --next--> bot(aiAssistant) --done--> bye(say)
 *                                                       --failed--> human(say)
 */
const flow = flowOf(
  [
    { id: 'note', type: 'setVariable', data: { name: 'name', value: 'Sam' } },
    { id: 'bot', type: 'aiAssistant', data: { assistantId: 'assistant-776d', greeting: 'Hi {{vars.name}}', instructions: 'Caller is {{vars.name}}', variables: ['name', 'unset'] } },
    { id: 'bye', type: 'say', data: { text: 'Goodbye.' } },
    { id: 'human', type: 'say', data: { text: 'Let me get a person.' } },
  ],
  [['note', 'next', 'bot'], ['bot', 'done', 'bye'], ['bot', 'failed', 'human']],
);

describe('aiAssistant', () => {
  it.each([['texml', texml], ['call-control', cc]] as const)('%s: hands over with the filled greeting, instructions and the variables the call has', (_m, env) => {
    const [r] = runCall(flow, env, []);
    expect(r!.waiting).toBe(true);
    expect(first(r!, 'assist')).toEqual({ verb: 'assist', node: 'bot', seq: 1, assistantId: 'assistant-776d', greeting: 'Hi Sam', instructions: 'Caller is Sam', variables: { name: 'Sam' } });
  });

  it('TeXML: the greeting is said, then <Connect action> holds <AIAssistant id>', () => {
    const [r] = runCall(flow, texml, []);
    const xml = renderTexml(r!.instructions, { action: () => 'https://cf.example/webhooks/texml/assist-bot-1' });
    expect(xml).toContain('<Say voice="AWS.Polly.Joanna-Neural" language="en-US">Hi Sam</Say><Connect action="https://cf.example/webhooks/texml/assist-bot-1" method="POST"><AIAssistant id="assistant-776d"/></Connect></Response>');
  });

  it('Call Control: ai_assistant_start with the assistant id, instructions, dynamic variables and greeting', () => {
    const [r] = runCall(flow, cc, []);
    const cmds = toCommands(r!.instructions, { callId: 'c1', flowId: 'f' });
    expect(cmds.map((c) => c.action)).toEqual(['ai_assistant_start']);
    expect(cmds[0]!.body).toMatchObject({ greeting: 'Hi Sam', assistant: { id: 'assistant-776d', instructions: 'Caller is Sam', dynamic_variables: { name: 'Sam' } } });
  });

  it.each([
    [undefined, 'done'], ['completed', 'done'], ['assistant_ended', 'done'], ['service_error', 'failed'], ['llm_failure', 'failed'],
  ])('a conversation that ends with reason %s leaves by %s', (reason, port) => {
    const [, r] = runCall(flow, cc, [{ type: 'assistant.ended', ...(reason ? { reason } : {}) }]);
    expect(portsOf(r!)).toContain(`bot:${port}`);
    expect(assistantFailed(reason)).toBe(port === 'failed');
  });

  it('maps Telnyx callbacks: TeXML Connect action Reason, CC call.conversation.ended reason', () => {
    const spec = aiAssistant.instructions!.assist!;
    expect(spec.texmlEvent({ Reason: 'service_error' })).toEqual({ type: 'assistant.ended', reason: 'service_error' });
    expect(spec.texmlEvent({})).toEqual({ type: 'assistant.ended' });
    expect(spec.ccEvents['call.conversation.ended']!({ reason: null })).toEqual({ type: 'assistant.ended' });
    expect(spec.ccEvents['call.conversation.ended']!({ reason: 'x'.repeat(500) })).toEqual({ type: 'assistant.ended', reason: 'x'.repeat(200) });
  });

  it('the simulator plays scripted outcomes: done, failed, the caller hanging up', () => {
    const run = (assistant: ('done' | 'failed' | 'hangup')[]) => simulate(flow, { at: texml.now, mode: 'texml', assistant, hangupWhenDone: false }).steps;
    expect(run(['done']).flatMap(portsOf)).toContain('bot:done');
    expect(run(['failed']).flatMap(portsOf)).toContain('bot:failed');
    const hung = run(['hangup']);
    expect(hung.flatMap(portsOf)).not.toContain('bot:done');
    expect(hung.at(-1)!.waiting).toBe(false);
  });

  it('lint: a missing or malformed assistant id is an error', () => {
    const lint = (data: unknown) => lintFlow({ format: 'callflow/1', id: 'l', name: 'L', timezone: 'UTC', start: 'a', nodes: [{ id: 'a', type: 'aiAssistant', position: { x: 0, y: 0 }, data }], edges: [] });
    expect(lint({}).find((f) => f.code === 'aiAssistant.no-assistant')).toMatchObject({ severity: 'error', path: ['nodes', 0, 'data', 'assistantId'] });
    expect(lint({ assistantId: '{{vars.x}}' }).find((f) => f.code === 'aiAssistant.bad-id')).toMatchObject({ severity: 'error' });
    expect(lint({ assistantId: 'assistant-1' }).filter((f) => f.code.startsWith('aiAssistant'))).toEqual([]);
    expect(lint({ assistantId: 'assistant-1', variables: ['nobody_sets_me'] }).find((f) => f.code === 'aiAssistant.unset-variable')).toMatchObject({ severity: 'warning', path: ['nodes', 0, 'data', 'variables', 0] });
  });
});
