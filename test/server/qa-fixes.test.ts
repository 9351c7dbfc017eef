/**
 * QA findings on the server: deleting a routed flow, GET one number, releasing
 * a number Telnyx does not hold, round-robin cursors in exported fixtures,
 * strict write bodies, "send JSON" errors, the admin CLI and the start-up
 * messages (busy port, first-start banner).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { execFile, execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { replayFixture, type FixtureFiles } from '../../server/fixtures/replay.js';
import { firstStartBanner, listenFailure, testCallCommand } from '../../server/startup.js';
import { FakeTelnyx, company, mainLine, makeApp, publishMainLine, tempDb, texml } from './harness.js';
import { listsEveryNumber } from '../../server/stack.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The Call Control fake of the harness plus a scriptable `/v2/phone_numbers` (list and delete). */
class NumbersFake extends FakeTelnyx {
  /** E.164 → the number's id on the account; null: the account holds every number (as the harness's fake). */
  listed: Record<string, string> | null = null;
  listStatus = 200;
  deleteStatus = 200;
  deleted: string[] = [];
  private extra?: Server;
  override async start(): Promise<void> {
    await super.start();
    const inner = this.url;
    const app = express();
    app.get('/v2/phone_numbers', (req, res) => {
      if (this.listStatus !== 200) return void res.status(this.listStatus).json({ errors: [{ code: String(this.listStatus), title: 'scripted failure' }] });
      if (!this.listed) return void listsEveryNumber(req, res);
      // Digits, as Telnyx matches them ("+" would list nothing).
      const want = String((req.query as Record<string, unknown>)['filter[phone_number]'] ?? '');
      const hit = Object.entries(this.listed).filter(([e164]) => !want || e164.slice(1) === want);
      res.json({ data: hit.map(([e164, id]) => ({ id, phone_number: e164, record_type: 'phone_number' })), meta: { total_results: hit.length, page_number: 1, page_size: 20, total_pages: 1 } });
    });
    app.delete('/v2/phone_numbers/:id', (req, res) => {
      if (this.deleteStatus !== 200) return void res.status(this.deleteStatus).json({ errors: [{ code: String(this.deleteStatus), title: 'scripted' }] });
      this.deleted.push(req.params.id);
      res.json({ data: { id: req.params.id, record_type: 'phone_number' } });
    });
    // Everything else goes to the harness's fake (call actions, messages).
    app.use(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const r = await fetch(`${inner.replace(/\/v2$/, '')}${req.originalUrl}`, { method: req.method, headers: { 'content-type': req.get('content-type') ?? 'application/json' }, body: ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.concat(chunks) });
      res.status(r.status).type(r.headers.get('content-type') ?? 'application/json').send(Buffer.from(await r.arrayBuffer()));
    });
    this.extra = app.listen(0, '127.0.0.1');
    await new Promise((r) => this.extra!.once('listening', r));
    this.url = `http://127.0.0.1:${(this.extra.address() as AddressInfo).port}/v2`;
  }
  override async stop(): Promise<void> {
    await new Promise((r) => this.extra?.close(r));
    await super.stop();
  }
}

const fake = new NumbersFake();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
let other: Awaited<ReturnType<typeof company>>;

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  other = await company(h.app, 'Globex');
  // A flow to point numbers at, and a routed number, shared by the tests below.
  await api().post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'other-flow' }).expect(201);
  await api().put('/api/numbers/+13125550908').set(acme.auth).send({ flowId: 'other-flow', mode: 'texml' }).expect(200);
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

const api = () => request(h.app);

