import { describe, expect, it } from 'vitest';
import { roundRobin, ringOrder } from './round-robin.js';
import { first, flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import type { Cursors, Env, TeamMember } from '../types.js';

const members = [
  { id: 'alice', name: 'Alice', to: '+13125550101' },
  { id: 'bob', name: 'Bob', to: '+13125550102' },
  { id: 'carol', name: 'Carol', to: 'sip:carol@acme.sip.telnyx.com' },
];
const env = (over: Partial<Env> = {}): Env => ({ now: '2026-11-23T15:00:00Z', mode: 'texml', ...over });

/*
 *  team(roundRobin) --connected--> done(hangup)
 *                   --noAnswer--> vm(say)
 */
function teamFlow(data: Record<string, unknown> = {}) {
  return flowOf(
    [
      { id: 'team', type: 'roundRobin', data: { members, ...data } },
      { id: 'done', type: 'hangup', data: {} },
      { id: 'vm', type: 'say', data: { text: 'Nobody answered' } },
    ],
    [['team', 'connected', 'done'], ['team', 'noAnswer', 'vm']],
  );
}
const targetsOf = (rs: ReturnType<typeof runCall>) => rs.flatMap((r) => r.instructions.filter((i) => i.verb === 'dial').map((i) => (i.verb === 'dial' ? i.targets.join('+') : '')));

describe('roundRobin', () => {
  it('starts at the cursor, moves the cursor on entry, tries the next member on no answer', () => {
    const rs = runCall(teamFlow(), env({ cursors: { team: 1 } }), [
      { type: 'dial.ended', status: 'no-answer' }, { type: 'dial.ended', status: 'busy' }, { type: 'dial.ended', status: 'failed' },
    ]);
    expect(first(rs[0]!, 'dial')).toMatchObject({ targets: ['+13125550102'], ring: 'sequential', timeoutSeconds: 20, record: false });
    expect(rs[0]!.cursors).toEqual({ team: 2 });
    expect(targetsOf(rs)).toEqual(['+13125550102', 'sip:carol@acme.sip.telnyx.com', '+13125550101']);
    expect(portsOf(rs[3]!)).toEqual(['team:noAnswer', 'vm:next']);
  });

  it('leaves by connected and remembers who answered in vars.agent', () => {
    const rs = runCall(teamFlow(), env({ cursors: { team: 0 } }), [{ type: 'dial.ended', status: 'no-answer' }, { type: 'dial.ended', status: 'connected', seconds: 42 }]);
    expect(portsOf(rs[2]!)).toEqual(['team:connected']);
    expect(rs[2]!.snapshot.context.vars).toEqual({ agent: 'bob' });
    // The conversation is over: the member who answered is released, by id (the server reads no vars).
    expect(rs[2]!.instructions[0]).toEqual({ verb: 'member.release', member: 'bob', node: 'team', seq: 3 });
    expect(rs[1]!.instructions.some((i) => i.verb === 'member.release')).toBe(false);
  });

  it('wraps a cursor beyond the list and skips unavailable members (absent members count as available)', () => {
    const team: Record<string, TeamMember> = { alice: { status: 'busy' }, bob: { status: 'offline' } };
    const rs = runCall(teamFlow(), env({ cursors: { team: 7 }, team }), []); // 7 mod 3 = 1 → bob (offline) → carol
    expect(first(rs[0]!, 'dial').targets).toEqual(['sip:carol@acme.sip.telnyx.com']);
    expect(rs[0]!.cursors).toEqual({ team: 0 });
  });

  it('goes to noAnswer at once when nobody is available, and rings busy people when skipUnavailable is off', () => {
    const team: Record<string, TeamMember> = { alice: { status: 'busy' }, bob: { status: 'busy' }, carol: { status: 'offline' } };
    const none = runCall(teamFlow(), env({ team }), []);
    expect(verbsOf(none[0]!)).toEqual(['say', 'hangup']); // no dial at all
    expect(portsOf(none[0]!)).toEqual(['team:noAnswer', 'vm:next']);
    const all = runCall(teamFlow({ skipUnavailable: false, strategy: 'sequential' }), env({ team }), []);
    expect(first(all[0]!, 'dial').targets).toEqual(['+13125550101']);
  });

  it('sequential always starts from the first and leaves the cursor alone', () => {
    const rs = runCall(teamFlow({ strategy: 'sequential', ringSeconds: 15, callerId: '{{caller.to}}', record: true }), env({ cursors: { team: 2 } }), [{ type: 'dial.ended', status: 'no-answer' }]);
    expect(first(rs[0]!, 'dial')).toMatchObject({ targets: ['+13125550101'], timeoutSeconds: 15, callerId: '+18445550199', record: true });
    expect(rs[0]!.cursors).toEqual({ team: 2 });
    expect(first(rs[1]!, 'dial').targets).toEqual(['+13125550102']);
  });

  it('longest_idle rings who has waited longest: never called first, ties in list order', () => {
    const team: Record<string, TeamMember> = {
      alice: { status: 'available', lastCallEndedAt: '2026-11-23T14:50:00Z' },
      bob: { status: 'available', lastCallEndedAt: '2026-11-23T09:10:00-05:00' }, // 14:10Z, earlier than alice
    };
    const rs = runCall(teamFlow({ strategy: 'longest_idle' }), env({ team }), [{ type: 'dial.ended', status: 'no-answer' }, { type: 'dial.ended', status: 'no-answer' }]);
    expect(targetsOf(rs)).toEqual(['sip:carol@acme.sip.telnyx.com', '+13125550102', '+13125550101']);
    const d = roundRobin.schema.parse({ members, strategy: 'longest_idle' });
    expect(ringOrder(d, env(), 'team').order).toEqual([0, 1, 2]);
  });

  it('simultaneous rings everyone available at once; no answer goes straight to noAnswer', () => {
    const rs = runCall(teamFlow({ strategy: 'simultaneous' }), env({ team: { bob: { status: 'busy' } } }), [{ type: 'dial.ended', status: 'no-answer' }]);
    expect(first(rs[0]!, 'dial')).toMatchObject({ targets: ['+13125550101', 'sip:carol@acme.sip.telnyx.com'], ring: 'simultaneous' });
    expect(portsOf(rs[1]!)).toEqual(['team:noAnswer', 'vm:next']);
  });

  it('simultaneous: vars.agent is the member whose destination answered, when the transport says which', () => {
    const said = runCall(teamFlow({ strategy: 'simultaneous' }), env(), [{ type: 'dial.ended', status: 'connected', to: 'sip:carol@acme.sip.telnyx.com' }]);
    expect(said[1]!.snapshot.context.vars).toEqual({ agent: 'carol' });
    expect(said[1]!.instructions[0]).toMatchObject({ verb: 'member.release', member: 'carol' });
    const unsaid = runCall(teamFlow({ strategy: 'simultaneous' }), env(), [{ type: 'dial.ended', status: 'connected' }]);
    expect(unsaid[1]!.snapshot.context.vars.agent).toBeUndefined();
    expect(unsaid[1]!.instructions.some((i) => i.verb === 'member.release')).toBe(false); // nobody known to release
  });
});

describe('roundRobin fairness', () => {
  /** Runs `calls` calls, each answered by the first member rung, carrying cursors from call to call. */
  function share(calls: number, team: Record<string, TeamMember> = {}): Record<string, number> {
    const flow = teamFlow();
    const count: Record<string, number> = {};
    let cursors: Cursors = {};
    for (let i = 0; i < calls; i++) {
      const rs = runCall(flow, env({ cursors, team }), [{ type: 'dial.ended', status: 'connected' }]);
      cursors = rs[0]!.cursors;
      const agent = rs[1]!.snapshot.context.vars.agent!;
      count[agent] = (count[agent] ?? 0) + 1;
    }
    return count;
  }

  it('300 calls over 3 answering members give 100 each', () => {
    expect(share(300)).toEqual({ alice: 100, bob: 100, carol: 100 });
  });

  it('a busy member is skipped and the rest share evenly', () => {
    expect(share(300, { bob: { status: 'busy' } })).toEqual({ alice: 150, carol: 150 });
  });
});

describe('roundRobin kind', () => {
  it('has the documented defaults, ports and reachable ports', () => {
    const d = roundRobin.schema.parse({ members: [members[0]] });
    expect(d).toMatchObject({ strategy: 'round_robin', ringSeconds: 20, skipUnavailable: true, record: false });
    expect(roundRobin.ports(d)).toEqual(['connected', 'noAnswer']);
    expect(roundRobin.reachablePorts!(d)).toEqual(['noAnswer']);
  });

  it('rejects an empty team and a bad number with friendly messages', () => {
    expect(roundRobin.schema.safeParse({ members: [] }).error!.issues[0]!.message).toBe('Add at least one person to ring');
    const bad = roundRobin.schema.safeParse({ members: [{ id: 'a', to: '555-1234' }] });
    expect(bad.error!.issues[0]).toMatchObject({ path: ['members', 0, 'to'], message: 'Use an E.164 number like +13125550100 or a sip: address' });
  });

  it('lints duplicate member ids', () => {
    const d = roundRobin.schema.parse({ members: [members[0], { ...members[1], id: 'alice' }] });
    expect(roundRobin.lint!(d, { timezone: 'UTC' }).map((f) => f.code)).toEqual(['roundRobin.duplicate-id']);
  });
});

describe('roundRobin readsCursor', () => {
  const members = [{ id: 'a', name: 'A', to: '+13125550101' }, { id: 'b', name: 'B', to: '+13125550102' }, { id: 'c', name: 'C', to: '+13125550103' }];
  it.each(['round_robin', 'sequential', 'simultaneous', 'longest_idle'] as const)('%s: says it reads the cursor exactly when the cursor changes who is rung', (strategy) => {
    const d = roundRobin.schema.parse({ members, strategy });
    const orders = [0, 1, 2].map((c) => JSON.stringify(ringOrder(d, env({ cursors: { team: c } }), 'team').order));
    expect(roundRobin.readsCursor!(d)).toBe(new Set(orders).size > 1);
  });
});
