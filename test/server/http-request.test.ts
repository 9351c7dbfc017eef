/**
 * httpRequest end to end: the real server (real SQLite, the official SDK) against the offline sandbox, calls in
 * both modes, and a real HTTP target on this machine (allowed with CALLFLOW_ALLOW_PRIVATE_WEBHOOKS' option,
 * `outbound.allowPrivate: 127.0.0.1/32`). The caller hears the hold prompt, the flow goes on by the port the
 * answer gives (ok, error, timeout, a refused address), each request is sent once (also when Telnyx delivers the
 * webhook that asked for it twice), and the exported call replays with no request at all.
 *
 *   set(api = host:port) → ask(collect order, 4 digits) → look(httpRequest GET http://{{vars.api}}/orders/{{vars.order}},
 *       vars.status ← order.status, hold "One moment while I look that up.", 1 s)
 *         ─ok→ said("Your order is {{vars.status}}.") → bye
 *         ─error→ sorry("Sorry, we could not find that order.") → bye
 *         ─timeout→ slow("Our system is slow right now.") → bye
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack, type Stack } from '../../server/stack.js';
import { holdInSandbox } from '../../server/seed.js';
import { replayFixture, type FixtureFiles } from '../../server/fixtures/replay.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Hit { method: string; url: string; headers: IncomingMessage['headers']; body: string }
const hits: Hit[] = [];
let target: Server;
let port = 0;

function startTarget(): Promise<void> {
  target = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const order = /^\/orders\/(\d+)/.exec(req.url ?? '')?.[1];
      if (order === '9999') { setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"order":{"status":"late"}}'); }, 3000); return; }
      if (order === '1234') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ order: { status: 'shipped', eta: '2026-12-09' } })); return; }
      res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"no such order"}');
    });
  });
  // Every interface: a request to another loopback address (127.0.0.2) would reach it if the guard let it through.
  return new Promise((r) => target.listen(0, '0.0.0.0', () => { port = (target.address() as AddressInfo).port; r(); }));
}

const flow = (id: string, api: string) => ({
  format: 'callflow/1', id, name: 'Order status', timezone: 'America/Chicago', start: 'set',
  nodes: [
    { id: 'set', type: 'setVariable', position: { x: 0, y: 0 }, data: { name: 'api', value: api } },
    { id: 'ask', type: 'collect', position: { x: 0, y: 100 }, data: { prompt: { text: 'Please enter your order number.' }, variable: 'order', numDigits: 4 } },
    { id: 'look', type: 'httpRequest', position: { x: 0, y: 200 }, data: {
      url: 'http://{{vars.api}}/orders/{{vars.order}}', headers: { 'X-Caller': '{{caller.from}}' }, vars: { status: 'order.status' },
      hold: { text: 'One moment while I look that up.' }, timeoutSeconds: 1,
    } },
    { id: 'said', type: 'say', position: { x: 0, y: 300 }, data: { text: 'Your order is {{vars.status}}.' } },
    { id: 'sorry', type: 'say', position: { x: 200, y: 300 }, data: { text: 'Sorry, we could not find that order.' } },
    { id: 'slow', type: 'say', position: { x: 400, y: 300 }, data: { text: 'Our system is slow right now.' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 400 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'set', sourceHandle: 'next', target: 'ask' },
    { id: 'e2', source: 'ask', sourceHandle: 'next', target: 'look' },
    { id: 'e3', source: 'look', sourceHandle: 'ok', target: 'said' },
    { id: 'e4', source: 'look', sourceHandle: 'error', target: 'sorry' },
    { id: 'e5', source: 'look', sourceHandle: 'timeout', target: 'slow' },
    { id: 'e6', source: 'said', sourceHandle: 'next', target: 'bye' },
    { id: 'e7', source: 'sorry', sourceHandle: 'next', target: 'bye' },
    { id: 'e8', source: 'slow', sourceHandle: 'next', target: 'bye' },
  ],
});

let s: Stack;
const NUMBERS = { texml: '+13125550161', 'call-control': '+13125550162', privTexml: '+13125550163', privCc: '+13125550164' } as const;

async function route(e164: string, flowId: string, mode: 'texml' | 'call-control') {
  await holdInSandbox(s.app.locals.ctx.telnyx, e164, mode === 'texml' ? s.sandbox!.texmlConnectionId : s.sandbox!.callControlConnectionId);
  await s.api('PUT', `/api/numbers/${encodeURIComponent(e164)}`, { flowId, mode });
}

interface SandboxCall { callId: string; transcript: { kind: string; text: string }[] }
async function place(to: string, mode: 'texml' | 'call-control', digits: string[]): Promise<SandboxCall> {
  const res = await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to, from: '+13125550147', digits, mode }) });
  expect(res.status).toBe(200);
  return (await res.json()) as SandboxCall;
}
const heard = (c: SandboxCall) => c.transcript.filter((t) => t.kind === 'heard' || t.kind === 'said').map((t) => t.text);

async function exported(callId: string): Promise<FixtureFiles> {
  const fx = await s.api<{ files: Record<string, string | unknown> }>('GET', `/api/calls/${encodeURIComponent(callId)}/fixture`);
  const text = (k: string) => (typeof fx.files[k] === 'string' ? (fx.files[k] as string) : JSON.stringify(fx.files[k]));
  const lines = (k: string) => text(k).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { flow: JSON.parse(text('flow.json')), events: lines('events.jsonl'), expected: lines('expected.jsonl'), call: JSON.parse(text('call.json')) } as FixtureFiles;
}
/** The call log's path once the call has ended (its status callback may still be on its way). */
async function pathOf(callId: string): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const c = await s.api<{ call: { path: string[]; endedAt: string | null } }>('GET', `/api/calls/${encodeURIComponent(callId)}`);
    if (c.call.endedAt) return c.call.path;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the call did not end');
}

