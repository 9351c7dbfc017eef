import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, company, makeApp, mainLine, publishMainLine, tempDb, texml } from './harness.js';
import { flowCacheStats } from '../../server/calls/runner.js';
import { MACHINE_CACHE_LIMITS, machineCacheStats } from '../../engine/compile.js';

/**
 * Issue #11 item 5: the parsed-flow cache (server/calls/runner.ts) and the engine's compiled-machine
 * cache grew with every published version (2.7 GB in 29 s). Both are LRUs bounded by count and by
 * flow elements (nodes + edges). Here a company publishes many versions of a big flow and takes a call
 * on each: the caches stay bounded, and a call that started on the first version (long evicted) carries
 * on with that version, read again from the store.
 */
const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550100';
const start = (sid: string) => ({ AccountSid: 'acc', CallSid: sid, From: '+13125550147', To: LINE, CallerId: '+13125550147', ConnectionId: 'conn', CallStatus: 'in-progress' });

/** The main line with `support` saying `text`, padded with 1,000 spare say nodes (unreachable, a warning only). */
function bigLine(text: string) {
  const base = mainLine();
  const spare = Array.from({ length: 1000 }, (_, i) => ({ id: `spare-${i}`, type: 'say', position: { x: 0, y: 0 }, data: { text: `Spare ${i}` } }));
  return { ...base, nodes: [...base.nodes.map((n) => (n.id === 'support' ? { ...n, data: { text } } : n)), ...spare] };
}

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await publishMainLine(h.app, acme.auth, LINE, 'texml', bigLine('Version 1 support.'));
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('flow caches with many published versions', () => {
  it('stay bounded while an old call still runs on its own version', async () => {
    await texml(h.app, '/webhooks/texml', start('call-v1')).expect(200);
    const versions = 26; // ~1,020 elements each: about 19 fit in the bound
    for (let v = 2; v <= versions; v++) {
      const cur = await request(h.app).get('/api/flows/main-line').set(acme.auth).expect(200);
      await request(h.app).put('/api/flows/main-line').set(acme.auth).send({ revision: cur.body.revision, flow: bigLine(`Version ${v} support.`) }).expect(200);
      expect((await request(h.app).post('/api/flows/main-line/publish').set(acme.auth).expect(201)).body.version).toBe(v);
      const first = await texml(h.app, '/webhooks/texml', start(`call-v${v}`)).expect(200);
      expect(first.text).toContain('<Gather');
      for (const stats of [flowCacheStats(), machineCacheStats()]) {
        expect(stats.elements).toBeLessThanOrEqual(MACHINE_CACHE_LIMITS.elements);
        expect(stats.entries).toBeLessThan(versions - 5);
      }
    }
    // The first call's version was evicted long ago: it is read and compiled again, and answers as version 1.
    const old = await texml(h.app, '/webhooks/texml/gather-menu-1', { CallSid: 'call-v1', Digits: '2' }).expect(200);
    expect(old.text).toContain('Version 1 support.');
    const fresh = await texml(h.app, '/webhooks/texml/gather-menu-1', { CallSid: `call-v${versions}`, Digits: '2' }).expect(200);
    expect(fresh.text).toContain(`Version ${versions} support.`);
  }, 60_000);
});
