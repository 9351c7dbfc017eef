import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, company, makeApp, mainLine, publishMainLine, signed, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
let other: Awaited<ReturnType<typeof company>>;

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  other = await company(h.app, 'Globex');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

const api = () => request(h.app);

describe('flows API', () => {
  it('creates, reads, lists, updates with a revision check and deletes', async () => {
    const created = await api().post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'crud' }).expect(201);
    expect(created.body).toMatchObject({ revision: 1, publishedVersion: null, flow: { id: 'crud' } });
    await api().post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'crud' }).expect(409);
    const got = await api().get('/api/flows/crud').set(acme.auth).expect(200);
    expect(got.body).toMatchObject({ revision: 1, publishedVersion: null, flow: { name: 'Main line' } });
    const list = await api().get('/api/flows').set(acme.auth).expect(200);
    expect(list.body.flows).toEqual([expect.objectContaining({ id: 'crud', name: 'Main line', revision: 1, publishedVersion: null })]);

    const renamed = { ...mainLine(), id: 'crud', name: 'Renamed' };
    const up = await api().put('/api/flows/crud').set(acme.auth).send({ revision: 1, flow: renamed }).expect(200);
    expect(up.body.revision).toBe(2);
    const stale = await api().put('/api/flows/crud').set(acme.auth).send({ revision: 1, flow: renamed }).expect(409);
    expect(stale.body.error).toMatchObject({ code: 'conflict', currentRevision: 2 });

    await api().delete('/api/flows/crud').set(acme.auth).expect(204);
    await api().get('/api/flows/crud').set(acme.auth).expect(404);
  });

  it('answers bad flows with 400 and the field path', async () => {
    const bad = mainLine();
    (bad.nodes[0]!.data as Record<string, unknown>).text = '';
    const res = await api().post('/api/flows').set(acme.auth).send(bad).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', path: ['nodes', 0, 'data', 'text'] });
    await api().post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'pathy' }).expect(201);
    const put = await api().put('/api/flows/pathy').set(acme.auth).send({ revision: 1, flow: { ...mainLine(), id: 'pathy', format: 'nope' } }).expect(400);
    expect(put.body.error.path).toEqual(['flow', 'format']);
    const rev = await api().put('/api/flows/pathy').set(acme.auth).send({ revision: 'x', flow: mainLine() }).expect(400);
    expect(rev.body.error.path).toEqual(['revision']);
    const notJson = await api().post('/api/flows').set(acme.auth).set('content-type', 'application/json').send('{nope').expect(400);
    expect(notJson.body.error.code).toBe('bad_request');
  });

  it('refuses bodies over 256 kB with 413', async () => {
    const huge = { ...mainLine(), description: 'x'.repeat(300_000) };
    const res = await api().post('/api/flows').set(acme.auth).send(huge).expect(413);
    expect(res.body.error.code).toBe('too_large');
  });

  it('publishes immutable versions, blocks publish on lint errors and rolls back', async () => {
    await api().post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'ver' }).expect(201);
    expect((await api().post('/api/flows/ver/publish').set(acme.auth).expect(201)).body.version).toBe(1);
    const v2flow = { ...mainLine('Hello again.'), id: 'ver' };
    await api().put('/api/flows/ver').set(acme.auth).send({ revision: 1, flow: v2flow }).expect(200);
    expect((await api().post('/api/flows/ver/publish').set(acme.auth).expect(201)).body.version).toBe(2);
    const versions = await api().get('/api/flows/ver/versions').set(acme.auth).expect(200);
    expect(versions.body.versions.map((v: { version: number; published: boolean }) => [v.version, v.published])).toEqual([[1, false], [2, true]]);
    const v1 = await api().get('/api/flows/ver/versions/1').set(acme.auth).expect(200);
    expect(v1.body.flow.nodes[0].data.text).toBe('Thanks for calling {{company.name}}.');
    await api().get('/api/flows/ver/versions/9').set(acme.auth).expect(404);

    const back = await api().post('/api/flows/ver/rollback').set(acme.auth).send({ version: 1 }).expect(200);
    expect(back.body).toMatchObject({ version: 3, revision: 3, flow: { nodes: expect.any(Array) } });
    const after = await api().get('/api/flows/ver').set(acme.auth).expect(200);
    expect(after.body).toMatchObject({ publishedVersion: 3, revision: 3 });
    expect(after.body.flow.nodes[0].data.text).toBe('Thanks for calling {{company.name}}.');

    // A dangling start node is a lint error: publish is refused with the findings.
    const broken = { ...mainLine(), id: 'ver', start: 'nowhere' };
    await api().put('/api/flows/ver').set(acme.auth).send({ revision: 3, flow: broken }).expect(200);
    const blocked = await api().post('/api/flows/ver/publish').set(acme.auth).expect(422);
    expect(blocked.body.error.code).toBe('lint');
    expect(blocked.body.error.findings.some((f: { severity: string }) => f.severity === 'error')).toBe(true);
    expect((await api().get('/api/flows/ver').set(acme.auth)).body.publishedVersion).toBe(3);
  });

  it('lints and simulates a flow, and serves the JSON Schema without a key', async () => {
    const lint = await api().post('/api/flows/lint').set(acme.auth).send({ ...mainLine(), start: 'nowhere' }).expect(200);
    expect(lint.body.findings.length).toBeGreaterThan(0);
    const sim = await api().post('/api/flows/simulate').set(acme.auth).send({ flow: mainLine(), digits: ['2'], at: '2026-11-23T10:00:00-06:00' }).expect(200);
    expect(sim.body.steps[0]).toMatchObject({ event: { type: 'call.started' }, node: 'menu' });
    expect(sim.body.steps[0].texml).toContain('Press 1 for sales');
    expect(sim.body.steps[1].texml).toContain('Support is closed today.');
    const cc = await api().post('/api/flows/simulate').set(acme.auth).send({ flow: mainLine(), mode: 'call-control', at: '2026-11-23T10:00:00-06:00' }).expect(200);
    expect(cc.body.steps[0].commands[0].action).toBe('speak');
    const closed = await api().post('/api/flows/simulate').set(acme.auth).send({ flow: mainLine(), at: '2026-11-22T10:00:00-06:00' }).expect(200);
    expect(closed.body.steps[0].texml).toContain('We are closed.');
    const bad = await api().post('/api/flows/simulate').set(acme.auth).send({ flow: mainLine(), from: '555' }).expect(400);
    expect(bad.body.error.path).toEqual(['from']);
    const schema = await api().get('/api/flows/schema').expect(200);
    expect(schema.body.properties.format.const).toBe('callflow/1');
  });
});

