import { describe, expect, it } from 'vitest';
import { step } from '../step.js';
import { lintFlow } from '../lint.js';
import { waitForReply } from './wait-for-reply.js';
import { CALLED, CALLER, flowOf, portsOf, runCall } from './test-kit.js';
import type { EngineEvent, Env, Snapshot } from '../types.js';

const sms: Env = { now: '2026-11-23T15:00:00Z', mode: 'sms' };
const text = (t: string, media?: string[]): EngineEvent => ({ type: 'message.received', from: CALLER, to: CALLED, text: t, conversationId: 'conv-1', ...(media ? { media } : {}) });

/*
 *  ask(sms "Reply YES...") → wait(waitForReply 15 min) ─reply→ thanks(sms "Got {{vars.reply}}")
 *                                                     └timeout→ nudge(sms "Still there?")
 */
const flow = flowOf(
  [
    { id: 'ask', type: 'sms', data: { text: 'Can you make Tuesday at 3? Reply 1 to confirm.' } },
    { id: 'wait', type: 'waitForReply', data: { timeoutMinutes: 15 } },
    { id: 'thanks', type: 'sms', data: { text: 'Got "{{vars.reply}}" {{vars.media}}' } },
    { id: 'nudge', type: 'sms', data: { text: 'Still there?' } },
  ],
  [['ask', 'next', 'wait'], ['wait', 'reply', 'thanks'], ['wait', 'timeout', 'nudge']],
);
const smsFlow = { ...flow, channel: 'sms' as const };

function converse(events: EngineEvent[]) {
  const out = [step(smsFlow, null, events[0]!, sms)];
  for (const e of events.slice(1)) out.push(step(smsFlow, JSON.parse(JSON.stringify(out.at(-1)!.snapshot)) as Snapshot, e, sms));
  return out;
}

describe('waitForReply', () => {
  it('a first text starts the conversation: the texter is the caller, the text is vars.message; the step waits with reply.await', () => {
    const [r] = converse([text('hi')]);
    expect(r!.snapshot.context.call).toEqual({ id: 'conv-1', from: CALLER, to: CALLED, direction: 'inbound' });
    expect(r!.snapshot.context.vars).toEqual({ message: 'hi', media: '' });
    expect(r!.instructions.map((i) => i.verb)).toEqual(['sms', 'reply.await']);
    expect(r!.instructions[0]).toMatchObject({ to: CALLER, from: CALLED });
    expect(r!.instructions[1]).toEqual({ verb: 'reply.await', minutes: 15, node: 'wait', seq: 1 });
    expect(r!.waiting).toBe(true);
    expect(r!.snapshot.value).toBe('wait');
  });

  it('a reply leaves by reply with the words in vars.reply (and MMS media in vars.media)', () => {
    const rs = converse([text('hi'), text(' 1 ', ['https://m.example/a.jpg'])]);
    expect(portsOf(rs[1]!)).toEqual(['wait:reply', 'thanks:next']);
    expect(rs[1]!.snapshot.context.vars).toMatchObject({ reply: ' 1 ', message: ' 1 ', media: 'https://m.example/a.jpg' });
    expect(rs[1]!.instructions[0]).toMatchObject({ verb: 'sms', text: 'Got " 1 " https://m.example/a.jpg' });
    expect(rs[1]!.waiting).toBe(false);
  });

  it('input.timeout (the sweeper) leaves by timeout; other events are ignored', () => {
    const rs = converse([text('hi'), { type: 'input.digits', digits: '1' }, { type: 'input.timeout' }]);
    expect(rs[1]!.trace).toEqual([]);
    expect(rs[1]!.snapshot.value).toBe('wait');
    expect(portsOf(rs[2]!)).toEqual(['wait:timeout', 'nudge:next']);
    expect(rs[2]!.instructions[0]).toMatchObject({ verb: 'sms', text: 'Still there?' });
  });

  it.each(['texml', 'call-control'] as const)('%s: a call has nobody texting back, so it leaves by timeout at once', (mode) => {
    const [r] = runCall(flow, { ...sms, mode }, []);
    expect(portsOf(r!)).toEqual(['ask:next', 'wait:timeout', 'nudge:next']);
    expect(r!.instructions.some((i) => i.verb === 'reply.await')).toBe(false);
  });

  it('waits only in sms mode; schema bounds and defaults', () => {
    expect(waitForReply.waits({ timeoutMinutes: 5 }, 'sms')).toBe(true);
    expect(waitForReply.waits({ timeoutMinutes: 5 }, 'texml')).toBe(false);
    expect(waitForReply.schema.parse({})).toEqual({ timeoutMinutes: 60 });
    expect(waitForReply.schema.safeParse({ timeoutMinutes: 0 }).error!.issues[0]!.message).toBe('Wait at least 1 minute');
    expect(waitForReply.schema.safeParse({ timeoutMinutes: 20000 }).error!.issues[0]!.message).toMatch(/at most 10080/);
  });

  it('lint: in a call flow it is an error; an unwired timeout is a warning; a loop through it waits', () => {
    expect(lintFlow(flow).filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['channel.sms-only']);
    expect(lintFlow(smsFlow)).toEqual([]);
    const unwired = { ...smsFlow, edges: smsFlow.edges.filter((e) => e.sourceHandle !== 'timeout') };
    expect(lintFlow(unwired).filter((f) => f.code !== 'unreachable')).toEqual([expect.objectContaining({ code: 'unwired-port', severity: 'warning', node: 'wait', port: 'timeout',
      message: 'The wait for a reply "wait" has no path for when the texter does not reply in time.' })]);
    const loop = { ...smsFlow, edges: [...smsFlow.edges.filter((e) => e.source !== 'thanks'), { id: 'back', source: 'thanks', sourceHandle: 'next', target: 'ask' }] };
    expect(lintFlow(loop).map((f) => f.code)).not.toContain('endless-loop');
  });
});