describe('DELETE /api/flows/:id while numbers route to it', () => {
  it('refuses with 409 naming the numbers, and deletes with ?force=true (un-routing them)', async () => {
    await publishMainLine(h.app, acme.auth, '+18445550199', 'texml');
    await api().put('/api/numbers/+18445550198').set(acme.auth).send({ flowId: 'main-line', mode: 'call-control' }).expect(200);
    const refused = await api().delete('/api/flows/main-line').set(acme.auth).expect(409);
    expect(refused.body.error).toEqual({
      code: 'conflict',
      message: '"Main line" answers +18445550198 and +18445550199: point those numbers at another flow first (or delete with ?force=true)',
      numbers: ['+18445550198', '+18445550199'],
    });
    await api().get('/api/flows/main-line').set(acme.auth).expect(200);
    expect((await api().get('/api/numbers/+18445550199').set(acme.auth).expect(200)).body.number.flowId).toBe('main-line');

    await api().delete('/api/flows/main-line?force=true').set(acme.auth).expect(204);
    await api().get('/api/flows/main-line').set(acme.auth).expect(404);
    const n = await api().get('/api/numbers/+18445550199').set(acme.auth).expect(200);
    expect(n.body.number).toMatchObject({ e164: '+18445550199', flowId: null });
  });

  it('one routed number reads "that number"; a flow nobody routes to deletes at once', async () => {
    await publishMainLine(h.app, acme.auth, '+13125550901', 'texml', { ...mainLine(), id: 'solo', name: 'Solo' });
    const refused = await api().delete('/api/flows/solo').set(acme.auth).expect(409);
    expect(refused.body.error.message).toBe('"Solo" answers +13125550901: point that number at another flow first (or delete with ?force=true)');
    await api().put('/api/numbers/+13125550901').set(acme.auth).send({ flowId: 'main-line-2', mode: 'texml' }).expect(404);
    await api().put('/api/numbers/+13125550901').set(acme.auth).send({ flowId: 'other-flow', mode: 'texml' }).expect(200);
    await api().delete('/api/flows/solo').set(acme.auth).expect(204);
    await api().delete('/api/flows/nope').set(acme.auth).expect(404);
  });
});

describe('GET /api/numbers/:e164', () => {
  it('answers the company\'s number, 404 for another company\'s or an unknown one', async () => {
    await api().put('/api/numbers/+13125550902').set(acme.auth).send({ flowId: 'other-flow', mode: 'call-control' }).expect(200);
    const got = await api().get(`/api/numbers/${encodeURIComponent('+13125550902')}`).set(acme.auth).expect(200);
    expect(got.body.number).toMatchObject({ e164: '+13125550902', flowId: 'other-flow', mode: 'call-control', status: 'active', counters: { callsIn: 0 } });
    const foreign = await api().get('/api/numbers/+13125550902').set(other.auth).expect(404);
    expect(foreign.body.error.code).toBe('not_found');
    await api().get('/api/numbers/+13125550999').set(acme.auth).expect(404);
    await api().get('/api/numbers/12').set(acme.auth).expect(400);
  });
});