describe('numbers, companies and keys', () => {
  it('needs a key on every /api route and tells who it is', async () => {
    await api().get('/api/flows').expect(401);
    await api().get('/api/flows').set('authorization', 'Bearer cf_wrong').expect(401);
    const me = await api().get('/api/me').set(acme.auth).expect(200);
    expect(me.body.company).toEqual({ id: acme.id, name: 'Acme' });
  });

  it('points a number at a flow and validates the body', async () => {
    await api().post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'routed' }).expect(201);
    const put = await api().put('/api/numbers/+13125550300').set(acme.auth).send({ flowId: 'routed', mode: 'texml' }).expect(200);
    expect(put.body.number).toMatchObject({ e164: '+13125550300', flowId: 'routed', mode: 'texml' });
    expect((await api().put('/api/numbers/+13125550300').set(acme.auth).send({ flowId: 'routed', mode: 'sip' }).expect(400)).body.error.path).toEqual(['mode']);
    expect((await api().put('/api/numbers/555').set(acme.auth).send({ flowId: 'routed', mode: 'texml' }).expect(400)).body.error.path).toEqual(['e164']);
    await api().put('/api/numbers/+13125550300').set(acme.auth).send({ flowId: 'missing', mode: 'texml' }).expect(404);
    const list = await api().get('/api/numbers').set(acme.auth).expect(200);
    expect(list.body.numbers.map((n: { e164: string }) => n.e164)).toContain('+13125550300');
  });

  it('hides every company row from another company: 404 on each route', async () => {
    await publishMainLine(h.app, acme.auth, '+13125550400', 'texml', { ...mainLine(), id: 'secret' });
    await texml(h.app, '/webhooks/texml', { CallSid: 'secret-call', From: '+13125550147', To: '+13125550400' }).expect(200);
    const o = other.auth;
    const routes: Array<[string, string, unknown?]> = [
      ['get', '/api/flows/secret'],
      ['put', '/api/flows/secret', { revision: 1, flow: { ...mainLine(), id: 'secret' } }],
      ['delete', '/api/flows/secret'],
      ['get', '/api/flows/secret/versions'],
      ['get', '/api/flows/secret/versions/1'],
      ['post', '/api/flows/secret/publish'],
      ['post', '/api/flows/secret/rollback', { version: 1 }],
      ['put', '/api/numbers/+13125550400', { flowId: 'secret', mode: 'texml' }],
      ['get', '/api/calls/secret-call'],
      ['get', '/api/calls/secret-call/fixture'],
    ];
    for (const [method, path, body] of routes) {
      const req = (api() as any)[method](path).set(o);
      const res = await (body ? req.send(body) : req);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await api().get('/api/flows').set(o)).body.flows).toEqual([]);
    expect((await api().get('/api/numbers').set(o)).body.numbers).toEqual([]);
    expect((await api().get('/api/calls').set(o)).body.calls).toEqual([]);
    // Globex may reuse the flow id: flows are per company.
    await api().post('/api/flows').set(o).send({ ...mainLine(), id: 'secret' }).expect(201);
    // And Acme still sees its own.
    expect((await api().get('/api/flows/secret').set(acme.auth).expect(200)).body.publishedVersion).toBe(1);
    expect((await api().get('/api/calls').set(acme.auth)).body.calls.map((c: { callId: string }) => c.callId)).toContain('secret-call');
  });
});

describe('messaging webhook', () => {
  it('verifies, stores and dedupes message events', async () => {
    const body = JSON.stringify({ data: { event_type: 'message.received', id: 'm-1', payload: { text: 'hi', to: [{ phone_number: '+13125550400' }] }, record_type: 'event' } });
    const first = await api().post('/webhooks/messaging').set(signed(body)).set('content-type', 'application/json').send(body).expect(200);
    expect(first.body).toEqual({ ok: true, duplicate: false });
    const again = await api().post('/webhooks/messaging').set(signed(body)).set('content-type', 'application/json').send(body).expect(200);
    expect(again.body.duplicate).toBe(true);
    await api().post('/webhooks/messaging').set(signed(body, 301)).set('content-type', 'application/json').send(body).expect(401);
  });
});
