import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, ccEvent, company, mainLine, makeApp, publishMainLine, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;

/*
 *  vm(voicemail) ─next→ thanks(say) → bye(hangup)
 *                └noRecording→ bye
 */
const vmFlow = {
  format: 'callflow/1', id: 'vm-line', name: 'Voicemail', start: 'vm',
  nodes: [
    { id: 'vm', type: 'voicemail', position: { x: 0, y: 0 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 60 } },
    { id: 'thanks', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Thanks for your message.' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'vm', sourceHandle: 'next', target: 'thanks' },
    { id: 'e2', source: 'vm', sourceHandle: 'noRecording', target: 'bye' },
    { id: 'e3', source: 'thanks', sourceHandle: 'next', target: 'bye' },
  ],
};

const lastCs = (ccid: string) => [...fake.seen].reverse().find((s) => s.ccid === ccid && s.body.client_state)?.body.client_state as string;

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await request(h.app).post('/api/flows').set(acme.auth).send(vmFlow).expect(201);
  await request(h.app).post('/api/flows/vm-line/publish').set(acme.auth).expect(201);
  await request(h.app).put('/api/numbers/+13125550800').set(acme.auth).send({ flowId: 'vm-line', mode: 'call-control' }).expect(200);
  await publishMainLine(h.app, acme.auth, '+13125550900', 'call-control');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('Call Control: voicemail, recordings and AMD', () => {
  it('records after the greeting, takes call.recording.saved (no call_control_id) and logs the recording', async () => {
    const p = (extra: Record<string, unknown> = {}) => ({ call_control_id: 'v3:vm-1', call_session_id: 'sess-vm-1', from: '+13125550147', to: '+13125550800', client_state: lastCs('v3:vm-1') ?? '', ...extra });
    await ccEvent(h.app, 'vm-e1', 'call.initiated', p({ direction: 'incoming' })).expect(200);
    await ccEvent(h.app, 'vm-e2', 'call.answered', p()).expect(200);
    await ccEvent(h.app, 'vm-e3', 'call.machine.detection.ended', p({ result: 'human' })).expect(200);
    await ccEvent(h.app, 'vm-e4', 'call.speak.ended', p({ status: 'completed' })).expect(200);
    expect(fake.actions('v3:vm-1')).toEqual(['answer', 'speak', 'record_start']);
    expect(fake.seen.at(-1)!.body).toMatchObject({ format: 'mp3', channels: 'single', max_length: 60 });
    const saved = { call_leg_id: 'leg', call_session_id: 'sess-vm-1', client_state: lastCs('v3:vm-1'), channels: 'single',
      recording_started_at: '2026-11-23T16:00:00Z', recording_ended_at: '2026-11-23T16:00:12Z',
      recording_urls: { mp3: 'https://rec.example/vm-1.mp3', wav: 'https://rec.example/vm-1.wav' } };
    await ccEvent(h.app, 'vm-e5', 'call.recording.saved', saved).expect(200);
    expect(fake.seen.at(-1)).toMatchObject({ action: 'speak', ccid: 'v3:vm-1', body: { payload: 'Thanks for your message.' } });
    const call = (await request(h.app).get('/api/calls/v3:vm-1').set(acme.auth).expect(200)).body.call;
    // rec.example is not Telnyx's recording storage: nothing is fetched, and the log says why there is no audio.
    expect(call).toMatchObject({ recordingUrl: null, recordingSeconds: 12, amdResult: 'human', recordingError: expect.stringMatching(/^recording unavailable: refused .*not a recording host/) });
  });

  it('ignores a speak.ended of the gather prompt while the menu waits for digits', async () => {
    const ccid = 'v3:menu-1';
    const p = (extra: Record<string, unknown> = {}) => ({ call_control_id: ccid, call_session_id: 'sess-menu-1', from: '+13125550147', to: '+13125550900', client_state: lastCs(ccid) ?? '', ...extra });
    await ccEvent(h.app, 'm-e1', 'call.initiated', p({ direction: 'incoming' }));
    await ccEvent(h.app, 'm-e2', 'call.answered', p());
    await ccEvent(h.app, 'm-e3', 'call.speak.ended', p({ status: 'completed' }));
    expect(fake.actions(ccid).at(-1)).toBe('gather_using_speak');
    const seq = (await h.app.locals.ctx.store.getSession(ccid))!.seq;
    await ccEvent(h.app, 'm-e4', 'call.speak.ended', p({ status: 'completed' })).expect(200);
    expect((await h.app.locals.ctx.store.getSession(ccid))!.seq).toBe(seq);
    await ccEvent(h.app, 'm-e5', 'call.gather.ended', p({ status: 'valid', digits: '2' })).expect(200);
    expect(fake.seen.at(-1)).toMatchObject({ action: 'speak', body: { payload: 'Support is closed today.' } });
  });

  it('treats a gather timeout as input.timeout and re-prompts', async () => {
    const ccid = 'v3:menu-2';
    const p = (extra: Record<string, unknown> = {}) => ({ call_control_id: ccid, call_session_id: 'sess-menu-2', from: '+13125550147', to: '+13125550900', client_state: lastCs(ccid) ?? '', ...extra });
    await ccEvent(h.app, 'm2-e1', 'call.initiated', p({ direction: 'incoming' }));
    await ccEvent(h.app, 'm2-e2', 'call.answered', p());
    await ccEvent(h.app, 'm2-e3', 'call.speak.ended', p({ status: 'completed' }));
    await ccEvent(h.app, 'm2-e4', 'call.gather.ended', p({ status: 'timeout', digits: '' })).expect(200);
    expect(fake.actions(ccid).filter((a) => a === 'gather_using_speak')).toHaveLength(2);
  });

  it('ends the call with an apology, never silence, when the flow version cannot run', async () => {
    // A version that no longer parses (written behind the API's back): our bug, not the caller's.
    const store = h.app.locals.ctx.store;
    await request(h.app).post('/api/flows').set(acme.auth).send({ ...mainLine(), id: 'broken' }).expect(201);
    await store.publish(acme.id, 'broken', { format: 'callflow/1', id: 'broken', nodes: 'garbage' });
    await request(h.app).put('/api/numbers/+13125551000').set(acme.auth).send({ flowId: 'broken', mode: 'call-control' }).expect(200);
    const p = (extra: Record<string, unknown> = {}) => ({ call_control_id: 'v3:broken', call_session_id: 's-broken', from: '+13125550147', to: '+13125551000', client_state: lastCs('v3:broken') ?? '', ...extra });
    await ccEvent(h.app, 'b-e1', 'call.initiated', p({ direction: 'incoming' })).expect(200);
    await ccEvent(h.app, 'b-e2', 'call.answered', p()).expect(200);
    expect(fake.seen.at(-1)).toMatchObject({ action: 'speak', ccid: 'v3:broken', body: { payload: expect.stringMatching(/sorry/i) } });
    await ccEvent(h.app, 'b-e3', 'call.speak.ended', p({ status: 'completed' })).expect(200);
    expect(fake.actions('v3:broken')).toEqual(['answer', 'speak', 'hangup']);

    await request(h.app).put('/api/numbers/+13125551000').set(acme.auth).send({ flowId: 'broken', mode: 'texml' }).expect(200);
    const res = await texml(h.app, '/webhooks/texml', { CallSid: 'broken-texml', From: '+13125550147', To: '+13125551000' }).expect(200);
    expect(res.text).toMatch(/<Say[^>]*>[^<]*sorry[^<]*<\/Say>\s*<Hangup/i);
  });

  it('two server instances on one database process a delivered-twice event once', async () => {
    const twin = makeApp(db.file, fake);
    try {
      const ccid = 'v3:twins';
      const p = (extra: Record<string, unknown> = {}) => ({ call_control_id: ccid, call_session_id: 's-twins', from: '+13125550147', to: '+13125550900', client_state: lastCs(ccid) ?? '', ...extra });
      await ccEvent(h.app, 't-e1', 'call.initiated', p({ direction: 'incoming' })).expect(200);
      const body = p();
      const [a, b] = await Promise.all([ccEvent(h.app, 't-e2', 'call.answered', body), ccEvent(twin.app, 't-e2', 'call.answered', body)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(fake.actions(ccid)).toEqual(['answer', 'speak']);
      // Either instance takes the next event.
      await ccEvent(twin.app, 't-e3', 'call.speak.ended', p({ status: 'completed' })).expect(200);
      expect(fake.actions(ccid)).toEqual(['answer', 'speak', 'gather_using_speak']);
    } finally {
      await twin.close();
    }
  });
});
