import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { VOICEMAIL_GRACE_MS } from '../../server/notify/missed.js';
import { businessStack, buyNumber, call } from './harness.js';

/*
 * One meaning of "missed": the history's `outcome` (GET /api/calls/:id, the SQL) and the missed-call alert (the
 * outbox) must agree on every call, in both modes, for every way a call ends.
 *
 *   menu ─1→ desk(transfer) ─connected/noAnswer/busy/failed→ bye(hangup)
 *     ├2→ vm(voicemail) ─next/noRecording→ bye
 *     ├3→ closed(say "we are closed") → bye          (a flow that only plays a message)
 *     ├4→ team(roundRobin, 20 s) ─connected/noAnswer→ bye
 *     └timeout/invalid→ bye
 */
const ed = (source: string, port: string, target: string) => ({ id: `${source}-${port}`, source, sourceHandle: port, target });
const flow = {
  format: 'callflow/1', id: 'agree', name: 'Agree', timezone: 'America/Chicago', start: 'menu',
  nodes: [
    { id: 'menu', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press a key.' }, options: { 1: 'Desk', 2: 'Message', 3: 'Hours', 4: 'Team' }, timeoutSeconds: 5, maxRetries: 0 } },
    { id: 'desk', type: 'transfer', position: { x: 0, y: 100 }, data: { to: '+13125550111', ringSeconds: 10 } },
    { id: 'vm', type: 'voicemail', position: { x: 200, y: 100 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 30 } },
    { id: 'closed', type: 'say', position: { x: 400, y: 100 }, data: { text: 'We are closed. Goodbye.' } },
    { id: 'team', type: 'roundRobin', position: { x: 600, y: 100 }, data: { members: [{ id: 'ann', name: 'Ann', to: '+13125550112' }, { id: 'bob', name: 'Bob', to: '+13125550113' }], strategy: 'simultaneous', ringSeconds: 20 } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    ed('menu', '1', 'desk'), ed('menu', '2', 'vm'), ed('menu', '3', 'closed'), ed('menu', '4', 'team'), ed('menu', 'timeout', 'bye'), ed('menu', 'invalid', 'bye'),
    ...['connected', 'noAnswer', 'busy', 'failed'].map((p) => ed('desk', p, 'bye')), ed('vm', 'next', 'bye'), ed('vm', 'noRecording', 'bye'),
    ed('closed', 'next', 'bye'), ed('team', 'connected', 'bye'), ed('team', 'noAnswer', 'bye'),
  ],
};

/** Each ending: the caller's script, and on which line (`off`: the number's voicemail is switched off). */
const ENDINGS: Record<string, { script: Record<string, unknown>; off?: boolean }> = {
  'answered': { script: { digits: ['1'], callee: ['answer'] } },
  'voicemail kept': { script: { digits: ['2'], speech: ['Please call me back about the order'] } },
  'voicemail empty': { script: { digits: ['2'], speech: [''] } },
  'voicemail left, number voicemail off': { script: { digits: ['2'], speech: ['Please call me back'] }, off: true },
  'hung up in voicemail greeting': { script: { digits: ['2'], hangupAfterSeconds: 3 } },
  'hung up in menu': { script: { hangupAfterSeconds: 1 } },
  'no answer then hang-up': { script: { digits: ['1'], callee: ['no-answer'] } },
  'play and hang up': { script: { digits: ['3'] } },
  'caller hung up while a team rang': { script: { digits: ['4'], callee: ['no-answer', 'no-answer'], hangupAfterSeconds: 8 } },
};

let s: Stack;
let skew = 0; // the server's clock, moved past the voicemail grace once every call ended
beforeAll(async () => {
  s = await businessStack({ now: () => new Date(Date.now() + skew), notify: { pollMs: 200 } });
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/agree/publish');
}, 30_000);
afterAll(async () => { await s?.close(); });

describe.each(['texml', 'call-control'] as const)('the history\'s "missed" and the missed-call alert agree (%s)', (mode) => {
  it('on every ending', async () => {
    const lines: Record<'on' | 'off', string> = { on: '', off: '' };
    for (const k of ['on', 'off'] as const) {
      lines[k] = await buyNumber(s, mode === 'texml' ? '415' : '646', { flowId: 'agree', mode });
      if (k === 'off') expect((await call(s, 'PATCH', `/api/numbers/${encodeURIComponent(lines.off)}`, { voicemail: false })).status).toBe(200);
      expect((await call(s, 'PUT', `/api/notifications/missed/${encodeURIComponent(lines[k])}`, { sms: '+13125550123' })).status).toBe(200);
    }
    const ids: Record<string, string> = {};
    for (const [name, { script, off }] of Object.entries(ENDINGS)) {
      const res = await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: off ? lines.off : lines.on, from: '+13125550188', ...script }) });
      const t = await res.json() as { callId: string; mode: string };
      expect(t.mode).toBe(mode);
      ids[name] = t.callId;
    }
    // One list of calls and one outbox per poll (the API allows 600 requests a minute per key).
    const outcomes = async () => new Map(((await call(s, 'GET', '/api/calls?limit=100')).body.calls as { callId: string; outcome: string }[]).map((c) => [c.callId, c.outcome]));
    const alerts = async () => ((await call(s, 'GET', '/api/notifications/outbox')).body.outbox as { ref: string; kind: string; state: string }[]).filter((r) => r.kind === 'missed-call');
    const poll = async (fn: () => Promise<boolean>, what: string) => { for (let i = 0; !(await fn()); i++) { if (i > 100) throw new Error(`timed out waiting for ${what}: ${JSON.stringify((await call(s, 'GET', '/api/notifications/outbox')).body.outbox.filter((r: any) => r.state === 'pending'))}`); await new Promise((r) => setTimeout(r, 200)); } };
    await poll(async () => { const o = await outcomes(); return Object.values(ids).every((id) => o.has(id) && o.get(id) !== 'live'); }, 'calls ended');
    skew += VOICEMAIL_GRACE_MS + 1000; // alerts held for a voicemail's recording are now due
    await poll(async () => (await alerts()).every((r) => r.state !== 'pending'), 'alerts settled');

    const [o, rows] = [await outcomes(), await alerts()];
    const seen = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, { outcome: o.get(id)!, alerted: rows.some((r) => r.ref === id && r.state === 'sent') }]));
    const disagree = Object.entries(seen).filter(([, v]) => v.alerted !== (v.outcome === 'missed')).map(([k, v]) => `${k}: outcome ${v.outcome}, alert ${v.alerted ? 'sent' : 'none'}`);
    expect(disagree).toEqual([]);
    // And the one meaning is the one a business owner expects: only a person or a kept message is not missed.
    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.outcome]))).toEqual({
      'answered': 'answered', 'voicemail kept': 'voicemail', 'voicemail empty': 'missed',
      'voicemail left, number voicemail off': 'missed', 'hung up in voicemail greeting': 'missed', 'hung up in menu': 'missed',
      'no answer then hang-up': 'missed', 'play and hang up': 'missed', 'caller hung up while a team rang': 'missed',
    });
  }, 90_000);
});
