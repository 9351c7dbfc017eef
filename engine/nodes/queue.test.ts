import { describe, expect, it } from 'vitest';
import { agentsFree, announcement, queue, waitWords } from './queue.js';
import { first, flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import { simulate } from '../simulate.js';
import { step } from '../step.js';
import { lintFlow } from '../lint.js';
import type { EngineEvent, Env } from '../types.js';

const members = [{ id: 'alice', name: 'Alice', to: '+13125550101' }, { id: 'bob', name: 'Bob', to: '+13125550102' }];
const env = (over: Partial<Env> = {}): Env => ({ now: '2026-11-23T15:00:00Z', mode: 'texml', ...over });
const ahead = (n: number, expectedWaitSeconds?: number): Env['queue'] => ({ nodes: { line: { ahead: n, ...(expectedWaitSeconds !== undefined ? { expectedWaitSeconds } : {}) } }, holdMusicUrl: 'https://cf.example/media/hold-music.wav' });

/*
 *  line(queue) --connected--> thanks(say) ; --timeout--> sorry(say) ; --callback--> later(say)
 */
function queueFlow(data: Record<string, unknown> = {}) {
  return flowOf(
    [
      { id: 'line', type: 'queue', data: { members, strategy: 'sequential', ringSeconds: 15, announceEverySeconds: 30, maxWaitSeconds: 120, ...data } },
      { id: 'thanks', type: 'say', data: { text: 'Thanks' } },
      { id: 'sorry', type: 'say', data: { text: 'Nobody is free' } },
      { id: 'later', type: 'say', data: { text: 'We will call you back' } },
    ],
    [['line', 'connected', 'thanks'], ['line', 'timeout', 'sorry'], ['line', 'callback', 'later']],
  );
}
const updates = (rs: ReturnType<typeof runCall>) => rs.flatMap((r) => r.instructions.flatMap((i) => (i.verb === 'queue.update' ? [i.state] : [])));
const dialled = (rs: ReturnType<typeof runCall>) => rs.flatMap((r) => r.instructions.flatMap((i) => (i.verb === 'dial' ? [i.targets.join('+')] : [])));
const silence: EngineEvent = { type: 'input.timeout' };
const noAnswer: EngineEvent = { type: 'dial.ended', status: 'no-answer', seconds: 15 };

describe('queue', () => {
  it('first in line with agents free: joins and rings them in turn at once; connected sets vars.agent and releases them', () => {
    const rs = runCall(queueFlow(), env({ queue: ahead(0) }), [noAnswer, { type: 'dial.ended', status: 'connected', seconds: 90 }]);
    expect(verbsOf(rs[0]!)).toEqual(['queue.update', 'dial']);
    expect(first(rs[0]!, 'dial')).toMatchObject({ targets: ['+13125550101'], ring: 'sequential', timeoutSeconds: 15 });
    expect(dialled(rs)).toEqual(['+13125550101', '+13125550102']);
    expect(updates(rs)).toEqual(['waiting', 'connected']);
    expect(rs[2]!.instructions.filter((i) => i.verb === 'queue.update' || i.verb === 'member.release')).toEqual([
      { verb: 'queue.update', state: 'connected', agent: 'bob', node: 'line', seq: 3 }, { verb: 'member.release', member: 'bob', node: 'line', seq: 3 }]);
    expect(rs[2]!.snapshot.context.vars).toEqual({ agent: 'bob' });
    expect(portsOf(rs[2]!)).toEqual(['line:connected', 'thanks:next']);
  });

  it('behind another caller: holds with the position, the expected wait and the music, never rings', () => {
    const rs = runCall(queueFlow(), env({ queue: ahead(1, 180) }), [silence]);
    const g = first(rs[0]!, 'gather');
    expect(g.prompts).toEqual([
      { verb: 'say', text: 'You are caller number 2. Your expected wait is about 3 minutes.' },
      { verb: 'play', url: 'https://cf.example/media/hold-music.wav?seconds=30' },
    ]);
    expect(g).toMatchObject({ input: 'dtmf', numDigits: 1 });
    expect(g.validDigits).toBeUndefined(); // no callback offered: no key means anything
    expect(dialled(rs)).toEqual([]);
    expect(verbsOf(rs[1]!)).toEqual(['gather']); // still behind: another hold cycle
  });

  it('rings in cycles: after a ring cycle nobody answered, a hold cycle, then the agents again (the 2nd cycle answers)', () => {
    const rs = runCall(queueFlow({ members: [members[0]] }), env({ queue: ahead(0, 45) }), [noAnswer, silence, { type: 'dial.ended', status: 'connected', seconds: 60 }]);
    expect(rs.map(verbsOf)).toEqual([['queue.update', 'dial'], ['gather'], ['dial'], ['queue.update', 'member.release', 'say', 'hangup']]);
    expect(first(rs[1]!, 'gather').prompts[0]).toEqual({ verb: 'say', text: 'You are caller number 1. Your expected wait is less than a minute.' });
    expect(portsOf(rs[3]!)).toEqual(['line:connected', 'thanks:next']);
  });

  it('leaves by timeout once the cycles add up to the longest wait (no clock needed), and says so to the store', () => {
    const rs = runCall(queueFlow({ maxWaitSeconds: 60 }), env({ queue: ahead(3) }), [silence, silence]);
    expect(rs.map(verbsOf)).toEqual([['queue.update', 'gather'], ['gather'], ['queue.update', 'say', 'hangup']]);
    expect(updates(rs)).toEqual(['waiting', 'timeout']);
    expect(portsOf(rs[2]!)).toEqual(['line:timeout', 'sorry:next']);
  });

  it('leaves by timeout by the clock too (a long custom music track)', () => {
    const flow = queueFlow({ maxWaitSeconds: 60, music: 'https://cf.example/long.mp3' });
    const r0 = runCall(flow, env({ queue: ahead(1) }), [])[0]!;
    expect(first(r0, 'gather').prompts[1]).toEqual({ verb: 'play', url: 'https://cf.example/long.mp3' });
    const later = runCall(flow, env({ queue: ahead(1) }), []);
    const r1 = step(flow, later[0]!.snapshot, silence, env({ now: '2026-11-23T15:05:00Z', queue: ahead(1) }));
    expect(portsOf(r1)).toEqual(['line:timeout', 'sorry:next']);
  });

  it('press 1 for a callback: offered in the announcement, keeps the place for the caller\'s number, leaves by callback', () => {
    const rs = runCall(queueFlow({ callback: true }), env({ queue: ahead(1, 120) }), [{ type: 'input.digits', digits: '1' }]);
    const g = first(rs[0]!, 'gather');
    expect(g.validDigits).toBe('1');
    expect(g.prompts[0]).toEqual({ verb: 'say', text: 'You are caller number 2. Your expected wait is about 2 minutes. To keep your place and have us call you back, press 1.' });
    expect(rs[1]!.instructions[0]).toEqual({ verb: 'queue.update', state: 'callback', callbackTo: '+13125550147', node: 'line', seq: 2 });
    expect(portsOf(rs[1]!)).toEqual(['line:callback', 'later:next']);
  });

  it('without callback, 1 is just another cycle', () => {
    const rs = runCall(queueFlow(), env({ queue: ahead(1) }), [{ type: 'input.digits', digits: '1' }]);
    expect(verbsOf(rs[1]!)).toEqual(['gather']);
  });

  it('skips unavailable agents; nobody available holds instead of ringing; the team rings from Env.queue.team', () => {
    const busy = { alice: { status: 'busy' as const }, bob: { status: 'offline' as const } };
    expect(dialled(runCall(queueFlow(), env({ queue: ahead(0), team: { alice: { status: 'busy' } } }), []))).toEqual(['+13125550102']);
    expect(verbsOf(runCall(queueFlow(), env({ queue: ahead(0), team: busy }), [])[0]!)).toEqual(['queue.update', 'gather']);
    const team = runCall(queueFlow({ members: [], useTeam: true }), env({ queue: { ...ahead(0), team: [{ id: 'carol', to: 'sip:carol@pbx.example.com' }] } }), []);
    expect(dialled(team)).toEqual(['sip:carol@pbx.example.com']);
  });

  it('simultaneous: one dial of every available agent; the answering number names the agent', () => {
    const rs = runCall(queueFlow({ strategy: 'simultaneous' }), env({ queue: ahead(0) }), [{ type: 'dial.ended', status: 'connected', to: '+13125550102' }]);
    expect(first(rs[0]!, 'dial')).toMatchObject({ targets: ['+13125550101', '+13125550102'], ring: 'simultaneous' });
    expect(rs[1]!.snapshot.context.vars).toEqual({ agent: 'bob' });
  });

  it('waits the same way in Call Control (gather after a speak; the speak ending moves nothing)', () => {
    const rs = runCall(queueFlow(), env({ mode: 'call-control', queue: ahead(1) }), [{ type: 'prompt.ended' }, silence]);
    expect(verbsOf(rs[0]!)).toEqual(['queue.update', 'gather']);
    expect(rs[1]!.instructions).toEqual([]);
    expect(verbsOf(rs[2]!)).toEqual(['gather']);
  });

  it('announces nothing it was not asked to, and words the wait', () => {
    const d = queue.schema.parse({ members, announcePosition: false, announceWait: false });
    expect(announcement(d, 3, 300)).toBe('');
    expect(waitWords(30)).toBe('less than a minute');
    expect(waitWords(89)).toBe('about 1 minute');
    expect(waitWords(150)).toBe('about 3 minutes');
    const rs = runCall(queueFlow({ announcePosition: false, announceWait: false }), env({ queue: ahead(1) }), []);
    expect(first(rs[0]!, 'gather').prompts.map((p) => p.verb)).toEqual(['play']);
  });

  it('agentsFree: the server asks it before calling someone back', () => {
    expect(agentsFree({ members }, env())).toBe(true);
    expect(agentsFree({ members }, env({ team: { alice: { status: 'busy' }, bob: { status: 'offline' } } }))).toBe(false);
    expect(agentsFree({ members: [], useTeam: true }, env({ queue: { team: [{ id: 'c', to: '+13125550103' }] } }))).toBe(true);
    expect(agentsFree({ nonsense: 1, members: 'x' }, env())).toBe(false);
  });

  it('simulates a scripted call: the agent answers after 2 cycles; a caller presses 1', () => {
    const flow = queueFlow({ members: [members[0]], callback: true, maxWaitSeconds: 600 });
    const answered = simulate(flow, { at: '2026-11-23T09:00:00-06:00', mode: 'texml', dial: ['no-answer', 'no-answer', 'connected'], digits: ['', ''] });
    expect(answered.steps.flatMap((s) => s.trace.filter((t) => t.kind === 'port').map((t) => (t as { port: string }).port))).toEqual(['connected', 'next']);
    expect(answered.steps.filter((s) => s.instructions.some((i) => i.verb === 'dial'))).toHaveLength(3);
    const cb = simulate(flow, { at: '2026-11-23T09:00:00-06:00', mode: 'call-control', dial: ['no-answer'], digits: ['1'] });
    expect(cb.steps.some((s) => s.trace.some((t) => t.kind === 'port' && t.port === 'callback'))).toBe(true);
  });

  it('lint: no agents, a longest wait shorter than one announcement, unwired timeout and callback', () => {
    const codes = (data: Record<string, unknown>, edges: Array<[string, string, string]> = []) => {
      const f = flowOf([{ id: 'line', type: 'queue', data }, { id: 'x', type: 'hangup', data: {} }], edges);
      return lintFlow(f).map((x) => x.code);
    };
    expect(codes({ members: [] })).toContain('queue.no-agents');
    expect(codes({ members: [], useTeam: true })).not.toContain('queue.no-agents');
    expect(codes({ members, maxWaitSeconds: 20, announceEverySeconds: 30 })).toContain('queue.max-wait-short');
    const unwired = lintFlow(flowOf([{ id: 'line', type: 'queue', data: { members, callback: true } }, { id: 'x', type: 'hangup', data: {} }], [['line', 'connected', 'x']]));
    const msgs = unwired.map((x) => x.message).join('\n');
    expect(msgs).toMatch(/for when nobody answered within the longest wait/);
    expect(msgs).toMatch(/for when the caller asks to be called back/);
  });

  it('costs the wait and the agent leg', () => {
    const d = queue.schema.parse({ members, maxWaitSeconds: 600 });
    expect(queue.cost(d, 'connected')).toEqual({ seconds: 120 + 15 + 180, outboundSeconds: 180 });
    expect(queue.cost(d, 'timeout')).toEqual({ seconds: 600 });
  });
});
