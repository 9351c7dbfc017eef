/**
 * The offline simulators answer httpRequest nodes from the script: `callflow simulate --http NODE=ANSWER` and
 * `POST /api/flows/simulate` with `http` (the builder's simulator runs the same engine/simulate.ts). Bad answers
 * get exit 2 with the usage, or 400 with the field path.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { run as simulate } from '../server/cli/commands/simulate.js';
import { FakeTelnyx, company, makeApp, tempDb } from './server/harness.js';

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = await simulate(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}
afterEach(() => vi.restoreAllMocks());
const AT = '2026-12-07T11:00:00-06:00';

describe('callflow simulate --http', () => {
  it('answers the node as scripted: a status and body, a timeout, an error', async () => {
    const ok = await cli(['flows/order-status.json', '--digits', '482913', '--at', AT, '--http', 'lookup=200:{"order":{"status":"packed","delivery":{"estimate":"Friday"}}}']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Order 482913 is packed. Estimated delivery: Friday.');
    expect(ok.out).toContain('path: [ok] → status');
    const slow = await cli(['flows/order-status.json', '--digits', '482913', '--at', AT, '--http', 'lookup=timeout', '--mode', 'call-control']);
    expect(slow.out).toContain('path: [timeout] → slow');
    const missing = await cli(['flows/order-status.json', '--digits', '482913', '--at', AT, '--http', 'lookup=404']);
    expect(missing.out).toContain('path: [error] → not-found');
  });

  it('refuses an answer it cannot read (exit 2, the form it takes)', async () => {
    const bad = await cli(['flows/order-status.json', '--http', 'lookup=maybe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--http takes NODE=STATUS[:BODY]');
  });
});

describe('POST /api/flows/simulate with http', () => {
  const fake = new FakeTelnyx();
  const db = tempDb();
  let h: ReturnType<typeof makeApp>;
  let auth: Record<string, string>;
  const flow = JSON.parse(readFileSync('flows/order-status.json', 'utf8'));
  beforeAll(async () => { await fake.start(); h = makeApp(db.file, fake); auth = (await company(h.app, 'Acme')).auth; });
  afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

  it('takes the answers per node and routes by them', async () => {
    const res = await request(h.app).post('/api/flows/simulate').set(auth)
      .send({ flow, digits: ['482913'], at: AT, http: { lookup: [{ status: 503 }] } }).expect(200);
    const ports = res.body.steps.flatMap((s: { trace: { kind: string; node: string; port?: string }[] }) => s.trace.filter((t) => t.kind === 'port').map((t) => `${t.node}.${t.port}`));
    expect(ports).toContain('lookup.error');
  });

  it('lint and publish: a literal loopback URL is an error with its path (publish refused); a timeout past 10 s is a 400 with its path', async () => {
    const local = { ...flow, id: 'order-local', nodes: flow.nodes.map((n: { id: string; data: Record<string, unknown> }) => (n.id === 'lookup' ? { ...n, data: { ...n.data, url: 'http://127.0.0.1:8080/orders/{{vars.order}}' } } : n)) };
    const lint = await request(h.app).post('/api/flows/lint').set(auth).send(local).expect(200);
    const finding = (lint.body.findings as { code: string; severity: string; node?: string; path?: unknown[] }[]).find((f) => f.code === 'httpRequest.private');
    expect(finding).toMatchObject({ severity: 'error', node: 'lookup' });
    await request(h.app).post('/api/flows').set(auth).send(local).expect(201);
    const published = await request(h.app).post('/api/flows/order-local/publish').set(auth).expect(422);
    expect(JSON.stringify(published.body)).toContain('httpRequest.private');
    const slow = { ...flow, id: 'order-slow', nodes: flow.nodes.map((n: { id: string; data: Record<string, unknown> }) => (n.id === 'lookup' ? { ...n, data: { ...n.data, timeoutSeconds: 30 } } : n)) };
    const bad = await request(h.app).post('/api/flows').set(auth).send(slow).expect(400);
    expect(bad.body.error.path).toEqual(['nodes', 2, 'data', 'timeoutSeconds']);
  });

  it('answers 400 with the path for an answer that is not one', async () => {
    const res = await request(h.app).post('/api/flows/simulate').set(auth).send({ flow, http: { lookup: { status: 'fine' } } }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', path: ['http', 'lookup'] });
  });
});
