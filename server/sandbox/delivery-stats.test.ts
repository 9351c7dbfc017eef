/**
 * The sandbox's webhook statistics: retries and failures counted per webhook,
 * attempt times with percentiles, as a load test reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeCall, startBench, xml, type Bench } from '../../test/sandbox/harness.js';
import { DeliveryStats } from './delivery-stats.js';

describe('DeliveryStats', () => {
  it('counts webhooks, retries and failures, and gives attempt percentiles', () => {
    const s = new DeliveryStats();
    expect(s.summary()).toEqual({ webhooks: 0, attempts: 0, retried: 0, failed: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
    for (let i = 1; i <= 100; i++) { s.attempt(i); s.done(1, true); }
    s.attempt(5000); s.attempt(7); s.done(2, true);
    s.attempt(3); s.done(1, false);
    expect(s.summary()).toEqual({ webhooks: 102, attempts: 103, retried: 1, failed: 1, p50Ms: 50, p99Ms: 100, maxMs: 5000 });
  });
});

describe('Sandbox.webhookStats', () => {
  let b: Bench;
  beforeAll(async () => { b = await startBench({ retryDelaysMs: [5] }); });
  afterAll(async () => { await b.close(); });

  it('shows a status callback that needed a retry and one that was never accepted', async () => {
    b.on('/webhooks/texml', xml('<Say>Hello.</Say>'));
    let refused = 0;
    b.on('/webhooks/texml/status', (_h, _req, res) => { refused++; res.status(refused === 1 ? 503 : 200).send('x'); });
    await placeCall(b, { to: '+13125550100' });
    let s = b.sandbox.webhookStats();
    expect(s).toMatchObject({ webhooks: 2, attempts: 3, retried: 1, failed: 0 });
    b.on('/webhooks/texml/status', (_h, _req, res) => { res.status(500).send('no'); });
    await placeCall(b, { to: '+13125550100' });
    s = b.sandbox.webhookStats();
    expect(s).toMatchObject({ webhooks: 4, attempts: 6, retried: 2, failed: 1 });
    expect(s.maxMs).toBeGreaterThanOrEqual(s.p99Ms);
  });
});
