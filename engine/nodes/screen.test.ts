import { describe, expect, it } from 'vitest';
import { lintFlow } from '../lint.js';
import { parseFlow } from '../schema.js';
import { kindOf } from './index.js';
import { first, flowOf, portsOf, runCall } from './test-kit.js';
import type { Env } from '../types.js';

const env: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml', company: { name: 'Acme' } };
const members = [{ id: 'alice', name: 'Alice', to: '+13125550101' }, { id: 'bob', name: 'Bob', to: '+13125550102' }];

/*  xfer(transfer, screen?) --connected--> done(hangup)
 *                          --noAnswer--> na(say) */
const transferFlow = (data: Record<string, unknown>) => flowOf(
  [{ id: 'xfer', type: 'transfer', data: { to: '+13125550110', ...data } }, { id: 'done', type: 'hangup', data: {} }, { id: 'na', type: 'say', data: { text: 'No answer' } }],
  [['xfer', 'connected', 'done'], ['xfer', 'noAnswer', 'na']],
);
/*  team(roundRobin sequential, screen?) --connected--> done(hangup)
 *                                       --noAnswer--> na(say) */
const teamFlow = (data: Record<string, unknown>) => flowOf(
  [{ id: 'team', type: 'roundRobin', data: { members, strategy: 'sequential', ...data } }, { id: 'done', type: 'hangup', data: {} }, { id: 'na', type: 'say', data: { text: 'No answer' } }],
  [['team', 'connected', 'done'], ['team', 'noAnswer', 'na']],
);
/** The same flows unparsed (what a file or the builder holds), for lint and the schema's own findings. */
const raw = (nodes: Array<{ id: string; type: string; data: unknown }>, edges: Array<[string, string, string]>) => ({
  format: 'callflow/1', id: 'test', name: 'Test', timezone: 'America/New_York', start: nodes[0]!.id,
  nodes: nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * 100 } })),
  edges: edges.map(([s, p, t]) => ({ id: `${s}-${p}`, source: s, sourceHandle: p, target: t })),
});
const rawTransfer = (data: Record<string, unknown>) => raw(
  [{ id: 'xfer', type: 'transfer', data: { to: '+13125550110', ...data } }, { id: 'done', type: 'hangup', data: {} }, { id: 'na', type: 'say', data: { text: 'No answer' } }],
  [['xfer', 'connected', 'done'], ['xfer', 'noAnswer', 'na']],
);
const rawTeam = (data: Record<string, unknown>) => raw(
  [{ id: 'team', type: 'roundRobin', data: { members, strategy: 'sequential', ...data } }, { id: 'done', type: 'hangup', data: {} }, { id: 'na', type: 'say', data: { text: 'No answer' } }],
  [['team', 'connected', 'done'], ['team', 'noAnswer', 'na']],
);
const lintOf = (flow: unknown) => lintFlow(flow).filter((f) => f.severity === 'error' || f.code.startsWith('screen'));

