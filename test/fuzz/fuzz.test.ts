/**
 * Bad input, fuzzed with fast-check (RUNS = 10,000 cases per target, seeded):
 * the flow schema, the REST API, the TeXML form/JSON parser, the Call Control
 * JSON parser and signature checking. Never a 5xx, never a dropped
 * connection; refused input gets a 4xx; a TeXML request that is accepted
 * always gets well-formed TeXML. Plus oversized bodies and flows that loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { ZodError } from 'zod';
import { encodeClientState } from '../../engine/call-control.js';
import { parseFlow } from '../../engine/schema.js';
import { step } from '../../engine/step.js';
import { fuzzApp, fuzzHttp, nasty, RUNS, signBody, type FuzzApp, type Got } from './kit.js';

const MAIN = JSON.parse(readFileSync('flows/main-line.json', 'utf8')) as Record<string, unknown>;
let f: FuzzApp;
beforeAll(async () => { f = await fuzzApp(); });
afterAll(async () => { await f.close(); });

/** Every path to a value inside a JSON document. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return [at];
}
const MAIN_PATHS = paths(MAIN).filter((p) => p.length > 0);

/** The main line with one value (anywhere in it) replaced, or deleted. */
const mutatedFlow = fc.tuple(fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), nasty)).map(([n, value]) => {
  const doc = structuredClone(MAIN) as Record<string, unknown>;
  const p = MAIN_PATHS[n % MAIN_PATHS.length]!;
  let o = doc as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  if (value === undefined) delete o[p.at(-1)!]; else o[p.at(-1)!] = value;
  return doc;
});
const anyFlow = fc.oneof(mutatedFlow, mutatedFlow, fc.anything({ maxDepth: 3 }));

/** encodeURIComponent, except for lone surrogates (which it cannot encode): those go raw as %ED%A0%80-style bytes. */
const enc = (s: string) => { try { return encodeURIComponent(s); } catch { return '%ED%A0%80'; } };
/** 5xx is our failure — except a 502 `telnyx`: the Telnyx API is a dead port here, so number changes that must reach it fail upstream. */
// A 502 is an answer when it says whose it is: Telnyx's, or the company's SMTP server refusing a test email.
const no5xx = (g: Got) => (g.status >= 500 && !(g.status === 502 && /"code":"(telnyx|smtp)"/.test(g.text)) ? `answered ${g.status}` : undefined);
const json = (key?: string) => ({ 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) });