describe('DELETE /api/numbers/:e164 and Telnyx', () => {
  it('a number Telnyx no longer holds (404 for its id) is released here only', async () => {
    await api().put('/api/numbers/+13125550903').set(acme.auth).send({ flowId: 'other-flow', mode: 'texml' }).expect(200);
    fake.deleteStatus = 404;
    const res = await api().delete('/api/numbers/+13125550903').set(acme.auth).expect(200);
    fake.deleteStatus = 200;
    expect(res.body).toMatchObject({ telnyx: 'not held', number: { e164: '+13125550903', status: 'released' } });
  });

  it('deletes at Telnyx by the id the account lists for the number; a row without an id looks it up', async () => {
    fake.listed = { '+13125550905': 'pn-905', '+13125550904': 'pn-904' };
    await api().put('/api/numbers/+13125550905').set(acme.auth).send({ flowId: 'other-flow', mode: 'texml' }).expect(200);
    expect((await api().delete('/api/numbers/+13125550905').set(acme.auth).expect(200)).body).toMatchObject({ telnyx: 'released', number: { status: 'released', releaseStatus: 'released' } });
    // A row from before the id was kept (routed straight in the store): looked up by number on release.
    await h.app.locals.ctx.store.putNumber(acme.id, '+13125550904', 'other-flow', 'texml');
    await api().delete('/api/numbers/+13125550904').set(acme.auth).expect(200);
    expect(fake.deleted).toEqual(['pn-905', 'pn-904']);
    fake.listed = null;
  });

  it('a Telnyx failure answers 502, keeps the number active and shows the release failed; a retry releases it', async () => {
    await api().put('/api/numbers/+13125550906').set(acme.auth).send({ flowId: 'other-flow', mode: 'texml' }).expect(200);
    fake.deleteStatus = 503;
    const res = await api().delete('/api/numbers/+13125550906').set(acme.auth).expect(502);
    expect(res.body.error).toMatchObject({ code: 'telnyx', path: ['e164'], releaseStatus: 'failed' });
    expect(res.body.error.message).toContain('still yours');
    expect((await api().get('/api/numbers/+13125550906').set(acme.auth).expect(200)).body.number).toMatchObject({ status: 'active', releaseStatus: 'failed', releaseError: 'scripted' });
    fake.deleteStatus = 200;
    expect((await api().delete('/api/numbers/+13125550906').set(acme.auth).expect(200)).body.number).toMatchObject({ status: 'released', releaseStatus: 'released', releaseError: null });
  });

  it('a lookup that fails answers 502 and keeps the number', async () => {
    await h.app.locals.ctx.store.putNumber(acme.id, '+13125550910', 'other-flow', 'texml');
    fake.listStatus = 500;
    await api().delete('/api/numbers/+13125550910').set(acme.auth).expect(502);
    fake.listStatus = 200;
    expect((await api().get('/api/numbers/+13125550910').set(acme.auth).expect(200)).body.number.status).toBe('active');
  });
});

