/**
 * A published version keeps running when a kind's schema is tightened later. The tightening is a throwaway one,
 * registered for this file only: `say` at version 2 requires voice and language (engine/kind-version-kit.ts), with
 * its migration 1 → 2. The versions that must keep running are the golden fixtures' main line, saved while `say`
 * was at version 1 (no `kinds` header, say steps with no voice), stored as published and called through the real
 * server in both modes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import request from 'supertest';
import { createApp, type CallflowApp } from '../../server/app.js';
import { readFixtureDir } from '../../server/cli/fixture-replay.js';
import { replayFixture } from '../../server/fixtures/replay.js';
import { renderApology } from '../../engine/texml.js';
import { migrateFlow } from '../../engine/migrate.js';
import { NODE_KINDS } from '../../engine/nodes/index.js';
import { FakeTelnyx, PUBLIC_KEY_B64, PUBLIC_URL, ccEvent, company, tempDb, texml } from './harness.js';

vi.mock('../../engine/nodes/say.js', async (importOriginal) => {
  const { say } = await importOriginal<typeof import('../../engine/nodes/say.js')>();
  const { sayV2 } = await import('../../engine/kind-version-kit.js');
  return { say: sayV2(say) };
});

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
type Doc = { id: string; kinds?: unknown; nodes: { id: string; type: string; data: Record<string, unknown> }[] };
const fixture = (name: string) => readFixtureDir(join(FIXTURES, name));
const oldDoc = () => structuredClone(fixture('main-line-sales-texml').flow) as Doc;

const fake = new FakeTelnyx();
const db = tempDb();
const logged: string[] = [];
let app: CallflowApp;
let acme: Awaited<ReturnType<typeof company>>;

beforeAll(async () => {
  await fake.start();
  const log = pino({ level: 'warn' }, new Writable({ write(chunk, _enc, done) { logged.push(String(chunk)); done(); } }));
  app = createApp({
    db: db.file, log, telnyx: new Telnyx({ apiKey: 'KEY_TEST', baseURL: fake.url, maxRetries: 0, timeout: 5000 }),
    publicUrl: () => PUBLIC_URL, webhookPublicKeys: [PUBLIC_KEY_B64], now: () => new Date('2026-11-23T16:00:00Z'), retryDelayMs: 0, commandAttempts: 3,
  });
  acme = await company(app, 'Acme');
});
afterAll(async () => { await app.locals.ctx.store.close(); await fake.stop(); db.cleanup(); });

const api = () => request(app);

describe('a kind tightened after a version was published', () => {
  it('the registered tightening applies to the fixture flow (say at version 2; the flow saved at 1, say steps with no voice)', () => {
    expect((NODE_KINDS.say as { version?: number }).version).toBe(2);
    const doc = oldDoc();
    expect(doc.kinds).toBeUndefined();
    expect(doc.nodes.filter((n) => n.type === 'say' && n.data.voice === undefined).length).toBeGreaterThan(0);
  });

  it.each(['main-line-sales-texml', 'main-line-sales-call-control'])('%s: the stored version answers every webhook exactly as recorded', async (name) => {
    const files = fixture(name);
    const lines = await replayFixture(files);
    expect(lines).toHaveLength(files.expected!.length);
    expect(lines.filter((l) => l.diff.length).map((l) => ({ at: `${l.index} ${l.path}`, diff: l.diff }))).toEqual([]);
  });

  it('runs without rewriting the stored version; the draft opens, lints and publishes as it is', async () => {
    const doc = oldDoc();
    const store = app.locals.ctx.store;
    await store.createFlow(acme.id, doc.id, 'Main line', doc);
    await store.publish(acme.id, doc.id, doc);
    await store.putNumber(acme.id, '+13125550700', doc.id, 'texml');
    const first = await texml(app, '/webhooks/texml', { CallSid: 'kv-1', From: '+13125550147', To: '+13125550700' }).expect(200);
    expect(first.text).toContain('<Say voice="AWS.Polly.Joanna-Neural" language="en-US">Thanks for calling Acme Plumbing.</Say>');
    expect((await api().get(`/api/flows/${doc.id}/versions/1`).set(acme.auth).expect(200)).body.flow).toEqual(doc);
    const lint = await api().post('/api/flows/lint').set(acme.auth).send(doc).expect(200);
    expect(lint.body.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    expect(lint.body.findings).toEqual((await api().post('/api/flows/lint').set(acme.auth).send(migrateFlow(doc).doc as object).expect(200)).body.findings);
    expect((await api().post(`/api/flows/${doc.id}/publish`).set(acme.auth).expect(201)).body.version).toBe(2);
  });

  it('a flow saved at the current version without what version 2 requires is refused with the path', async () => {
    const doc = { ...oldDoc(), id: 'new-line', kinds: { say: 2 } };
    const at = doc.nodes.findIndex((n) => n.type === 'say' && n.data.voice === undefined);
    const res = await api().post('/api/flows').set(acme.auth).send(doc).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', path: ['nodes', at, 'data', 'voice'] });
    // Saved with the missing fields written in, it is taken.
    const fixed = migrateFlow({ ...doc, kinds: undefined }).doc as Doc;
    expect(fixed.kinds).toEqual({ say: 2 });
    await api().post('/api/flows').set(acme.auth).send(fixed).expect(201);
    const put = await api().put('/api/flows/new-line').set(acme.auth).send({ revision: 1, flow: doc }).expect(400);
    expect(put.body.error.path).toEqual(['flow', 'nodes', at, 'data', 'voice']);
  });

  it('a kind version newer than this engine is a 400 naming `kinds.say`, at save and at publish', async () => {
    const doc = { ...oldDoc(), id: 'from-the-future', kinds: { say: 3 } };
    const res = await api().post('/api/flows').set(acme.auth).send(doc).expect(400);
    expect(res.body.error.path).toEqual(['kinds', 'say']);
    expect(res.body.error.message).toMatch(/^kinds\.say: This flow's "say" steps are at version 3, newer than this Callflow knows \(up to 2\)/);
    const lint = await api().post('/api/flows/lint').set(acme.auth).send(doc).expect(200);
    expect(lint.body.findings).toEqual([expect.objectContaining({ code: 'kind-version', path: ['kinds', 'say'] })]);
  });

  it('a stored version this engine cannot read: the caller gets the apology in both modes, and the log says why', async () => {
    // As a newer Callflow would have stored it (then the install was rolled back to this one).
    const doc = { ...oldDoc(), id: 'too-new', kinds: { say: 3 } };
    const store = app.locals.ctx.store;
    await store.createFlow(acme.id, doc.id, 'Too new', doc);
    await store.publish(acme.id, doc.id, doc);
    await store.putNumber(acme.id, '+13125550701', doc.id, 'texml');
    await store.putNumber(acme.id, '+13125550702', doc.id, 'call-control');
    logged.length = 0;
    const res = await texml(app, '/webhooks/texml', { CallSid: 'kv-2', From: '+13125550147', To: '+13125550701' }).expect(200);
    expect(res.text).toBe(renderApology());
    const key = `${acme.id}/too-new@1`;
    expect(logged.join('\n')).toContain(`flow version ${key} cannot run on this engine: kinds.say: This flow's \\"say\\" steps are at version 3`);

    logged.length = 0;
    fake.clear();
    const p = { call_control_id: 'v3:kv-3', call_session_id: 's-kv-3', from: '+13125550147', to: '+13125550702' };
    await ccEvent(app, 'kv-e1', 'call.initiated', { ...p, direction: 'incoming' }).expect(200);
    await ccEvent(app, 'kv-e2', 'call.answered', p).expect(200);
    expect(fake.actions('v3:kv-3')).toEqual(['answer', 'speak']);
    expect(fake.seen.at(-1)!.body.payload).toMatch(/sorry/i);
    expect(logged.join('\n')).toContain(`flow version ${key} cannot run on this engine: kinds.say`);
  });
});
