/**
 * With no `links` given (what `npm start` does), a reset link is written to the server's stderr, and to
 * nothing else: not the JSON log, not the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import request from 'supertest';
import { createApp, type CallflowApp } from '../../server/app.js';
import { PUBLIC_URL, tempDb } from '../server/harness.js';
import { makeCompany, makePerson } from './kit.js';

const db = tempDb();
const logs: string[] = [];
let app: CallflowApp;
beforeAll(() => {
  app = createApp({
    db: db.file, log: pino({ level: 'trace' }, { write: (s: string) => { logs.push(s); } }), publicUrl: () => PUBLIC_URL, webhookPublicKeys: [],
    telnyx: new Telnyx({ apiKey: 'K', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }),
  });
});
afterAll(async () => { await app.locals.ctx.store.close(); db.cleanup(); });

describe('the default link sink', () => {
  it('prints the reset link on stderr only', async () => {
    const c = await makeCompany(app);
    await makePerson(app, c.id, 'ana@example.com', 'editor');
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => { written.push(String(chunk)); return (original as (...a: unknown[]) => boolean)(chunk, ...rest); }) as typeof process.stderr.write;
    let res;
    try { res = await request(app).post('/api/password-reset').send({ email: 'ana@example.com' }); } finally { process.stderr.write = original; }
    expect(res.status).toBe(202);
    const line = written.find((w) => w.includes('ana@example.com'));
    expect(line).toMatch(/^callflow: to reset the password of ana@example\.com, open https:\/\/cf\.example\.test\/#\/reset\/[A-Za-z0-9_-]{43} \(valid until /);
    const token = /#\/reset\/([A-Za-z0-9_-]{43})/.exec(line!)![1]!;
    expect(logs.join('')).not.toContain(token);
    expect(JSON.stringify(res.body)).not.toContain(token);
  });
});
