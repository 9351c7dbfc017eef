/**
 * The engine's domain effects, run by the server (server/calls/effects.ts): the server acts on what the
 * engine decided, never on a node's raw data. A transfer whose destination is a template reaches a team
 * member; once TeXML reports the Dial over, that member (the number the template filled to) has just
 * finished a call. Before, the server looked the member up by the node's raw `to` ("{{vars.desk}}") and
 * found nobody.
 *
 *   pick(setVariable desk = ALICE) → xfer(transfer to {{vars.desk}}) ─connected→ bye(hangup)
 *                                                                   └noAnswer/busy/failed→ bye
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call } from './harness.js';

const ALICE = '+13125550121';
const flow = {
  format: 'callflow/1', id: 'desk-line', name: 'Desk', timezone: 'America/Chicago', start: 'pick',
  nodes: [
    { id: 'pick', type: 'setVariable', position: { x: 0, y: 0 }, data: { name: 'desk', value: ALICE } },
    { id: 'xfer', type: 'transfer', position: { x: 0, y: 100 }, data: { to: '{{vars.desk}}', ringSeconds: 15 } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'pick', sourceHandle: 'next', target: 'xfer' },
    ...['connected', 'noAnswer', 'busy', 'failed'].map((port) => ({ id: `x-${port}`, source: 'xfer', sourceHandle: port, target: 'bye' })),
  ],
};
const NOW = new Date('2026-11-23T16:00:00Z');

let s: Stack;
let line: string;
beforeAll(async () => {
  s = await businessStack({ now: () => NOW });
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/desk-line/publish');
  line = await buyNumber(s, '212', { flowId: 'desk-line' });
  await call(s, 'PUT', '/api/team/alice', { name: 'Alice', to: ALICE });
});
afterAll(async () => { await s.close(); });

const placeCall = async (body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: '+13125550147', ...body }) })).json() as Promise<any>;
const alice = async () => (await call(s, 'GET', '/api/team')).body.members.find((m: any) => m.id === 'alice');

describe('effects: member.release', () => {
  it('TeXML: a transfer to a templated destination releases the member the template filled to', async () => {
    expect((await alice()).lastCallEndedAt).toBeNull();
    const t = await placeCall({ callee: ['no-answer'] });
    expect(t.transcript.filter((e: any) => e.kind === 'ringing').map((e: any) => e.text)).toEqual([ALICE]);
    expect((await alice()).lastCallEndedAt).toBeNull(); // nobody answered: nobody to release
    await placeCall({ callee: ['answer'] });
    expect(await alice()).toMatchObject({ status: 'available', lastCallEndedAt: NOW.toISOString() });
  });
});
