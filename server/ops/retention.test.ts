/** The retention settings and one sweep on a real store: what each setting deletes, and what a bad value gets. */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite.js';
import { pruneOnce, retentionFromEnv, startRetention } from './retention.js';
import { tempDb } from '../../test/server/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const f of cleanups.splice(0).reverse()) await f(); });

describe('retention settings', () => {
  it('defaults: webhook logs 30 days, recordings forever', () => {
    expect(retentionFromEnv({})).toEqual({ webhookDays: 30, recordingDays: 0 });
    expect(retentionFromEnv({ CALLFLOW_RETAIN_WEBHOOKS_DAYS: '0', CALLFLOW_RETAIN_RECORDINGS_DAYS: '365' })).toEqual({ webhookDays: 0, recordingDays: 365 });
  });
  it('a value that is not a whole number of days is refused with its name', () => {
    expect(() => retentionFromEnv({ CALLFLOW_RETAIN_WEBHOOKS_DAYS: 'thirty' })).toThrow(/CALLFLOW_RETAIN_WEBHOOKS_DAYS must be a whole number of days/);
    expect(() => retentionFromEnv({ CALLFLOW_RETAIN_RECORDINGS_DAYS: '-1' })).toThrow(/CALLFLOW_RETAIN_RECORDINGS_DAYS/);
    expect(() => retentionFromEnv({ CALLFLOW_RETAIN_RECORDINGS_DAYS: '1.5' })).toThrow(/CALLFLOW_RETAIN_RECORDINGS_DAYS/);
  });
});

describe('a sweep', () => {
  it('deletes webhook logs older than the period counted from now, and nothing when both are 0', async () => {
    const db = tempDb();
    const store = openSqliteStore(db.file);
    cleanups.push(db.cleanup, () => store.close());
    const row = (receivedAt: string) => ({ receivedAt, kind: 'texml' as const, method: 'POST', path: '/webhooks/texml', headers: {}, rawBody: 'x', eventId: null, callId: 'c1', companyId: null, status: 200, answer: null });
    await store.recordWebhook(row('2026-10-01T00:00:00Z'));
    await store.recordWebhook(row('2026-11-20T00:00:00Z'));
    const now = new Date('2026-12-01T00:00:00Z');
    expect((await pruneOnce(store, { webhookDays: 0, recordingDays: 0 }, now)).webhooks).toBe(0);
    expect((await pruneOnce(store, { webhookDays: 30, recordingDays: 0 }, now)).webhooks).toBe(1);
    expect((await store.webhooksForCall('c1')).map((w) => w.receivedAt)).toEqual(['2026-11-20T00:00:00Z']);
  });

  it('the sweeper runs on its timer and logs what it pruned', async () => {
    const db = tempDb();
    const store = openSqliteStore(db.file);
    cleanups.push(db.cleanup, () => store.close());
    await store.recordWebhook({ receivedAt: '2020-01-01T00:00:00Z', kind: 'texml', method: 'POST', path: '/webhooks/texml', headers: {}, rawBody: 'x', eventId: null, callId: 'c2', companyId: null, status: 200, answer: null });
    const lines: unknown[] = [];
    const stop = startRetention(store, { info: (o: unknown) => lines.push(o), warn: () => {} } as never, { webhookDays: 30, recordingDays: 0 }, () => new Date(), { firstMs: 1, everyMs: 60_000 });
    cleanups.push(stop);
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ pruned: { webhooks: 1 } });
    expect(await store.webhooksForCall('c2')).toEqual([]);
  });
});
