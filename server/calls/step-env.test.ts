import { describe, expect, it } from 'vitest';
import { step } from '../../engine/step.js';
import { parseFlow } from '../../engine/schema.js';
import { stepEnvOf, watchTeam } from './step-env.js';

const flow = parseFlow({
  format: 'callflow/1', id: 'f', name: 'F', start: 'team',
  nodes: [
    { id: 'team', type: 'roundRobin', position: { x: 0, y: 0 }, data: { strategy: 'longest_idle', members: [{ id: 'ann', name: 'Ann', to: '+13125550001' }, { id: 'ben', name: 'Ben', to: '+13125550002' }] } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
  ],
  edges: [{ id: 'e1', source: 'team', sourceHandle: 'connected', target: 'bye' }, { id: 'e2', source: 'team', sourceHandle: 'noAnswer', target: 'bye' }],
});

describe('watchTeam', () => {
  it('notes the members a real engine step looks up, as it saw them, and nobody else', () => {
    const team = { ann: { status: 'busy' as const }, ben: { status: 'available' as const, lastCallEndedAt: '2026-11-23T15:00:00Z' }, zoe: { status: 'offline' as const } };
    const w = watchTeam(team);
    const r = step(flow, null, { type: 'call.started', from: '+1', to: '+2', callId: 'c', direction: 'inbound' }, { now: '2026-11-23T16:00:00Z', mode: 'texml', team: w.team });
    expect(r.instructions[0]).toMatchObject({ verb: 'dial', targets: ['+13125550002'] });
    expect(w.read()).toEqual({ ann: { status: 'busy' }, ben: { status: 'available', lastCallEndedAt: '2026-11-23T15:00:00Z' } });
    // A copy: a later change to the live object does not rewrite what the step saw.
    team.ann.status = 'available' as never;
    expect(w.read().ann).toEqual({ status: 'busy' });
  });

  it('a member not on the team is noted as the engine counts them; `in` and listing the team count as reads', () => {
    const w = watchTeam({ ann: { status: 'offline' } });
    expect(w.team.ghost?.status).toBeUndefined();
    expect('ann' in w.team).toBe(true);
    expect(w.read()).toEqual({ ghost: { status: 'available' }, ann: { status: 'offline' } });
    const all = watchTeam({ ann: { status: 'offline' }, ben: { status: 'busy' } });
    expect(Object.keys(all.team)).toEqual(['ann', 'ben']);
    expect(all.read()).toEqual({ ann: { status: 'offline' }, ben: { status: 'busy' } });
  });

  it('stepEnvOf: nothing read, nothing stored; each part only when the step read it', () => {
    expect(stepEnvOf({}, {})).toBeUndefined();
    expect(stepEnvOf({}, { rr: 0 })).toEqual({ cursors: { rr: 0 } });
    expect(stepEnvOf({ ann: { status: 'busy' } }, {})).toEqual({ team: { ann: { status: 'busy' } } });
  });
});
