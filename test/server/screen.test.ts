/**
 * Call screening through the real server and the sandbox, in both modes: the member who answers hears the
 * whisper and must press the accept key; a voicemail that answers (never presses), a member who presses nothing
 * or another key, counts as no answer, so a team ring goes on to the next member and a transfer leaves by noAnswer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLive, type Live } from '../sandbox/live.js';

const ALICE = '+13125550181', BOB = '+13125550182', DESK = '+13125550183';
const n_ = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const e_ = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
const SCREEN = { whisper: { text: 'Call for {{company.name}} sales, press 1 to accept.' }, acceptKey: '1', timeoutSeconds: 5 };

/*  team(roundRobin sequential, screened: alice, bob) ─connected→ thanks(say {{vars.agent}}) → bye
 *                                                    └noAnswer→ desk(transfer, screened, key #) ─connected→ bye
 *                                                                                               └noAnswer→ sorry(say) → bye */
const flow = (strategy: string) => ({
  format: 'callflow/1', id: `screened-${strategy.replace(/_/g, '-')}`, name: `Screened ${strategy}`, timezone: 'America/Chicago', start: 'team',
  nodes: [
    n_('team', 'roundRobin', { strategy, ringSeconds: 20, members: [{ id: 'alice', name: 'Alice', to: ALICE }, { id: 'bob', name: 'Bob', to: BOB }], screen: SCREEN }),
    n_('thanks', 'say', { text: 'You spoke with {{vars.agent}}.' }),
    n_('desk', 'transfer', { to: DESK, screen: { whisper: { text: 'Front desk call, press pound to take it.' }, acceptKey: '#' } }),
    n_('sorry', 'say', { text: 'Nobody could take your call.' }),
    n_('bye', 'hangup', {}),
  ],
  edges: [e_('team', 'connected', 'thanks'), e_('team', 'noAnswer', 'desk'), e_('thanks', 'next', 'bye'), e_('desk', 'connected', 'bye'), e_('desk', 'noAnswer', 'sorry'), e_('sorry', 'next', 'bye')],
});

/*  desk(transfer, whisper only: no key to press) ─connected→ bye / ─noAnswer→ sorry(say) → bye */
const WHISPER_ONLY = {
  format: 'callflow/1', id: 'whisper-only', name: 'Whisper only', timezone: 'America/Chicago', start: 'desk',
  nodes: [
    n_('desk', 'transfer', { to: DESK, screen: { whisper: { url: 'https://cdn.example.com/whisper.mp3' }, requireKeypress: false } }),
    n_('sorry', 'say', { text: 'Nobody could take your call.' }), n_('bye', 'hangup', {}),
  ],
  edges: [e_('desk', 'connected', 'bye'), e_('desk', 'noAnswer', 'sorry'), e_('desk', 'busy', 'sorry'), e_('desk', 'failed', 'sorry'), e_('sorry', 'next', 'bye')],
};

let live: Live;
const numberOf: Record<string, string> = {};
beforeAll(async () => {
  live = await startLive('Acme');
  for (const [i, strategy] of ['sequential', 'simultaneous'].entries()) {
    const doc = flow(strategy);
    await live.api('POST', '/api/flows', doc);
    await live.api('POST', `/api/flows/${doc.id}/publish`);
    numberOf[strategy] = `+131255501${60 + i}`;
    await live.hold(numberOf[strategy]!);
  }
  await live.api('POST', '/api/flows', WHISPER_ONLY);
  await live.api('POST', `/api/flows/${WHISPER_ONLY.id}/publish`);
  numberOf.whisper = '+13125550170';
  await live.hold(numberOf.whisper);
  live.clock = new Date('2026-11-25T18:00:00Z');
});
afterAll(async () => { await live.close(); });