describe(`fuzz: ${RUNS} cases per target`, () => {
  it('flow schema: parseFlow accepts or throws a ZodError, nothing else', () => {
    fc.assert(fc.property(anyFlow, (doc) => {
      try { parseFlow(doc); } catch (e) { if (!(e instanceof ZodError)) throw e; }
    }), { numRuns: RUNS, seed: 1 });
  });

  it('REST API: POST /api/flows with fuzzed flows — valid ones saved, the rest a 4xx with a path', async () => {
    const r = await fuzzHttp(f.url, anyFlow.map((d) => JSON.stringify(d) ?? 'null'), (body) => ({ method: 'POST', path: '/api/flows', headers: json(f.key), body }), (g, s) => {
      if (g.status >= 500) return `answered ${g.status}`;
      let valid = true;
      try { parseFlow(JSON.parse(s.body!)); } catch { valid = false; }
      if (!valid && g.status < 400) return `invalid flow accepted (${g.status})`;
      if (!valid && g.status === 400 && !JSON.parse(g.text).error?.message) return 'no error message';
      return undefined;
    });
    expect(r.failure).toBeUndefined();
    expect(Object.keys(r.statuses).some((s) => s.startsWith('4'))).toBe(true);
  }, 180_000);

  it('REST API: any route, method, id and body — never a 5xx', async () => {
    const routes = ['/api/flows', '/api/flows/:id', '/api/flows/:id/versions', '/api/flows/:id/versions/:v', '/api/flows/:id/publish', '/api/flows/:id/rollback',
      '/api/flows/lint', '/api/flows/simulate', '/api/numbers', '/api/numbers/:id', '/api/calls', '/api/calls/:id', '/api/calls/:id/fixture', '/api/me', '/api/:id',
      '/api/notifications/smtp', '/api/notifications/smtp/test', '/api/notifications/missed', '/api/notifications/missed/:id', '/api/notifications/outbox',
      '/api/notifications/outbox/:id/retry', '/api/voicemails/mailboxes/:id'];
    routes.push('/api/queues', '/api/queues?flowId=:id&active=true', '/api/queues?limit=:v');
    routes.push('/api/voicemails', '/api/voicemails/:id', '/api/voicemails/:id/trash', '/api/voicemails/:id/restore', '/api/messages/conversations/:id', '/api/messages/conversations/:id/read');
    routes.push('/api/schedules', '/api/schedules/:id', '/api/schedules/:id/override', '/api/schedules/:id/at');
    const req = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      route: fc.constantFrom(...routes),
      id: fc.oneof(nasty, fc.constant('main-line'), fc.constant('+18445550199')),
      v: fc.oneof(fc.integer().map(String), nasty),
      body: fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((x) => JSON.stringify(x)), nasty, mutatedFlow.map((x) => JSON.stringify(x)), fc.constant(undefined)),
      auth: fc.constantFrom('key', 'key', 'key', 'none', 'bad'),
    });
    const r = await fuzzHttp(f.url, req, (x) => ({
      method: x.method,
      path: x.route.replace(':id', enc(x.id)).replace(':v', enc(x.v)),
      headers: { ...json(), ...(x.auth === 'key' ? { authorization: `Bearer ${f.key}` } : x.auth === 'bad' ? { authorization: `Bearer ${x.id.replace(/[^\x20-\x7e]/g, '')}` } : {}) },
      body: x.method === 'GET' ? undefined : x.body,
    }), (g, s) => no5xx(g) ?? (s.headers.authorization !== `Bearer ${f.key}` && g.status < 400 && s.path !== '/api/flows/schema' ? `answered ${g.status} without a valid key` : undefined));
    expect(r.failure).toBeUndefined();
  }, 180_000);

  const texmlKeys = ['CallSid', 'From', 'To', 'Digits', 'SpeechResult', 'Confidence', 'CallStatus', 'DialCallStatus', 'DialCallDuration', 'RecordingUrl', 'RecordingDuration', 'RecordingStatus', 'HangupCause', 'event', 'CallSessionId'];
  it('TeXML webhooks: fuzzed form and JSON bodies, GETs and step paths, signed — always well-formed TeXML, never a 5xx; JSON and GET only ever the apology', async () => {
    const fields = fc.dictionary(fc.oneof(fc.constantFrom(...texmlKeys), nasty), fc.oneof(nasty, fc.constantFrom('+18445550199', 'v3:fuzz-1', 'completed', '1', '9', 'https://x.test/r.mp3')), { maxKeys: 8 });
    const req = fc.record({
      path: fc.oneof(fc.constant('/webhooks/texml'), fc.constant('/webhooks/texml/status'), fc.tuple(fc.constantFrom('gather', 'dial', 'record', 'x'), fc.constantFrom('menu', 'sales', 'voicemail'), fc.nat(9)).map(([v, n, s]) => `/webhooks/texml/${v}-${n}-${s}`), nasty.map((s) => `/webhooks/texml/${enc(s)}`)),
      query: fc.option(fc.constantFrom('?event=timeout', '?event=empty', '?Digits=1', '?%zz', '?outbound=00000000-0000-4000-8000-000000000000', '?outbound='), { nil: '' }),
      kind: fc.constantFrom('form', 'form', 'json', 'raw', 'get'),
      fields, raw: nasty,
    });
    const r = await fuzzHttp(f.url, req, (x) => {
      // A GET carries the fields in its (unsigned) query string, its empty body signed: what Telnyx sends in GET mode.
      if (x.kind === 'get') return { method: 'GET', path: `${x.path}?${new URLSearchParams(x.fields)}`, headers: signBody(''), body: undefined };
      const body = x.kind === 'form' ? new URLSearchParams(x.fields).toString() : x.kind === 'json' ? JSON.stringify(x.fields) : x.raw;
      return { method: 'POST', path: x.path + x.query, headers: { 'content-type': x.kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', ...signBody(body) }, body };
    }, (g, sent) => {
      if (g.status >= 500) return `answered ${g.status}`;
      if (g.status === 200 && (!g.type.includes('xml') || XMLValidator.validate(g.text) !== true || !g.text.includes('<Response'))) return 'not well-formed TeXML';
      // Fields that are not in a signed form body are never acted on: the answer is the apology, whatever they say.
      const untrusted = sent.method === 'GET' || sent.headers['content-type'] === 'application/json';
      if (untrusted && g.status === 200 && !/^<\?xml[^>]*\?><Response><Say[^>]*>[^<]*<\/Say><Hangup\/><\/Response>$/.test(g.text)) return 'a GET or JSON TeXML request was acted on';
      return undefined;
    });
    expect(r.failure).toBeUndefined();
  }, 180_000);

  it('Call Control webhooks: fuzzed envelopes, signed — 2xx or 4xx, never a 5xx', async () => {
    const types = ['call.initiated', 'call.answered', 'call.hangup', 'call.speak.ended', 'call.gather.ended', 'call.bridged', 'call.recording.saved', 'call.playback.ended', 'call.machine.detection.ended', 'call.dtmf.received'];
    const payload = fc.record({
      call_control_id: fc.oneof(fc.constantFrom('v3:fuzz-a', 'v3:fuzz-b'), nasty), call_session_id: fc.oneof(fc.constant('s-fuzz'), nasty),
      client_state: fc.oneof(nasty, fc.record({ flow: fc.constantFrom('main-line', 'x'), node: fc.constantFrom('menu', 'welcome', '__apology', '__not_in_service'), seq: fc.nat(5) }).map(encodeClientState), fc.constant(null)),
      direction: fc.constantFrom('incoming', 'outgoing'), to: fc.oneof(fc.constant('+18445550198'), nasty), from: nasty, digits: nasty, status: nasty, hangup_cause: nasty,
      recording_urls: fc.oneof(fc.record({ mp3: nasty }), fc.jsonValue({ maxDepth: 1 })),
    }, { requiredKeys: [] });
    const env = fc.oneof(
      fc.record({ data: fc.record({ event_type: fc.oneof(fc.constantFrom(...types), nasty), id: fc.oneof(fc.uuid(), nasty), payload: fc.oneof(payload, fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }) }).map((x) => JSON.stringify(x)),
      fc.jsonValue({ maxDepth: 3 }).map((x) => JSON.stringify(x)),
      nasty,
    );
    const r = await fuzzHttp(f.url, env, (body) => ({ method: 'POST', path: '/webhooks/call-control', headers: { 'content-type': 'application/json', ...signBody(body) }, body }), no5xx);
    expect(r.failure).toBeUndefined();
    expect(r.statuses[400]).toBeGreaterThan(0);
  }, 180_000);

  it('signature checking: tampered, missing, stale or malformed signatures — always 401, never acted on', async () => {
    const body = new URLSearchParams({ CallSid: 'v3:sig', From: '+13125550147', To: '+18445550199' }).toString();
    const good = signBody(body);
    const req = fc.record({
      sig: fc.oneof(nasty, fc.base64String({ maxLength: 100 }), fc.constant(good['telnyx-signature-ed25519']), fc.uint8Array({ minLength: 64, maxLength: 64 }).map((a) => Buffer.from(a).toString('base64'))),
      ts: fc.oneof(nasty, fc.integer({ min: -1e6, max: 1e6 }).map((d) => String(Number(good['telnyx-timestamp']) + d)), fc.constant(good['telnyx-timestamp'])),
      tamper: fc.oneof(fc.constant(''), nasty),
      drop: fc.constantFrom('none', 'sig', 'ts', 'both'),
    }).filter((x) => !(x.sig === good['telnyx-signature-ed25519'] && x.ts === good['telnyx-timestamp'] && x.tamper === '' && x.drop === 'none'));
    const r = await fuzzHttp(f.url, req, (x) => {
      const h: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (x.drop !== 'sig' && x.drop !== 'both') h['telnyx-signature-ed25519'] = String(x.sig).replace(/[^\x20-\x7e]/g, '');
      if (x.drop !== 'ts' && x.drop !== 'both') h['telnyx-timestamp'] = String(x.ts).replace(/[^\x20-\x7e]/g, '');
      return { method: 'POST', path: '/webhooks/texml', headers: h, body: body + x.tamper };
    }, (g, s) => {
      // A stale timestamp within ±300 s of a genuine signature still fails: the signature covers the timestamp.
      if (g.status !== 401) return `answered ${g.status}, expected 401 (sig ${s.headers['telnyx-signature-ed25519']}, ts ${s.headers['telnyx-timestamp']})`;
      return undefined;
    });
    expect(r.failure).toBeUndefined();
    expect(await f.app.locals.ctx.store.getSession('v3:sig')).toBeUndefined();
  }, 180_000);
});

describe('oversized bodies and endless flows', () => {
  const big = 'x'.repeat(300 * 1024);
  it.each(['/api/flows', '/webhooks/texml', '/webhooks/call-control', '/webhooks/texml/gather-menu-1'])('%s: a 300 kB body is a 413, not a crash', async (path) => {
    const body = path.startsWith('/api') ? JSON.stringify({ ...MAIN, id: 'big', name: big }) : `CallSid=v3:big&Digits=${big}`;
    const res = await fetch(f.url + path, { method: 'POST', body, headers: { ...json(f.key), ...(path.startsWith('/webhooks') ? signBody(body) : {}) } });
    expect(res.status).toBe(413);
  });

  /** A flow whose branches send the call round in circles without ever waiting for the caller. */
  const loop = {
    format: 'callflow/1', id: 'loop', name: 'Loop', timezone: 'UTC', start: 'a',
    nodes: [
      { id: 'a', type: 'setVariable', position: { x: 0, y: 0 }, data: { name: 'n', value: 'x' } },
      { id: 'b', type: 'branch', position: { x: 0, y: 0 }, data: { rules: [] } },
    ],
    edges: [{ id: 'a-next', source: 'a', sourceHandle: 'next', target: 'b' }, { id: 'b-else', source: 'b', sourceHandle: 'else', target: 'a' }],
  };
  it('the engine stops a flow that loops forever: apology, then hangup', () => {
    const r = step(parseFlow(loop), null, { type: 'call.started', from: '+13125550147', to: '+18445550197', callId: 'loop', direction: 'inbound' }, { now: '2026-11-23T10:00:00Z', mode: 'texml' });
    expect(r.instructions.at(-1)?.verb).toBe('hangup');
    expect(r.instructions.length).toBeLessThan(10);
  });
  it('a looping flow published anyway: the caller gets the apology and a hangup, not dead air', async () => {
    const store = f.app.locals.ctx.store;
    await store.createFlow(f.companyId, loop.id, loop.name, loop);
    await store.publish(f.companyId, loop.id, loop); // straight to the store: the server may refuse to publish it
    await store.putNumber(f.companyId, '+18445550197', loop.id, 'texml');
    const body = new URLSearchParams({ CallSid: 'v3:loop', From: '+13125550147', To: '+18445550197' }).toString();
    const res = await fetch(`${f.url}/webhooks/texml`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...signBody(body) } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/<Say[^>]*>[^<]+<\/Say><Hangup\/><\/Response>$/);
  });
});