describe('call screening on transfer and roundRobin', () => {
  it('old data without a screen parses and dials as before (no screen on the dial)', () => {
    const [r] = runCall(transferFlow({}), env, []);
    expect(first(r!, 'dial')).not.toHaveProperty('screen');
    const [t] = runCall(teamFlow({}), env, []);
    expect(first(t!, 'dial')).not.toHaveProperty('screen');
  });

  it('fills the documented defaults and the whisper template on the dial', () => {
    const [r] = runCall(transferFlow({ screen: { whisper: { text: 'Call for {{company.name}} from {{caller.from}}, press 1' } } }), env, []);
    expect(first(r!, 'dial').screen).toEqual({ whisper: { verb: 'say', text: 'Call for Acme from +13125550147, press 1' }, requireKeypress: true, acceptKey: '1', timeoutSeconds: 5 });
    const [a] = runCall(teamFlow({ screen: { whisper: { url: 'https://cdn.example.com/{{company.name}}.mp3' }, acceptKey: '#', timeoutSeconds: 8, requireKeypress: true } }), env, []);
    expect(first(a!, 'dial').screen).toEqual({ whisper: { verb: 'play', url: 'https://cdn.example.com/Acme.mp3' }, requireKeypress: true, acceptKey: '#', timeoutSeconds: 8 });
  });

  it('a screen that does nothing (no whisper, no key) puts no screen on the dial', () => {
    const [r] = runCall(transferFlow({ screen: { requireKeypress: false } }), env, []);
    expect(first(r!, 'dial')).not.toHaveProperty('screen');
  });

  it('a screened team ring screens every member in turn and goes on after a decline (no-answer)', () => {
    const rs = runCall(teamFlow({ screen: { whisper: { text: 'Sales call, press 1' } } }), env, [
      { type: 'dial.ended', status: 'no-answer' }, { type: 'dial.ended', status: 'connected', seconds: 20 },
    ]);
    expect(first(rs[0]!, 'dial').targets).toEqual(['+13125550101']);
    expect(first(rs[1]!, 'dial')).toMatchObject({ targets: ['+13125550102'], screen: { acceptKey: '1' } });
    expect(portsOf(rs[2]!)[0]).toBe('team:connected');
    expect(rs[2]!.snapshot.context.vars.agent).toBe('bob');
  });

  it('lint: a key to press but no whisper is an error at the field', () => {
    const f = lintOf(rawTransfer({ screen: { requireKeypress: true } }));
    expect(f).toEqual([expect.objectContaining({ code: 'screen.no-whisper', severity: 'error', path: ['nodes', 0, 'data', 'screen', 'whisper'] })]);
    expect(lintOf(rawTeam({ screen: {} })).map((x) => x.code)).toEqual(['screen.no-whisper']);
  });

  it('lint: the accept key must be one phone key (the schema says so at the path); a whisper without a key is fine', () => {
    for (const acceptKey of ['12', 'a', '']) {
      const f = lintOf(rawTeam({ screen: { whisper: { text: 'press 1' }, acceptKey } }));
      expect(f, acceptKey).toEqual([expect.objectContaining({ severity: 'error', path: ['nodes', 0, 'data', 'screen', 'acceptKey'], message: 'In step "team", "screen.acceptKey": Use one phone key: 0-9, * or #.' })]);
    }
    expect(() => parseFlow(rawTransfer({ screen: { whisper: { text: 'hi' }, timeoutSeconds: 0 } }))).toThrow(/at least 1 second/);
    expect(lintOf(rawTransfer({ screen: { whisper: { text: 'Front desk call' }, requireKeypress: false } }))).toEqual([]);
    expect(lintOf(rawTransfer({ screen: { requireKeypress: false } })).map((x) => x.code)).toEqual(['screen.empty']);
    expect(lintOf(rawTransfer({ screen: { whisper: { text: 'Call for sales, press star' }, acceptKey: '*' } }))).toEqual([]);
  });

  it('cost: the whisper is billed on the outbound leg; a screened no-answer assumes a voicemail heard it out', () => {
    const kind = kindOf('transfer')!;
    const plain = kind.schema.parse({ to: '+13125550110' });
    const screened = kind.schema.parse({ to: '+13125550110', screen: { whisper: { text: 'Call for sales press one to accept' }, timeoutSeconds: 6 } });
    // 7 words at 2.5 words/s → 3 s, then 2 s to press the key (connected) or the 6 s wait (no answer).
    expect(kind.cost(screened, 'connected').outboundSeconds).toBe((kind.cost(plain, 'connected').outboundSeconds ?? 0) + 3 + 2);
    expect(kind.cost(screened, 'noAnswer')).toEqual({ seconds: 30 + 3 + 6, outboundSeconds: 3 + 6 });
    expect(kind.cost(screened, 'busy')).toEqual(kind.cost(plain, 'busy'));
    const team = kindOf('roundRobin')!;
    const t = team.schema.parse({ members, screen: { whisper: { url: 'https://cdn.example.com/w.mp3' } } });
    expect(team.cost(t, 'connected').outboundSeconds).toBe((team.cost(team.schema.parse({ members }), 'connected').outboundSeconds ?? 0) + 10 + 2);
  });

  it('the card says it is screened', () => {
    expect(kindOf('transfer')!.summary({ to: '+13125550110', screen: { whisper: { text: 'Sales call' }, requireKeypress: true, acceptKey: '1', timeoutSeconds: 5 } }))
      .toEqual(['→ +13125550110', 'screened · press 1 · “Sales call”']);
  });
});
