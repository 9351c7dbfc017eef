/**
 * The audit log against the sandbox: buying, configuring and releasing a number (through the real routes and
 * the sandbox's Telnyx) each leave one entry saying who did it; so does deleting a voicemail a sandbox call left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, until, voicemailFlow } from '../business/harness.js';

let s: Stack;
beforeAll(async () => { s = await businessStack(); });
afterAll(async () => { await s.close(); });

describe('audit: numbers', () => {
  it('records the purchase, the configuration and the release, with the key that did them', async () => {
    const num = await buyNumber(s, '303');
    expect((await call(s, 'PATCH', `/api/numbers/${encodeURIComponent(num)}`, { voicemail: false })).status).toBe(200);
    expect((await call(s, 'DELETE', `/api/numbers/${encodeURIComponent(num)}`)).status).toBe(200);
    const log = (await call(s, 'GET', '/api/audit')).body;
    const mine = log.entries.filter((e: any) => e.target === num);
    expect(mine.map((e: any) => e.action)).toEqual(['number.release', 'number.configure', 'number.buy']);
    expect(mine.every((e: any) => /^API key cf_.{6}…$/.test(e.actor))).toBe(true);
    expect(mine[1].detail).toEqual({ voicemail: false });
    expect(log.entries.find((e: any) => e.action === 'number.connections')).toBeTruthy(); // businessStack set them
  });

  it('records deleting a voicemail', async () => {
    await s.api('POST', '/api/flows', voicemailFlow('vm-audit'));
    await s.api('POST', '/api/flows/vm-audit/publish');
    const line = await buyNumber(s, '617', { flowId: 'vm-audit' });
    const placed = await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: '+13125550147', speech: ['call me back'] }) })).json() as { callId: string };
    const vm = await until(async () => (await call(s, 'GET', '/api/voicemails')).body.voicemails.find((v: any) => v.callId === placed.callId), 'voicemail');
    expect((await call(s, 'POST', `/api/voicemails/${vm.id}/trash`)).status).toBe(200); // the console's delete (with undo)
    expect((await call(s, 'POST', `/api/voicemails/${vm.id}/restore`)).status).toBe(200);
    expect((await call(s, 'DELETE', `/api/voicemails/${vm.id}`)).status).toBe(204);
    const log = (await call(s, 'GET', '/api/audit')).body.entries.filter((e: any) => e.target === vm.id);
    expect(log.map((e: any) => [e.action, e.detail])).toEqual([['voicemail.delete', null], ['voicemail.restore', null], ['voicemail.delete', { undoSeconds: expect.any(Number) }]]);
  });
});
