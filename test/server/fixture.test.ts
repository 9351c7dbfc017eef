import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { readFixtureDir } from '../../server/cli/fixture-replay.js';
import { replayFixture } from '../../server/fixtures/replay.js';
import { FakeTelnyx, ccEvent, company, mainLine, makeApp, publishMainLine, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await publishMainLine(h.app, acme.auth, '+13125550500', 'texml');
  await publishMainLine(h.app, acme.auth, '+13125550600', 'call-control', { ...mainLine(), id: 'cc-line' });
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

/** Writes the exported `{files}` into a folder, as a user would save it under fixtures/. */
async function exportTo(callId: string, name: string): Promise<string> {
  const res = await request(h.app).get(`/api/calls/${encodeURIComponent(callId)}/fixture`).set(acme.auth).expect(200);
  const dir = join(db.file, '..', name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(res.body.files)) writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

describe('a live call exported as a fixture replays to the same answers', () => {
  it('TeXML: same documents; an edited flow shows the difference', async () => {
    const f = { CallSid: 'fx-1', From: '+13125550147', To: '+13125550500' };
    await texml(h.app, '/webhooks/texml', f).expect(200);
    await texml(h.app, '/webhooks/texml/gather-menu-1', { ...f, Digits: '9' }).expect(200);
    await texml(h.app, '/webhooks/texml/gather-menu-2', { ...f, Digits: '2' }).expect(200);
    await texml(h.app, '/webhooks/texml/status', { ...f, CallStatus: 'completed' }).expect(200);
    const dir = await exportTo('fx-1', 'fx-texml');
    const files = readFixtureDir(dir);
    expect(files.events).toHaveLength(4);
    const results = await replayFixture(files);
    expect(results.map((r) => r.diff)).toEqual([[], [], [], []]);
    expect(results[2]!.got.texml).toContain('Support is closed today.');

    const edited = JSON.parse(JSON.stringify(files.flow));
    edited.nodes.find((n: { id: string }) => n.id === 'support').data.text = 'Changed.';
    const diff = await replayFixture({ ...files, flow: edited });
    expect(diff[2]!.diff.join('\n')).toContain('Changed.');
  });

  it('Call Control: same commands, and the CLI replays the folder', async () => {
    let cs = '';
    const last = () => { cs = [...fake.seen].reverse().find((s) => s.ccid === 'v3:fx-2')?.body.client_state ?? cs; return cs; };
    const p = () => ({ call_control_id: 'v3:fx-2', call_session_id: 's-fx-2', from: '+13125550147', to: '+13125550600', client_state: last() });
    await ccEvent(h.app, 'fx-e1', 'call.initiated', { ...p(), direction: 'incoming' }).expect(200);
    await ccEvent(h.app, 'fx-e2', 'call.answered', p()).expect(200);
    await ccEvent(h.app, 'fx-e3', 'call.speak.ended', { ...p(), status: 'completed' }).expect(200);
    await ccEvent(h.app, 'fx-e4', 'call.gather.ended', { ...p(), status: 'valid', digits: '2' }).expect(200);
    await ccEvent(h.app, 'fx-e4', 'call.gather.ended', { ...p(), status: 'valid', digits: '2' }).expect(200);
    const dir = await exportTo('v3:fx-2', 'fx-cc');
    const results = await replayFixture(readFixtureDir(dir));
    expect(results).toHaveLength(5);
    expect(results.map((r) => r.diff)).toEqual([[], [], [], [], []]);
    expect(results[3]!.got.commands?.map((c) => c.action)).toEqual(['speak']);

    const out = execFileSync('npx', ['tsx', 'server/cli/main.ts', 'simulate', '--fixture', dir], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });
    expect(out).toContain('5 event(s), 0 differ');
  });
});
