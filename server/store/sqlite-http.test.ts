/**
 * httpRequest nodes' requests in the store (migration 022): one claim per call and step (the one attempt that
 * sends it), the first result written stays, and retention sweeps them with the webhook logs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.js';
import { tempDb } from '../../test/server/harness.js';

let clock = new Date('2026-01-01T00:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const f of cleanups.splice(0).reverse()) await f(); });
function open() {
  const db = tempDb();
  const store = openSqliteStore(db.file, () => clock);
  cleanups.push(db.cleanup, () => store.close());
  return store;
}

describe('http_requests', () => {
  it('is claimed once per call and step; its first result stays', async () => {
    const store = open();
    expect(await store.httpRequest('c1', 3)).toBeUndefined();
    expect(await store.claimHttpRequest('c1', 3, 1_000)).toBe(true);
    expect(await store.claimHttpRequest('c1', 3, 2_000)).toBe(false);
    expect(await store.claimHttpRequest('c1', 4, 2_000)).toBe(true);
    expect(await store.httpRequest('c1', 3)).toEqual({ deadlineMs: 1_000 });
    await store.finishHttpRequest('c1', 3, { status: 200, body: '{"a":1}' });
    await store.finishHttpRequest('c1', 3, { timeout: true });
    expect(await store.httpRequest('c1', 3)).toEqual({ deadlineMs: 1_000, result: { status: 200, body: '{"a":1}' } });
  });

  it('goes with the webhook logs when they are pruned (older ones only)', async () => {
    const store = open();
    clock = new Date('2026-01-01T10:00:00Z');
    await store.claimHttpRequest('old', 1, 0);
    clock = new Date('2026-03-01T10:00:00Z');
    await store.claimHttpRequest('new', 1, 0);
    const n = await store.prune({ webhooksBefore: '2026-02-01T00:00:00Z' });
    expect(n.events).toBe(1);
    expect(await store.httpRequest('old', 1)).toBeUndefined();
    expect(await store.httpRequest('new', 1)).toBeDefined();
  });
});
