import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { FakeTelnyx, ccEvent, company, mainLine, makeApp, publishMainLine, tempDb, texml } from '../../test/server/harness.js';

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
const LINE = '+13125550100', CC_LINE = '+13125550200', CALLER = '+13125550147';

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  auth = (await company(h.app, 'Acme')).auth;
  await publishMainLine(h.app, auth, LINE, 'texml');
  await publishMainLine(h.app, auth, CC_LINE, 'call-control', { ...mainLine(), id: 'main-line-cc' });
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

describe('Call Control step: two commits, both shared with the turn\'s other webhooks', () => {
  it('a menu key: the step (before the command is sent), then the done flag with the log row (before the answer)', async () => {
    const ccid = 'v3:commit-1';
    let n = 0, cs = '';
    const send = (type: string, extra: Record<string, unknown> = {}) =>
      ccEvent(h.app, `e-${++n}`, type, { call_control_id: ccid, call_session_id: 's-1', from: CALLER, to: CC_LINE, client_state: cs, ...extra }).expect(200);
    const follow = () => { cs = [...fake.seen].reverse().find((x) => x.ccid === ccid && x.body.client_state)?.body.client_state ?? cs; };
    await send('call.initiated', { direction: 'incoming' }); follow();
    await send('call.answered'); follow();
    await send('call.speak.ended', { status: 'completed' }); follow();
    const before = commits(db.file), sent = fake.seen.length;
    const res = await send('call.gather.ended', { digits: '9', status: 'valid' });
    expect(JSON.parse(res.text).commands.map((c: { action: string }) => c.action)).toContain('gather_using_speak');
    expect(fake.seen.length - sent).toBe(1); // the re-prompt, sent once
    expect(commits(db.file) - before).toBe(2); // three before: the step, the done flag and the log row each committed alone
    expect((await h.app.locals.ctx.store.eventState(`cc:e-${n}`))?.done).toBe(true);
  });
});
