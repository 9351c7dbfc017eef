/** /healthz and /readyz on the real app and a real SQLite file: what each state of the server answers. */
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import Database from 'better-sqlite3';
import { FakeTelnyx, makeApp, tempDb } from '../../test/server/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const f of cleanups.splice(0).reverse()) await f(); });

async function setup() {
  const db = tempDb();
  const fake = new FakeTelnyx();
  await fake.start();
  const h = makeApp(db.file, fake);
  let closed = false;
  cleanups.push(db.cleanup, () => fake.stop(), async () => { if (!closed) await h.close(); });
  return { ...h, file: db.file, closeStore: async () => { closed = true; await h.close(); } };
}

describe('health and readiness', () => {
  it('a running server with a migrated database is healthy and ready, without a key', async () => {
    const h = await setup();
    const health = await request(h.app).get('/healthz').expect(200);
    expect(health.body).toEqual({ status: 'ok', draining: false });
    const ready = await request(h.app).get('/readyz').expect(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.migrations.pending).toEqual([]);
    expect(ready.body.migrations.applied).toBeGreaterThanOrEqual(17);
    expect(ready.headers['cache-control']).toBe('no-store');
  });

  it('draining (a shutdown began): still healthy, not ready', async () => {
    const h = await setup();
    h.app.locals.ctx.draining = true;
    await request(h.app).get('/healthz').expect(200, { status: 'ok', draining: true });
    const r = await request(h.app).get('/readyz').expect(503);
    expect(r.body.status).toBe('draining');
  });

  it('a migration the database lacks: 503 naming it', async () => {
    const h = await setup();
    // Another process (an older build's restore, say) removed the record of migration 17.
    const raw = new Database(h.file);
    raw.prepare('DELETE FROM schema_migrations WHERE version = 17').run();
    raw.close();
    const r = await request(h.app).get('/readyz').expect(503);
    expect(r.body).toMatchObject({ status: 'not_ready', migrations: { pending: [17] } });
    expect(r.body.reason).toMatch(/migrations not applied: 17/);
  });

  it('a database that does not answer: 503 with the reason, never a 500', async () => {
    const h = await setup();
    await h.closeStore();
    const r = await request(h.app).get('/readyz').expect(503);
    expect(r.body.status).toBe('not_ready');
    expect(r.body.reason).toMatch(/^database: /);
    await request(h.app).get('/healthz').expect(200);
  });
});
