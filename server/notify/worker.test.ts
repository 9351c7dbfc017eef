import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Ctx } from '../deps.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import type { OutboxRow } from '../store/notify-types.js';
import { OutboxWorker, PermanentFailure } from './worker.js';
import { backoffMs, DEFAULT_BACKOFF } from './backoff.js';

// A clock the test moves by hand, and timers it fires by hand: no sleeps.
let t = Date.parse('2026-12-04T12:00:00Z');
const now = () => new Date(t);
let store: Store;
let ctx: Ctx;
let company: string;
beforeEach(async () => {
  t = Date.parse('2026-12-04T12:00:00Z');
  store = openSqliteStore(':memory:', now);
  ctx = { store, log: pino({ level: 'silent' }), now } as unknown as Ctx;
  company = (await store.createCompany('Acme')).company.id;
});
afterEach(async () => { await store.close(); });

const item = (target = 'owner@example.com') => ({ companyId: company, channel: 'email' as const, kind: 'missed-call' as const, target, payload: {} });
const row = async (id: string) => (await store.getOutbox(company, id))!;

describe('outbox worker', () => {
  it('retries with exponential backoff and jitter, then fails permanently after the last attempt', async () => {
    const sent: string[] = [];
    const w = new OutboxWorker(ctx, { now, random: () => 0, backoff: { baseMs: 1000, maxMs: 5000, maxAttempts: 5 }, send: async (_c, r) => { sent.push(r.id); throw new Error('451 try later'); } });
    const [r] = await store.enqueue([item()]);
    const waits: number[] = [];
    for (let i = 1; i <= 5; i++) {
      expect(await w.tick(), `attempt ${i} at ${now().toISOString()}: ${JSON.stringify(await row(r!.id))}`).toBe(1);
      const after = await row(r!.id);
      expect(after.attempts).toBe(i);
      if (i < 5) {
        const wait = Date.parse(after.nextAttemptAt) - t;
        waits.push(wait);
        t += wait - 1;
        expect(await w.tick()).toBe(0); // not due yet
        t += 1;
      } else expect(after).toMatchObject({ state: 'failed', lastError: '451 try later' });
    }
    // random() = 0: half of 1 s, 2 s, 4 s, then the 5 s cap.
    expect(waits).toEqual([500, 1000, 2000, 2500]);
    expect(sent).toHaveLength(5);
    t += 3_600_000;
    expect(await w.tick()).toBe(0); // a failed row is not tried again by itself
  });

  it('jitter spreads the wait over [½, 1) of the step', () => {
    expect(backoffMs(DEFAULT_BACKOFF, 1, () => 0)).toBe(15_000);
    expect(backoffMs(DEFAULT_BACKOFF, 1, () => 0.999)).toBe(29_985);
    expect(backoffMs(DEFAULT_BACKOFF, 30, () => 0.999)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
  });

  it('a test email is tried once (the person who asked saw the answer)', async () => {
    const w = new OutboxWorker(ctx, { now, send: async () => { throw new Error('451 try later'); } });
    const [r] = await store.enqueue([{ ...item(), kind: 'test' }]);
    expect(await w.tick()).toBe(1);
    expect(await row(r!.id)).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('a permanent failure is not retried; a success is sent once', async () => {
    const w = new OutboxWorker(ctx, { now, send: async (_c, r) => { if (r.target === 'bad@example.com') throw new PermanentFailure('550 no such user'); } });
    const [bad, good] = await store.enqueue([item('bad@example.com'), item()]);
    expect(await w.tick()).toBe(2);
    expect(await row(bad!.id)).toMatchObject({ state: 'failed', attempts: 1, lastError: '550 no such user' });
    expect(await row(good!.id)).toMatchObject({ state: 'sent', attempts: 1, sentAt: now().toISOString() });
    t += 10_000_000;
    expect(await w.tick()).toBe(0);
  });

  it('two workers on one database send a row once; a worker that died mid-send leaves it to the next after the lease', async () => {
    const sends: string[] = [];
    let release!: () => void;
    const hang = new Promise<void>((r) => { release = r; });
    const a = new OutboxWorker(ctx, { now, leaseMs: 60_000, send: async () => { sends.push('a'); await hang; throw new Error('process died'); } });
    const b = new OutboxWorker(ctx, { now, send: async () => { sends.push('b'); } });
    const [r] = await store.enqueue([item()]);
    const inFlight = a.tick();
    await new Promise((res) => setImmediate(res));
    expect(await b.tick()).toBe(0); // leased by a
    expect(await store.retryOutbox(company, r!.id, now().toISOString())).toBeUndefined(); // "Retry now" leaves a running attempt alone
    expect(sends).toEqual(['a']);
    // a "dies": its attempt never finishes. After the lease the row is due again and b sends it.
    t += 60_000;
    expect(await b.tick()).toBe(1);
    expect(sends).toEqual(['a', 'b']);
    expect(await row(r!.id)).toMatchObject({ state: 'sent', attempts: 2 });
    release();
    await inFlight; // a's late failure does not undo b's delivery
    expect(await row(r!.id)).toMatchObject({ state: 'sent', lastError: null });
  });

  it('sleeps until the earliest due row; kick() looks at once; stop() leaves rows pending', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    const sent: OutboxRow[] = [];
    const w = new OutboxWorker(ctx, { now, pollMs: 60_000, setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length; }, clearTimer: () => {}, send: async (_c, r) => { sent.push(r); } });
    await store.enqueue([{ ...item(), notBefore: new Date(t + 5000).toISOString() }]);
    w.start();
    await expect.poll(() => timers.length).toBe(1);
    expect(timers[0]!.ms).toBe(5000);
    expect(sent).toHaveLength(0);
    t += 5000;
    timers[0]!.fn();
    await expect.poll(() => sent.length).toBe(1);
    await store.enqueue([item('second@example.com')]);
    w.kick();
    await expect.poll(() => sent.map((r) => r.target)).toEqual(['owner@example.com', 'second@example.com']);
    await w.stop();
    await store.enqueue([item('third@example.com')]);
    w.kick(); // stopped: nothing happens
    await new Promise((res) => setImmediate(res));
    expect(sent).toHaveLength(2);
  });
});

describe('outbox retention', () => {
  it('sent rows are deleted after keepSentMs (checked at most hourly); failed and pending rows stay', async () => {
    const w = new OutboxWorker(ctx, { now, keepSentMs: 86_400_000, send: async (_c, r) => { if (r.target === 'bad@example.com') throw new PermanentFailure('550'); } });
    const [sent, bad] = await store.enqueue([item(), item('bad@example.com')]);
    await w.tick();
    const [later] = await store.enqueue([{ ...item('later@example.com'), notBefore: new Date(t + 10 * 86_400_000).toISOString() }]);
    t += 86_400_000 + 1;
    await w.tick();
    expect(await store.getOutbox(company, sent!.id)).toBeUndefined();
    expect((await row(bad!.id)).state).toBe('failed');
    expect((await row(later!.id)).state).toBe('pending');
  });
});

describe('outbox rows are written with their cause', () => {
  it('a voicemail notice and its rows commit together, once', async () => {
    const vm = await store.upsertVoicemail(company, 'call-1', 'call-1|url', { mailbox: 'sales', seconds: 5 });
    expect(await store.claimVoicemailNotice(vm.id, [{ ...item(), kind: 'voicemail', ref: vm.id }])).toBe(true);
    expect(await store.claimVoicemailNotice(vm.id, [{ ...item(), kind: 'voicemail', ref: vm.id }])).toBe(false);
    expect((await store.listOutbox(company, {})).filter((r) => r.ref === vm.id)).toHaveLength(1);
  });

  it('a text-back claims its window in the same write: once per window', async () => {
    const once = () => ({ ...item('+13125550147'), channel: 'sms' as const, kind: 'text-back' as const, once: { key: 'textback:x', since: new Date(t - 3_600_000).toISOString() } });
    expect(await store.enqueue([once()])).toHaveLength(1);
    t += 1000;
    expect(await store.enqueue([once()])).toHaveLength(0); // claimed a second ago
    t += 3_600_000;
    expect(await store.enqueue([once()])).toHaveLength(1); // the window has passed
  });
});
