import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, until } from './harness.js';
import { DESK_LINE as line } from './desk-line.js';

/** The call history and timeline against real sandbox calls, on the desk line (desk-line.ts). */
let s: Stack;
let number: string;
const ids: Record<'answered' | 'voicemail' | 'missed', string> = { answered: '', voicemail: '', missed: '' };
const place = async (body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: number, from: '+13125550177', ...body }),
})).json() as Promise<{ callId: string }>;
const get = (path: string) => call(s, 'GET', path);

beforeAll(async () => {
  s = await businessStack();
  await s.api('POST', '/api/flows', line);
  await s.api('POST', '/api/flows/line/publish');
  number = await buyNumber(s, '312', { flowId: 'line' });
  ids.answered = (await place({ digits: ['1'], callee: ['answer'] })).callId;
  ids.voicemail = (await place({ digits: ['2'], speech: ['Call me back about the order'] })).callId;
  ids.missed = (await place({ digits: ['1'], callee: ['no-answer'] })).callId;
  await until(async () => (await get('/api/calls?status=active')).body.calls.length === 0 && (await get('/api/calls?outcome=voicemail')).body.calls.length === 1, 'calls ended');
}, 60_000);
afterAll(async () => { await s?.close(); });

describe('GET /api/calls: the history', () => {
  it('classifies each call: answered (transfer connected), voicemail (a message kept), missed (nobody answered)', async () => {
    const all = (await get('/api/calls')).body.calls as Array<{ callId: string; outcome: string }>;
    expect(Object.fromEntries(all.map((c) => [c.callId, c.outcome]))).toEqual({ [ids.answered]: 'answered', [ids.voicemail]: 'voicemail', [ids.missed]: 'missed' });
    for (const outcome of ['answered', 'voicemail', 'missed'] as const) {
      expect((await get(`/api/calls?outcome=${outcome}`)).body.calls.map((c: { callId: string }) => c.callId)).toEqual([ids[outcome]]);
    }
    expect((await get('/api/calls?outcome=no-answer')).body.calls).toEqual([]);
    expect((await get(`/api/calls/${ids.voicemail}`)).body.call.outcome).toBe('voicemail');
  });

  it('filters by number, direction and dates, and pages by cursor without repeats', async () => {
    expect((await get(`/api/calls?number=${encodeURIComponent(number)}&direction=inbound`)).body.calls).toHaveLength(3);
    expect((await get('/api/calls?number=%2B13125550100')).body.calls).toEqual([]);
    expect((await get('/api/calls?direction=outbound')).body.calls).toEqual([]);
    expect((await get(`/api/calls?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.calls).toEqual([]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { calls: Array<{ callId: string }>; nextCursor: string | null } = (await get(`/api/calls?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.calls).toHaveLength(1);
      seen.push(page.calls[0]!.callId);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual((await get('/api/calls')).body.calls.map((c: { callId: string }) => c.callId));
    expect(new Set(seen).size).toBe(3);
  });

  it('answers 400 with the path for a bad filter, an unknown one and a forged cursor', async () => {
    for (const [q, path] of [['outcome=lost', 'outcome'], ['cursor=abc', 'cursor'], ['colour=red', 'colour'], ['number=5551234', 'number']] as const) {
      const r = await get(`/api/calls?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.path, q).toEqual(path ? [path] : []);
    }
  });

  it('GET /api/calls/live lists calls in progress, and a repeat with If-None-Match is 304', async () => {
    const placing = place({ digits: ['2'], speech: ['slow'], thinkMs: 1500 });
    const live = await until(async () => (await get('/api/calls/live')).body.calls[0], 'a live call');
    expect(live).toMatchObject({ outcome: 'live', to: number, node: 'menu' });
    const first = await fetch(`${s.url}/api/calls?outcome=answered`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    const tag = first.headers.get('etag');
    expect(tag).toBeTruthy();
    // fetch() adds `cache-control: no-cache` to a request with If-None-Match unless it has one: the console sends max-age=0.
    const again = await fetch(`${s.url}/api/calls?outcome=answered`, { headers: { authorization: `Bearer ${s.apiKey}`, 'if-none-match': tag!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
    await placing;
    await until(async () => (await get('/api/calls/live')).body.calls.length === 0, 'the live call ended');
  });
});

describe('POST /api/calls/:id/hangup on a TeXML call', () => {
  it('ends it through the TeXML calls API (its CallSid is no call_control_id); the call log says who hung up', async () => {
    const placing = place({ digits: ['2'], speech: ['never heard'], thinkMs: 4000 });
    const live = await until(async () => (await get('/api/calls/live')).body.calls[0], 'a live call');
    expect((await call(s, 'POST', `/api/calls/${encodeURIComponent(live.callId)}/hangup`)).status).toBe(202);
    const ended = (await placing) as unknown as { ended: { by: string; reason: string } };
    expect(ended.ended).toEqual({ by: 'app', reason: 'call updated: Status=completed' });
    const c = await until(async () => { const r = (await get(`/api/calls/${live.callId}/timeline`)).body; return !r.live && r.call; }, 'the call ended');
    expect(c).toMatchObject({ outcome: 'missed', hangupSource: 'callee' });
    expect((await call(s, 'POST', `/api/calls/${encodeURIComponent(live.callId)}/hangup`)).status).toBe(409);
  });
});

describe('GET /api/calls/:id/timeline: the debugger view', () => {
  it('merges webhooks, nodes, ports and the TeXML answered, in time order, with costs', async () => {
    const t = (await get(`/api/calls/${ids.answered}/timeline`)).body;
    expect(t.live).toBe(false);
    expect(t.call).toMatchObject({ callId: ids.answered, outcome: 'answered', flowId: 'line' });
    const kinds = t.entries.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).toBe('webhook');
    // The voice URL's webhook, then the step it caused (menu entered), then our TeXML.
    expect(kinds.slice(0, 3)).toEqual(['webhook', 'node', 'answer']);
    expect(t.entries[1]).toMatchObject({ kind: 'node', node: 'menu' });
    expect(t.entries[2]).toMatchObject({ kind: 'answer', format: 'texml' });
    expect(t.entries[2].body).toContain('<Gather');
    const moves = t.entries.filter((e: { kind: string }) => e.kind === 'node' || e.kind === 'port').map((e: any) => (e.kind === 'node' ? `>${e.node}` : `${e.node}.${e.port}`));
    expect(moves).toEqual(['>menu', 'menu.1', '>desk', 'desk.connected', '>bye']);
    const times = t.entries.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
    expect(t.entries.find((e: any) => e.kind === 'cost')).toMatchObject({ item: 'call_in_minute' });
    expect(t.totalMicros).toBeGreaterThan(0);
    const text = JSON.stringify(t);
    expect(text).not.toMatch(/telnyx-signature-ed25519|telnyx-timestamp/i);
  });

  it('shows the voicemail recording, playable from the API', async () => {
    const t = (await get(`/api/calls/${ids.voicemail}/timeline`)).body;
    const rec = t.entries.find((e: { kind: string }) => e.kind === 'recording');
    expect(rec).toBeTruthy();
    const audio = await get(rec.url);
    expect(audio.status).toBe(200);
  });

  it('another company sees none of it: 404 on the timeline and the script', async () => {
    const other = await s.app.locals.ctx.store.createCompany('Other');
    for (const p of [`/api/calls/${ids.answered}/timeline`, `/api/calls/${ids.answered}/script`]) {
      const r = await call(s, 'GET', p, undefined, other.apiKey);
      expect(r.status, p).toBe(404);
    }
    expect((await call(s, 'GET', '/api/calls', undefined, other.apiKey)).body.calls).toEqual([]);
  });
});

describe('GET /api/calls/:id/script: the recorded call for the simulator', () => {
  it('lists the engine events the webhooks meant, with the step each answered, and where the call ended', async () => {
    const sc = (await get(`/api/calls/${ids.missed}/script`)).body;
    expect(sc).toMatchObject({ callId: ids.missed, flowId: 'line', mode: 'texml', to: number });
    const events = sc.steps.map((x: any) => x.event);
    expect(events[0]).toMatchObject({ type: 'call.started', to: number });
    expect(events[1]).toEqual({ type: 'input.digits', digits: '1' });
    expect(events[2]).toMatchObject({ type: 'dial.ended', status: 'no-answer' });
    expect(sc.steps[1].seq).toBeTypeOf('number');
    expect(sc.recorded.path).toContain('desk.noAnswer');
    expect(sc.recorded.end).toMatch(/^end:/);
  });
});
