/**
 * The hold queue through the real server and the offline sandbox, in both modes: signed webhooks, the official SDK,
 * real SQLite. The sandbox scripts the agents' outcomes per ring cycle and the caller's keys at each hold cycle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, until } from './harness.js';

const ALICE = '+13125550101';
const node = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const edge = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
/*
 *  line(queue: alice) ─connected→ thanks ─→ bye
 *                     ├timeout→ sorry ─→ bye
 *                     └callback→ later ─→ bye
 */
const flow = (id: string, data: Record<string, unknown> & { callback?: boolean } = {}) => ({
  format: 'callflow/1', id, name: id, timezone: 'America/Chicago', start: 'line',
  nodes: [
    node('line', 'queue', { members: [{ id: 'alice', name: 'Alice', to: ALICE }], strategy: 'sequential', ringSeconds: 15, announceEverySeconds: 30, maxWaitSeconds: 60, ...data }),
    node('thanks', 'say', { text: 'Thanks for holding. Goodbye.' }),
    node('sorry', 'say', { text: 'Nobody could take your call.' }),
    ...(data.callback ? [node('later', 'say', { text: 'We will call you back.' })] : []),
    node('bye', 'hangup', {}),
  ],
  edges: [edge('line', 'connected', 'thanks'), edge('line', 'timeout', 'sorry'), edge('thanks', 'next', 'bye'), edge('sorry', 'next', 'bye'),
    ...(data.callback ? [edge('line', 'callback', 'later'), edge('later', 'next', 'bye')] : [])],
});

let s: Stack;
const lines: Record<string, string> = {};
beforeAll(async () => {
  s = await businessStack();
  for (const [id, data] of [['q-basic', {}], ['q-two', { maxWaitSeconds: 150 }], ['q-cb', { callback: true, maxWaitSeconds: 600 }]] as const) {
    await s.api('POST', '/api/flows', flow(id, data));
    await s.api('POST', `/api/flows/${id}/publish`);
    lines[id] = await buyNumber(s, '212', { flowId: id });
  }
  await call(s, 'PUT', '/api/team/alice', { name: 'Alice', to: ALICE, status: 'available' });
});
afterAll(async () => { await s?.close(); });

const MODES = ['texml', 'call-control'] as const;
const setMode = (id: string, mode: string) => s.api('PATCH', `/api/numbers/${encodeURIComponent(lines[id]!)}`, { mode });
const place = async (id: string, body: Record<string, unknown>) =>
  (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: lines[id], ...body }) })).json() as Promise<any>;
const said = (t: any): string[] => t.transcript.filter((e: any) => e.kind === 'heard' && !e.text.startsWith('[audio')).map((e: any) => e.text);
const rang = (t: any): string[] => t.transcript.filter((e: any) => e.kind === 'ringing').map((e: any) => e.text);
const entries = async (flowId: string) => (await call(s, 'GET', `/api/queues?flowId=${flowId}`)).body.entries as any[];
const entryOf = async (flowId: string, callId: string) => (await entries(flowId)).find((e) => e.firstCallId === callId);

