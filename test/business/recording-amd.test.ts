/**
 * Recordings and answering machine detection on the call log, over HTTP
 * against the sandbox: a `<Dial record>` recording (RecordingSource DialVerb)
 * is the call's recording, never a voicemail; premium AMD results and
 * greeting results are logged as Telnyx reports them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, sendEvent, until } from './harness.js';

/*
 *   hello(say) → sales(transfer, record) ─connected→ bye(hangup)
 *                                        └noAnswer/busy/failed→ bye
 */
const flow = {
  format: 'callflow/1', id: 'rec-line', name: 'Recorded transfer', timezone: 'America/Chicago', start: 'hello',
  nodes: [
    { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Connecting you.' } },
    { id: 'sales', type: 'transfer', position: { x: 0, y: 100 }, data: { to: '+13125550110', ringSeconds: 20, record: true } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'hello', sourceHandle: 'next', target: 'sales' },
    ...['connected', 'noAnswer', 'busy', 'failed'].map((port) => ({ id: `s-${port}`, source: 'sales', sourceHandle: port, target: 'bye' })),
  ],
};

let s: Stack;
let line: string;
const CUSTOMER = '+13125550147';
beforeAll(async () => {
  s = await businessStack();
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/rec-line/publish');
  line = await buyNumber(s, '512', { flowId: 'rec-line' });
});
afterAll(async () => { await s.close(); });

const getCall = async (id: string) => (await call(s, 'GET', `/api/calls/${encodeURIComponent(id)}`)).body.call;

describe('a transfer recording is a call recording', () => {
  it('TeXML: the DialVerb recording is kept on the call log; no voicemail is made of it', async () => {
    const res = await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: CUSTOMER, mode: 'texml', callee: ['answer'] }) });
    const t = (await res.json()) as { callId: string; transcript: { kind: string }[] };
    expect(t.transcript.map((e) => e.kind)).toContain('connected');
    const logged = await until(async () => { const c = await getCall(t.callId); return c?.recordingUrl?.startsWith('/api/') && c; }, 'recording kept');
    expect((await call(s, 'GET', logged.recordingUrl)).status).toBe(200);
    expect(await s.app.locals.ctx.store.voicemailsOfCall(t.callId)).toEqual([]);
    expect((await call(s, 'GET', '/api/voicemails')).body.voicemails).toEqual([]);
  });
});

describe('answering machine detection on the call log', () => {
  it('premium AMD: its own event and finer result are logged (and charged once)', async () => {
    const dial = await call(s, 'POST', '/api/calls', { from: line, to: CUSTOMER, answeringMachineDetection: 'premium' });
    expect(dial.status).toBe(201);
    const id = dial.body.call.callId as string;
    const answered = await until(async () => { const c = await getCall(id); return c.amdResult && c; }, 'amd logged');
    expect(answered.amdResult).toBe('human_residence');
    // A machine's greeting: how it ended is logged too (standard and premium events alike).
    const greeting = await sendEvent(s, '/webhooks/call-control', 'call.machine.premium.greeting.ended', { call_control_id: id, call_leg_id: 'l', call_session_id: 's', result: 'beep_detected' });
    expect(greeting.status).toBe(200);
    expect((await getCall(id)).amdGreeting).toBe('beep_detected');
    expect((await call(s, 'GET', '/api/usage')).body.entries.filter((e: any) => e.ref === id && e.kind === 'amd_call')).toHaveLength(1);
    await call(s, 'POST', `/api/calls/${encodeURIComponent(id)}/hangup`);
  });
});
