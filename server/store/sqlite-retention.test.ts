/**
 * Retention on a real SQLite file: rows from before the cutoff go (webhook logs, their dedupe rows, ended calls'
 * snapshots, and recordings when they have a period), the call log stays, younger rows and live calls stay, and the
 * call log and voicemail say why their audio is gone. Batches smaller than the data walk the whole table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.js';
import Database from 'better-sqlite3';
import { retentionRepo } from './sqlite-retention.js';
import { Connection } from './connection.js';
import { Batcher } from './unit-of-work.js';
import type { Store } from './types.js';
import { tempDb } from '../../test/server/harness.js';

let clock = new Date('2026-01-01T00:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const f of cleanups.splice(0).reverse()) await f(); });

function open(): Store & { file: string } {
  const db = tempDb();
  const store = openSqliteStore(db.file, () => clock);
  cleanups.push(db.cleanup, () => store.close());
  return Object.assign(store, { file: db.file });
}

/** One call at `at`: its log row, a webhook, a dedupe row, a session; `ended` decides the session's status. */
async function call(store: Store, companyId: string, id: string, at: string, ended: boolean) {
  clock = new Date(at);
  await store.startCall({ callId: id, companyId, flowId: 'f', version: 1, mode: 'texml', callSessionId: null }, { callId: id, companyId, flowId: 'f', version: 1, mode: 'texml', direction: 'inbound', from: '+13125550100', to: '+13125550199', startedAt: at });
  await store.recordWebhook({ receivedAt: at, kind: 'texml', method: 'POST', path: '/webhooks/texml', headers: {}, rawBody: `CallSid=${id}`, eventId: `e-${id}`, callId: id, companyId, status: 200, answer: '<Response/>' });
  await store.storeEventAnswer(`e-${id}`, '<Response/>', true);
  const s = await store.getSession(id);
  await store.saveSnapshot(id, s!.seq, { status: ended ? 'done' : 'active', value: 'x', context: { seq: 1 } } as never);
  if (ended) await store.patchCallLog(id, { endedAt: at, hangupCause: 'normal_clearing' });
}

describe('prune', () => {
  it('drops what is older than the cutoff and keeps the call log, young rows and live calls', async () => {
    const store = open();
    const { company } = await store.createCompany('Acme');
    await call(store, company.id, 'old-1', '2026-01-01T10:00:00Z', true);
    await call(store, company.id, 'old-live', '2026-01-01T11:00:00Z', false);
    await call(store, company.id, 'new-1', '2026-03-01T10:00:00Z', true);
    clock = new Date('2026-03-02T00:00:00Z');
    const n = await store.prune({ webhooksBefore: '2026-02-01T00:00:00Z' });
    expect(n).toEqual({ webhooks: 2, events: 2, sessions: 1, recordings: 0 });
    expect(await store.webhooksForCall('old-1')).toEqual([]);
    expect(await store.eventState('e-old-1')).toBeUndefined();
    expect(await store.getSession('old-1')).toBeUndefined();
    // A call that never ended keeps its snapshot (its hangup may still come).
    expect(await store.getSession('old-live')).toBeDefined();
    expect((await store.getCall(company.id, 'old-1'))?.hangupCause).toBe('normal_clearing');
    expect(await store.webhooksForCall('new-1')).toHaveLength(1);
    expect(await store.eventState('e-new-1')).toBeDefined();
    // Again: nothing more to do.
    expect(await store.prune({ webhooksBefore: '2026-02-01T00:00:00Z' })).toEqual({ webhooks: 0, events: 0, sessions: 0, recordings: 0 });
  });

  it('recordings older than their period lose their audio, and the call log and voicemail say so', async () => {
    const store = open();
    const { company } = await store.createCompany('Acme');
    await call(store, company.id, 'rec-old', '2026-01-05T10:00:00Z', true);
    await store.saveRecording({ id: 'r-old', companyId: company.id, callId: 'rec-old', sourceUrl: 'https://s3.amazonaws.com/telnyx/r-old.mp3', contentType: 'audio/mpeg', seconds: 12, audio: Buffer.from('old audio'), createdAt: '2026-01-05T10:00:00Z' });
    await store.patchCallLog('rec-old', { recordingUrl: 'https://s3.amazonaws.com/telnyx/r-old.mp3', recordingSeconds: 12 });
    await store.upsertVoicemail(company.id, 'rec-old', 'rec-old|https://s3.amazonaws.com/telnyx/r-old.mp3', { audioId: 'r-old', seconds: 12, caller: '+13125550100' });
    await call(store, company.id, 'rec-new', '2026-03-01T10:00:00Z', true);
    await store.saveRecording({ id: 'r-new', companyId: company.id, callId: 'rec-new', sourceUrl: 'https://s3.amazonaws.com/telnyx/r-new.mp3', contentType: 'audio/mpeg', seconds: 5, audio: Buffer.from('new audio'), createdAt: '2026-03-01T10:00:00Z' });
    const n = await store.prune({ recordings: { before: '2026-02-01T00:00:00Z', days: 30 } });
    expect(n.recordings).toBe(1);
    expect(n.webhooks).toBe(0);
    expect(await store.getRecording(company.id, 'r-old')).toBeUndefined();
    expect((await store.getRecording(company.id, 'r-new'))?.audio.toString()).toBe('new audio');
    const log = await store.getCall(company.id, 'rec-old');
    expect(log?.recordingUrl).toBeNull();
    expect(log?.recordingError).toBe('recording deleted after 30 days (retention)');
    const [vm] = await store.voicemailsOfCall('rec-old');
    expect(vm?.audioId).toBeNull();
    expect(vm?.audioError).toBe('recording deleted after 30 days (retention)');
    expect(vm?.caller).toBe('+13125550100');
  });

  it('walks tables bigger than one batch, oldest first, and stops at the first young row', async () => {
    const store = open();
    const { company } = await store.createCompany('Acme');
    for (let i = 0; i < 25; i++) await call(store, company.id, `c${i}`, `2026-01-${String(1 + i).padStart(2, '0')}T10:00:00Z`, true);
    // Batches of 4 over the same database file (a second connection): the walk must cross many of them.
    const sqlite = new Database(store.file);
    cleanups.push(() => { sqlite.close(); });
    const n = await retentionRepo(new Connection(sqlite, new Batcher(sqlite, store.file)), 4).prune({ webhooksBefore: '2026-01-20T00:00:00Z' });
    expect(n.webhooks).toBe(19);
    expect(await store.webhooksForCall('c18')).toEqual([]);
    expect(await store.webhooksForCall('c19')).toHaveLength(1);
  });
});