beforeAll(async () => {
  await startTarget();
  s = await startStack({ outbound: { allowPrivate: ['127.0.0.1/32'] } });
  await s.api('POST', '/api/flows', flow('orders', `127.0.0.1:${port}`));
  await s.api('POST', '/api/flows/orders/publish');
  await s.api('POST', '/api/flows', flow('orders-private', `127.0.0.2:${port}`));
  await s.api('POST', '/api/flows/orders-private/publish');
  await route(NUMBERS.texml, 'orders', 'texml');
  await route(NUMBERS['call-control'], 'orders', 'call-control');
  await route(NUMBERS.privTexml, 'orders-private', 'texml');
  await route(NUMBERS.privCc, 'orders-private', 'call-control');
});
afterAll(async () => { await s?.close(); target?.closeAllConnections(); await new Promise((r) => target?.close(r)); });

describe.each(['texml', 'call-control'] as const)('httpRequest through the real server and the sandbox (%s)', (mode) => {
  const to = NUMBERS[mode];

  it('ok: the caller hears the hold prompt, the request is sent once with its headers, the JSON field is said; the fixture replays offline', async () => {
    const before = hits.length;
    const call = await place(to, mode, ['1234']);
    expect(heard(call)).toEqual(expect.arrayContaining(['One moment while I look that up.', 'Your order is shipped.']));
    const mine = hits.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ method: 'GET', url: '/orders/1234', headers: { 'x-caller': '+13125550147', 'user-agent': expect.stringContaining('Callflow') } });
    expect(await pathOf(call.callId)).toEqual(expect.arrayContaining(['look.ok', '>said']));
    const files = await exported(call.callId);
    // The result is an outside fact: recorded with the step that was answered with it.
    expect(Object.values(files.call?.steps ?? {})).toContainEqual({ http: { status: 200, body: JSON.stringify({ order: { status: 'shipped', eta: '2026-12-09' } }) } });
    // The builder's replay script (GET /api/calls/:id/script) carries the recorded result, not a made-up one.
    const script = await s.api<{ steps: { event: { type: string; result?: unknown } }[] }>('GET', `/api/calls/${encodeURIComponent(call.callId)}/script`);
    expect(script.steps.map((st) => st.event).filter((e) => e.type === 'http.ended')).toEqual([{ type: 'http.ended', result: { status: 200, body: JSON.stringify({ order: { status: 'shipped', eta: '2026-12-09' } }) } }]);
    const sent = hits.length;
    const lines = await replayFixture(files);
    expect(lines.map((l) => l.diff)).toEqual(lines.map(() => []));
    expect(hits.length).toBe(sent); // the replay sent nothing
  });

  it('error: a 404 leaves by error', async () => {
    const call = await place(to, mode, ['0000']);
    expect(heard(call)).toEqual(expect.arrayContaining(['One moment while I look that up.', 'Sorry, we could not find that order.']));
    expect(await pathOf(call.callId)).toContain('look.error');
    // A body the node does not read (not a 2xx) is not kept in the call's record.
    const files = await exported(call.callId);
    expect(Object.values(files.call?.steps ?? {})).toContainEqual({ http: { status: 404, body: '' } });
  });

  it('timeout: an answer slower than the timeout leaves by timeout (the caller is not kept waiting for it)', async () => {
    const call = await place(to, mode, ['9999']);
    expect(heard(call)).toContain('Our system is slow right now.');
    expect(await pathOf(call.callId)).toContain('look.timeout');
    const files = await exported(call.callId);
    expect(Object.values(files.call?.steps ?? {})).toContainEqual({ http: { timeout: true } });
    expect((await replayFixture(files)).every((l) => l.diff.length === 0)).toBe(true);
  });

  it('a private address nobody allowed (127.0.0.2) is refused before any request: error, and the target saw nothing', async () => {
    const before = hits.length;
    const call = await place(mode === 'texml' ? NUMBERS.privTexml : NUMBERS.privCc, mode, ['1234']);
    expect(heard(call)).toContain('Sorry, we could not find that order.');
    expect(hits.length).toBe(before);
    const files = await exported(call.callId);
    const http = Object.values(files.call?.steps ?? {}).map((e) => (e as { http?: { error?: string } }).http).find(Boolean);
    expect(http?.error).toMatch(/^refused: 127\.0\.0\.2 is loopback/);
  });
});