describe('a live call through a round robin exports a fixture that replays', () => {
  it('records the cursor the call read and the replay seeds it: 0 differences', async () => {
    /*  team(roundRobin: ann, bob, cat) ─connected/noAnswer→ bye(hangup)  */
    const rr = {
      format: 'callflow/1', id: 'rr-fx', name: 'RR', start: 'team',
      nodes: [
        { id: 'team', type: 'roundRobin', position: { x: 0, y: 0 }, data: { members: [{ id: 'ann', name: 'Ann', to: '+13125550001' }, { id: 'bob', name: 'Bob', to: '+13125550002' }, { id: 'cat', name: 'Cat', to: '+13125550003' }], strategy: 'round_robin' } },
        { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
      ],
      edges: [
        { id: 'e1', source: 'team', sourceHandle: 'connected', target: 'bye' },
        { id: 'e2', source: 'team', sourceHandle: 'noAnswer', target: 'bye' },
      ],
    };
    await api().post('/api/flows').set(acme.auth).send(rr).expect(201);
    await api().post('/api/flows/rr-fx/publish').set(acme.auth).expect(201);
    await api().put('/api/numbers/+13125550907').set(acme.auth).send({ flowId: 'rr-fx', mode: 'texml' }).expect(200);
    for (const sid of ['rrfx-1', 'rrfx-2']) await texml(h.app, '/webhooks/texml', { CallSid: sid, From: '+13125550147', To: '+13125550907' }).expect(200);

    const f = { CallSid: 'rrfx-3', From: '+13125550147', To: '+13125550907' };
    const first = await texml(h.app, '/webhooks/texml', f).expect(200);
    expect(first.text).toContain('+13125550003'); // third call: the cursor is at 2
    // Another call moves the cursor while this one rings: the fixture must keep what rrfx-3 read.
    await texml(h.app, '/webhooks/texml', { ...f, CallSid: 'rrfx-4' }).expect(200);
    const action = /action="[^"]*(\/webhooks\/texml\/[^"?]+)/.exec(first.text)?.[1];
    expect(action).toBeTruthy();
    await texml(h.app, action!, { ...f, DialCallStatus: 'no-answer' }).expect(200);
    await texml(h.app, '/webhooks/texml/status', { ...f, CallStatus: 'completed' }).expect(200);

    const res = await api().get('/api/calls/rrfx-3/fixture').set(acme.auth).expect(200);
    expect(res.body.files['call.json'].cursors).toEqual({ team: 2 });
    const parse = (t: string) => t.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const files: FixtureFiles = { flow: res.body.files['flow.json'], events: parse(res.body.files['events.jsonl']), expected: parse(res.body.files['expected.jsonl']), call: res.body.files['call.json'] };
    const lines = await replayFixture(files);
    expect(lines.length).toBe(3);
    expect(lines.map((l) => l.diff)).toEqual([[], [], []]);
    expect(files.call!.steps!['texml:rrfx-3:start']?.cursors).toEqual({ team: 2 });
    // Without the cursors (call.json's and the step's own record) the replay rings Ann first: the difference the fix removes.
    const { cursors: _dropped, steps: _steps, ...call } = files.call!;
    const unseeded = await replayFixture({ ...files, call });
    expect(unseeded[0]!.diff.join('\n')).toContain('+13125550001');
  });
});

describe('write bodies are strict', () => {
  it('PATCH /api/numbers/:e164 with a misspelt field is a 400 naming it', async () => {
    const res = await api().patch('/api/numbers/+13125550908').set(acme.auth).send({ voiceMail: false }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', path: ['voiceMail'] });
    expect(res.body.error.message).toContain('voiceMail');
    expect((await api().get('/api/numbers/+13125550908').set(acme.auth)).body.number.voicemail).toBe(true);
    await api().patch('/api/numbers/+13125550908').set(acme.auth).send({ voicemail: false }).expect(200);
  });

  it.each([
    ['put', '/api/numbers/+13125550908', { flowId: 'other-flow', mode: 'texml', voicemail: false }, 'voicemail'],
    ['put', '/api/numbers/connections', { texmlAppId: 'x' }, 'texmlAppId'],
    ['post', '/api/numbers', { phoneNumber: '+13125550909', flow: 'other-flow' }, 'flow'],
    ['put', '/api/flows/other-flow', { revision: 1, flow: { ...mainLine(), id: 'other-flow' }, force: true }, 'force'],
    ['post', '/api/flows/other-flow/rollback', { version: 1, publish: true }, 'publish'],
    ['post', '/api/flows/simulate', { flow: mainLine(), digit: ['1'] }, 'digit'],
    ['post', '/api/messages', { from: '+13125550908', to: '+13125550147', text: 'hi', mediaUrl: 'https://x.test/a.png' }, 'mediaUrl'],
    ['put', '/api/usage/budget', { budget: 5 }, 'budget'],
  ] as const)('%s %s rejects an unknown field', async (method, path, body, field) => {
    const res = await api()[method](path).set(acme.auth).send(body).expect(400);
    expect(res.body.error.path).toEqual([field]);
  });
});

describe('what to send, when the body is not a JSON object', () => {
  const SEND = 'Send a JSON object with content-type: application/json';
  it('null as JSON', async () => {
    const res = await api().post('/api/flows').set(acme.auth).set('content-type', 'application/json').send('null').expect(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toContain(SEND);
    expect(res.body.error.message).not.toContain('not valid JSON');
  });
  it('JSON sent as text/plain', async () => {
    const res = await api().put('/api/numbers/+13125550908').set(acme.auth).set('content-type', 'text/plain').send('{"flowId":"other-flow","mode":"texml"}').expect(400);
    expect(res.body.error.message).toContain(SEND);
    expect(res.body.error.message).toContain('text/plain');
  });
  it('no body where one is needed, or an array', async () => {
    expect((await api().put('/api/numbers/+13125550908').set(acme.auth).expect(400)).body.error.message).toBe(SEND);
    expect((await api().put('/api/numbers/+13125550908').set(acme.auth).send([1]).expect(400)).body.error.message).toBe(SEND);
  });
  it('broken JSON still says so, with the hint; routes without a body still work', async () => {
    const res = await api().post('/api/flows').set(acme.auth).set('content-type', 'application/json').send('{"id":').expect(400);
    expect(res.body.error.message).toMatch(/^Body is not valid JSON: .*Send a JSON object/);
    await api().post('/api/flows/other-flow/publish').set(acme.auth).expect(201);
  });
});

describe('callflow admin', () => {
  const cli = (...args: string[]) => execFileSync('npx', ['tsx', 'server/cli/main.ts', 'admin', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CALLFLOW_DB: db.file } });

  it('list-companies prints the database path and every company', () => {
    const out = cli('list-companies');
    expect(out.split('\n')[0]).toBe(`Database: ${db.file}`);
    expect(out).toContain(`${acme.id}`);
    expect(out).toContain('Acme');
    expect(out).toContain('Globex');
  });

  it('create-key --company NAME|ID issues a working key on the last line; the old key keeps working', async () => {
    const byName = cli('create-key', '--company', 'Globex');
    expect(byName).toContain(`Database: ${db.file}`);
    const key = byName.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^cf_[A-Za-z0-9_-]{43}$/);
    expect((await api().get('/api/me').set('authorization', `Bearer ${key}`).expect(200)).body.company.name).toBe('Globex');
    const byId = cli('create-key', `--company=${acme.id}`).trim().split('\n').at(-1)!;
    expect((await api().get('/api/me').set('authorization', `Bearer ${byId}`).expect(200)).body.company.name).toBe('Acme');
    await api().get('/api/me').set(acme.auth).expect(200);
  });

  it('create-key without --company when there are several, or with an unknown one, fails and says why', () => {
    expect(() => cli('create-key')).toThrow(/--company/);
    expect(() => cli('create-key', '--company', 'Nobody')).toThrow(/no company "Nobody"/);
  });
});

/** The environment of `npm start` on `port` with a fresh database, the sandbox, and the default public URL. */
function startEnv(port: number, file: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CALLFLOW_DB: file };
  delete env.TELNYX_API_KEY;
  delete env.PUBLIC_URL;
  return env;
}

describe('npm start: busy port and the first-start banner', () => {
  it('the messages', () => {
    expect(listenFailure(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), 3000)).toBe('port 3000 is in use: set PORT=… or stop the other server');
    expect(testCallCommand('+18445550199', 'http://localhost:3000', 3000)).toBe('npx callflow call +18445550199 --digits 1');
    expect(testCallCommand('+18445550199', 'http://localhost:3001', 3001)).toBe('npx callflow call +18445550199 --digits 1 --url http://localhost:3001');
    const banner = firstStartBanner({ publicUrl: 'http://localhost:3001', port: 3001, apiKey: 'cf_k', company: 'My company', testNumber: '+18445550199', sandbox: true });
    expect(banner).toContain('Builder:    http://localhost:3001');
    expect(banner).toContain('API key:    cf_k');
    expect(banner).toContain('npx callflow call +18445550199 --digits 1 --url http://localhost:3001');
  });

  it('on a busy port the server exits 1 with one clear line (and the first start\'s banner is still shown)', async () => {
    const busy = createServer().listen(0);
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as AddressInfo).port;
    const dir = tempDb();
    try {
      const { code, stderr, stdout } = await new Promise<{ code: number | null; stderr: string; stdout: string }>((done) => {
        const child = execFile('npx', ['tsx', 'server/main.ts'], { cwd: ROOT, timeout: 60_000, env: startEnv(port, dir.file) }, (err, stdout, stderr) => {
          done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
        });
        void child;
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n').at(-1)).toBe(`callflow: port ${port} is in use: set PORT=… or stop the other server`);
      expect(stderr).toMatch(/API key: +cf_/);
      expect(stderr).toContain(`--url http://localhost:${port}`);
      expect(stdout).not.toContain('callflow listening');
    } finally {
      busy.close();
      dir.cleanup();
    }
  }, 70_000);
});
