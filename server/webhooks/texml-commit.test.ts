import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { FakeTelnyx, company, makeApp, publishMainLine, tempDb, texml } from '../../test/server/harness.js';

/**
 * The commits a request costs, read from the WAL file itself: a frame whose header carries a database size
 * (bytes 4–7) ends a transaction; only frames with the WAL header's salts belong to the current log.
 */
function commits(file: string): number {
  const wal = readFileSync(`${file}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8), salt1 = wal.readUInt32BE(16), salt2 = wal.readUInt32BE(20);
  let n = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) n++;
  }
  return n;
}

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let auth: Record<string, string>;
const LINE = '+13125550100', CALLER = '+13125550147';

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  auth = (await company(h.app, 'Acme')).auth;
  await publishMainLine(h.app, auth, LINE, 'texml');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('TeXML step: the snapshot, its answer and the webhook log row are one commit', () => {
  it('a menu key costs exactly one transaction, and everything it wrote is there once answered', async () => {
    await texml(h.app, '/webhooks/texml', { CallSid: 'c-1', From: CALLER, To: LINE, CallStatus: 'in-progress' }).expect(200);
    const before = commits(db.file);
    const res = await texml(h.app, '/webhooks/texml/gather-menu-1', { CallSid: 'c-1', From: CALLER, To: LINE, Digits: '9' }).expect(200);
    expect(res.text).toContain('<Gather'); // the wrong key re-prompts: a real step
    expect(commits(db.file) - before).toBe(1);
    const store = h.app.locals.ctx.store;
    expect((await store.eventState('texml:c-1:gather-menu-1'))?.answer).toBe(res.text);
    const logged = await store.webhooksForCall('c-1');
    expect(logged.at(-1)).toMatchObject({ path: '/webhooks/texml/gather-menu-1', status: 200, answer: res.text });
    // A retry of the same step is the stored answer: no step, one more log row (one more commit).
    const again = await texml(h.app, '/webhooks/texml/gather-menu-1', { CallSid: 'c-1', From: CALLER, To: LINE, Digits: '9' }).expect(200);
    expect(again.text).toBe(res.text);
    expect(commits(db.file) - before).toBe(2);
    await request(h.app).get('/api/me').set(auth).expect(200);
  });
});