describe.each(MODES)('hold queue (%s)', (mode) => {
  it('an agent who answers on the 2nd ring cycle takes the call: connected, with the agent noted', async () => {
    await setMode('q-basic', mode);
    const t = await place('q-basic', { from: '+13125550141', callee: ['no-answer', 'answer'], digits: [''] });
    expect(rang(t)).toEqual([ALICE, ALICE]);
    expect(said(t)).toContain('Thanks for holding. Goodbye.');
    expect(said(t).some((x) => x.startsWith('You are caller number 1.'))).toBe(true);
    expect(await until(async () => (await entryOf('q-basic', t.callId))?.state === 'connected' && entryOf('q-basic', t.callId), 'entry connected')).toMatchObject({ agent: 'alice', position: null });
    expect(t.transcript.some((e: any) => e.kind === 'heard' && /\/media\/hold-music\.wav\?seconds=30\]$/.test(e.text))).toBe(true);
  });

  it('nobody answers: the caller leaves by timeout once the longest wait is over', async () => {
    await setMode('q-basic', mode);
    const t = await place('q-basic', { from: '+13125550142', callee: ['no-answer', 'no-answer', 'no-answer'], digits: ['', '', ''] });
    expect(said(t)).toContain('Nobody could take your call.');
    expect(said(t)).not.toContain('Thanks for holding. Goodbye.');
    expect(rang(t)).toEqual([ALICE, ALICE]); // 15 s ring + 30 s hold + 15 s ring = the 60 s longest wait
    expect((await until(() => entryOf('q-basic', t.callId).then((e) => e?.state === 'timeout' && e), 'entry timeout'))).toBeTruthy();
  });

  it('two callers: the first hears "caller number 1", the second "caller number 2", then 1 once the first hung up', async () => {
    await setMode('q-two', mode);
    await call(s, 'PATCH', '/api/team/alice', { status: 'busy' });
    try {
      const first = place('q-two', { from: '+13125550143', digits: ['', '', '', ''], thinkMs: 1000, hangupAfterSeconds: 10 });
      // The second calls once the first holds a place in line.
      await until(async () => (await entries('q-two')).some((e) => e.state === 'waiting'), 'first caller in line');
      const second = await place('q-two', { from: '+13125550144', digits: ['', '', '', '', '', ''], thinkMs: 700 });
      const a = await first;
      const positions = (t: any) => said(t).flatMap((x) => /^You are caller number (\d+)\./.exec(x)?.[1] ?? []);
      expect(positions(a)[0]).toBe('1');
      expect(positions(a).every((p) => p === '1')).toBe(true);
      expect(positions(second)[0]).toBe('2');
      expect(positions(second).at(-1)).toBe('1'); // the first hung up and left the line: the second moved up
      expect((await entryOf('q-two', a.callId)).state).toBe('abandoned');
      expect(said(second)).toContain('Nobody could take your call.');
      expect(said(second)[0]).toMatch(/^You are caller number 2\. Your expected wait is .+\.$/);
    } finally {
      await call(s, 'PATCH', '/api/team/alice', { status: 'available' });
    }
  });

  it('press 1: the caller keeps their place and hangs up; once an agent is free the server calls back and connects them', async () => {
    await setMode('q-cb', mode);
    await call(s, 'PATCH', '/api/team/alice', { status: 'busy' });
    const caller = mode === 'texml' ? '+13125550151' : '+13125550152';
    const t = await place('q-cb', { from: caller, digits: ['1'] });
    expect(said(t)[0]).toMatch(/^You are caller number 1\. Your expected wait is (about \d+ minutes?|less than a minute)\. To keep your place and have us call you back, press 1\.$/);
    expect(said(t)).toContain('We will call you back.');
    expect(rang(t)).toEqual([]); // alice is busy: nobody was rung
    const kept = await until(() => entryOf('q-cb', t.callId).then((e) => e?.state === 'callback' && e), 'place kept');
    expect(kept).toMatchObject({ callbackTo: caller, position: 1 });
    // Alice is free: the call back goes out from the number the caller called, resumes in the queue and rings her.
    await call(s, 'PATCH', '/api/team/alice', { status: 'available' });
    const done = await until(() => entryOf('q-cb', t.callId).then((e) => e?.state === 'connected' && e), 'called back and connected', 15000);
    expect(done.agent).toBe('alice');
    expect(done.callId).not.toBe(t.callId);
    const back = await until(async () => {
      const c = await (await fetch(`${s.url}/sandbox/calls/${encodeURIComponent(done.callId)}`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json() as any;
      return c.ended && c;
    }, 'call back ended', 15000);
    expect(back).toMatchObject({ from: lines['q-cb'], to: caller });
    expect(said(back)[0]).toBe('Hello, this is the call back you asked for. Please hold while we connect you to an agent.');
    expect(rang(back)).toEqual([caller, ALICE]); // the call back rings the caller, then the queue rings alice
    expect(said(back)).toContain('Thanks for holding. Goodbye.');
    const log = (await call(s, 'GET', `/api/calls/${encodeURIComponent(done.callId)}`)).body.call;
    expect(log).toMatchObject({ direction: 'outbound', flowId: 'q-cb', mode });
  });

  it('a call back nobody answers is missed: the place is given up and the next caller is first in line', async () => {
    await setMode('q-cb', mode);
    await call(s, 'PATCH', '/api/team/alice', { status: 'busy' });
    const caller = mode === 'texml' ? '+13125550161' : '+13125550162';
    const t = await place('q-cb', { from: caller, digits: ['1'] });
    await until(() => entryOf('q-cb', t.callId).then((e) => e?.state === 'callback'), 'place kept');
    const q = await fetch(`${s.url}/sandbox/callees`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: caller, answeredBy: 'no-answer' }) });
    expect(q.status).toBe(201);
    await call(s, 'PATCH', '/api/team/alice', { status: 'available' });
    const missed = await until(() => entryOf('q-cb', t.callId).then((e) => e?.state === 'missed' && e), 'call back missed', 15000);
    expect(missed.callId).not.toBe(t.callId);
    const next = await place('q-cb', { from: '+13125550163', callee: ['answer'] });
    expect(rang(next)).toEqual([ALICE]);
  });
});

describe('hold queue API and media', () => {
  it('the cost estimate counts the wait and the agent leg by exit', async () => {
    const est = await s.api('GET', '/api/usage/estimate/q-cb');
    const by = (port: string) => est.paths.find((p: any) => p.ports[0] === port);
    expect(est.assumptions.queueWaitSeconds).toBe(120);
    // connected: 120 s assumed wait + 15 s ring + 180 s talk on the caller's leg (+ "Thanks…"), 180 s agent leg
    expect(by('connected')).toMatchObject({ outboundSeconds: 180 });
    expect(by('connected').seconds).toBeGreaterThanOrEqual(315);
    expect(by('timeout').seconds).toBeGreaterThanOrEqual(600); // the whole longest wait
    expect(by('callback').outboundSeconds).toBe(15 + 2 * 180); // the call back and its agent leg
  });

  it('GET /api/queues: bad filters are a 400 naming the field; no key, no entries', async () => {
    const bad = await call(s, 'GET', '/api/queues?limit=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual(['limit']);
    const unknown = await call(s, 'GET', '/api/queues?state=waiting');
    expect(unknown.status).toBe(400);
    expect((await call(s, 'GET', '/api/queues', undefined, 'cf_not-a-key')).status).toBe(401);
  });

  it('serves the built-in hold music: a WAV of the asked length (1–600 s), public (Telnyx fetches it), odd lengths clamped', async () => {
    const get = async (q: string) => fetch(`${s.url}/media/hold-music.wav${q}`);
    const r = await get('?seconds=12');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await r.arrayBuffer());
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.subarray(8, 12).toString()).toBe('WAVE');
    expect(wav.readUInt32LE(24)).toBe(8000); // sample rate
    expect(wav.readUInt32LE(40)).toBe(12 * 8000); // 12 s of 8-bit mono samples
    expect(new Set(wav.subarray(44, 44 + 8000)).size).toBeGreaterThan(10); // a tune, not silence
    const odd = Buffer.from(await (await get('?seconds=abc')).arrayBuffer());
    expect(odd.readUInt32LE(40)).toBe(30 * 8000);
    const huge = Buffer.from(await (await get('?seconds=99999')).arrayBuffer());
    expect(huge.readUInt32LE(40)).toBe(600 * 8000);
  });
});