interface Call { path: string[]; heard: string[]; screened: string[]; errors: string[]; transcript: string[] }
async function place(strategy: string, mode: 'texml' | 'call-control', callee: string[]): Promise<Call> {
  await live.api('PUT', `/api/numbers/${encodeURIComponent(numberOf[strategy]!)}`, { flowId: strategy === 'whisper' ? WHISPER_ONLY.id : flow(strategy).id, mode });
  const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: numberOf[strategy], from: '+13125550147', mode, callee }) });
  const r = (await res.json()) as { callId: string; transcript: { kind: string; text: string }[] };
  const { call: log } = (await live.api('GET', `/api/calls/${encodeURIComponent(r.callId)}`)) as { call: { path?: string[] } };
  const of = (k: string) => r.transcript.filter((e) => e.kind === k).map((e) => e.text);
  return { path: log.path ?? [], heard: of('heard'), screened: of('screened'), errors: of('error'), transcript: r.transcript.map((e) => `${e.kind}: ${e.text}`) };
}

describe.each(['texml', 'call-control'] as const)('screening in %s', (mode) => {
  it('a member who presses the accept key is put through (and named in vars.agent)', async () => {
    const c = await place('sequential', mode, ['answer:1']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path).toEqual(['>team', 'team.connected', '>thanks', 'thanks.next', '>bye', 'end:hangup@bye']);
    expect(c.heard).toEqual(['You spoke with alice.']);
    // The member heard the whisper (templated), the caller did not.
    expect(c.screened.join('\n')).toContain('Call for Acme sales, press 1 to accept.');
    expect(c.heard.join(' ')).not.toContain('press 1');
  });

  it('a voicemail that answers never presses: the next member is rung, and accepting there connects', async () => {
    const c = await place('sequential', mode, ['voicemail', 'answer:1']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path, c.transcript.join('\n')).toEqual(['>team', 'team.connected', '>thanks', 'thanks.next', '>bye', 'end:hangup@bye']);
    expect(c.heard).toEqual(['You spoke with bob.']);
  });

  it('silence, a wrong key and a voicemail everywhere end at the noAnswer port', async () => {
    const c = await place('sequential', mode, ['answer', 'answer:9', 'voicemail']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path, c.transcript.join('\n')).toEqual(['>team', 'team.noAnswer', '>desk', 'desk.noAnswer', '>sorry', 'sorry.next', '>bye', 'end:hangup@bye']);
    expect(c.heard).toEqual(['Nobody could take your call.']);
  });

  it('# as the accept key counts as a key (the transfer after the team)', async () => {
    const c = await place('sequential', mode, ['no-answer', 'busy', 'answer:#']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path, c.transcript.join('\n')).toEqual(['>team', 'team.noAnswer', '>desk', 'desk.connected', '>bye', 'end:hangup@bye']);
  });

  it('rung all at once, the member who accepts takes the call, not the voicemail that picked up first', async () => {
    const c = await place('simultaneous', mode, ['voicemail', 'answer:1']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path, c.transcript.join('\n')).toEqual(['>team', 'team.connected', '>thanks', 'thanks.next', '>bye', 'end:hangup@bye']);
    expect(c.heard).toEqual(['You spoke with bob.']);
  });

  it('rung all at once, nobody accepting is no answer', async () => {
    const c = await place('simultaneous', mode, ['voicemail', 'answer:2', 'voicemail']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path, c.transcript.join('\n')).toEqual(['>team', 'team.noAnswer', '>desk', 'desk.noAnswer', '>sorry', 'sorry.next', '>bye', 'end:hangup@bye']);
  });

  it('a whisper with no key to press plays to whoever answers, then the call goes through (a voicemail too)', async () => {
    const c = await place('whisper', mode, ['voicemail']);
    expect(c.errors, c.transcript.join('\n')).toEqual([]);
    expect(c.path, c.transcript.join('\n')).toEqual(['>desk', 'desk.connected', '>bye', 'end:hangup@bye']);
    const busy = await place('whisper', mode, ['busy']);
    expect(busy.path).toEqual(['>desk', 'desk.busy', '>sorry', 'sorry.next', '>bye', 'end:hangup@bye']);
  });
});