describe('a webhook Telnyx delivers twice sends the request once; another instance answers it', () => {
  let t: Stack;
  /** A second instance on the same database (scale-out: any instance takes any webhook). */
  let t2: Stack;
  const dir = mkdtempSync(join(tmpdir(), 'cf-http-'));
  const post = async (path: string, body: string, type: string, on = t) => {
    const res = await fetch(`${on.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...on.sign(body) }, body });
    return { status: res.status, text: await res.text() };
  };
  const form = (path: string, f: Record<string, string>, on = t) => post(path, new URLSearchParams(f).toString(), 'application/x-www-form-urlencoded', on);
  const cc = (id: string, type: string, payload: Record<string, unknown>) =>
    post('/webhooks/call-control', JSON.stringify({ data: { record_type: 'event', event_type: type, id, occurred_at: new Date().toISOString(), payload }, meta: { attempt: 1 } }), 'application/json');

  beforeAll(async () => {
    t = await startStack({ telnyx: 'accept-all', outbound: { allowPrivate: ['127.0.0.1/32'] }, dbFile: join(dir, 'cf.db') });
    t2 = await startStack({ telnyx: 'accept-all', outbound: { allowPrivate: ['127.0.0.1/32'] }, dbFile: join(dir, 'cf.db') });
    await t.api('POST', '/api/flows', flow('orders', `127.0.0.1:${port}`));
    await t.api('POST', '/api/flows/orders/publish');
    await t.api('PUT', `/api/numbers/${encodeURIComponent('+13125550171')}`, { flowId: 'orders', mode: 'texml' });
    await t.api('PUT', `/api/numbers/${encodeURIComponent('+13125550172')}`, { flowId: 'orders', mode: 'call-control' });
  });
  afterAll(async () => { await t?.close(); await t2?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('TeXML: the Gather action that asks for it, and the Redirect that answers it, each twice', async () => {
    const f = { CallSid: 'dup-texml-1', From: '+13125550147', To: '+13125550171' };
    const start = await form('/webhooks/texml', f);
    const action = /<Gather action="([^"]+)"/.exec(start.text)![1]!;
    const before = hits.length;
    const asked = await form(new URL(action).pathname, { ...f, Digits: '1234' });
    expect(asked.text).toContain('One moment while I look that up.');
    const redirect = /<Redirect method="POST">([^<]+)<\/Redirect>/.exec(asked.text)![1]!;
    expect(redirect).toMatch(/\/webhooks\/texml\/http-look-\d+$/);
    // Telnyx redelivers the Gather action (no answer seen in time): the stored answer, no second request.
    expect((await form(new URL(action).pathname, { ...f, Digits: '1234' })).text).toBe(asked.text);
    const [a, b] = await Promise.all([form(new URL(redirect).pathname, f), form(new URL(redirect).pathname, f)]);
    expect(a.text).toContain('Your order is shipped.');
    expect(b.text).toBe(a.text);
    expect(hits.length - before).toBe(1);
  });

  it('the Redirect reaching another instance gets the result the first one stored (no second request)', async () => {
    const f = { CallSid: 'dup-texml-2', From: '+13125550147', To: '+13125550171' };
    const start = await form('/webhooks/texml', f);
    const action = /<Gather action="([^"]+)"/.exec(start.text)![1]!;
    const before = hits.length;
    const asked = await form(new URL(action).pathname, { ...f, Digits: '1234' });
    const redirect = /<Redirect method="POST">([^<]+)<\/Redirect>/.exec(asked.text)![1]!;
    const other = await form(new URL(redirect).pathname, f, t2);
    expect(other.text).toContain('Your order is shipped.');
    expect(hits.length - before).toBe(1);
  });

  it('Call Control: the gather that asks for it, and the hold prompt\'s end that answers it, each twice', async () => {
    const p = { call_control_id: 'v3:dup-cc-1', call_session_id: 's-dup-cc-1', from: '+13125550147', to: '+13125550172' };
    await cc('dup-e1', 'call.initiated', { ...p, direction: 'incoming' });
    const answered = JSON.parse((await cc('dup-e2', 'call.answered', p)).text) as { commands: { action: string; body: { client_state: string } }[] };
    const gather = answered.commands.at(-1)!;
    const before = hits.length;
    const asked = await cc('dup-e3', 'call.gather.ended', { ...p, client_state: gather.body.client_state, status: 'valid', digits: '1234' });
    const again = await cc('dup-e3', 'call.gather.ended', { ...p, client_state: gather.body.client_state, status: 'valid', digits: '1234' });
    const hold = (JSON.parse(asked.text) as typeof answered).commands.at(-1)!;
    expect(hold).toMatchObject({ action: 'speak', body: { payload: 'One moment while I look that up.' } });
    expect(JSON.parse(again.text)).toEqual(JSON.parse(asked.text));
    const ended = { ...p, client_state: hold.body.client_state, status: 'completed' };
    const [x, y] = await Promise.all([cc('dup-e4', 'call.speak.ended', ended), cc('dup-e4', 'call.speak.ended', ended)]);
    expect(JSON.parse(x.text).commands[0]).toMatchObject({ action: 'speak', body: { payload: 'Your order is shipped.' } });
    expect(JSON.parse(y.text)).toEqual(JSON.parse(x.text));
    expect(hits.length - before).toBe(1);
  });
});
