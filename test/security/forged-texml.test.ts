/**
 * Forged TeXML webhooks across companies (issue #11 item 1), on the real app with real Ed25519 signatures.
 *
 * The attack: company B holds bodies Telnyx signed for B (its own webhooks; before the fix the API even
 * returned them with their signature headers). The signature covers `timestamp|body` only, so B sends a
 * body it has with the fields it wants in the query string (or a JSON body, or a GET whose empty body is
 * signed) and names A's number. What must hold: A's flow never runs — no call in A's log, nothing in A's
 * inbox, no SMS from A's number, nothing on A's bill — and the caller side always gets valid TeXML.
 *
 *   A's line:  greet(say) → text(sms from {{caller.to}}) → vm(voicemail, transcribed) → bye(hangup)
 *   B's line:  the main line, Call Control
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { FakeTelnyx, ccEvent, company, e, n, mainLine, makeApp, publishMainLine, signed, tempDb, texml } from '../server/harness.js';

const A_NUM = '+13125550600', A_CC = '+13125550601', B_NUM = '+13125550900', CALLER = '+13125550147';
const MONTH = '2026-11';
const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let A: Awaited<ReturnType<typeof company>>, B: Awaited<ReturnType<typeof company>>;

const aLine = {
  format: 'callflow/1', id: 'a-line', name: 'A line', start: 'greet',
  nodes: [
    n('greet', 'say', { text: 'You reached A.' }), n('text', 'sms', { text: 'Thanks for calling A' }),
    n('vm', 'voicemail', { greeting: { text: 'Leave a message.' }, transcribe: true }), n('bye', 'hangup', {}),
  ],
  edges: [e('greet', 'next', 'text'), e('text', 'next', 'vm'), e('vm', 'next', 'bye'), e('vm', 'noRecording', 'bye')],
};

/** A Call Control event body Telnyx signed for B's own call: B has it, and its signature. */
const bBody = JSON.stringify({ data: { event_type: 'call.answered', id: 'b-evt-1', occurred_at: '2026-11-23T16:00:00Z', record_type: 'event', payload: { call_control_id: 'v3:b-own', to: B_NUM, from: CALLER } } });
const FORM = 'application/x-www-form-urlencoded';
const qs = (f: Record<string, string>) => new URLSearchParams(f).toString();

/** The three ways B can make a signed request carry A's fields: GET (empty body signed), JSON body, a form body without them. */
const forgeries = {
  get: (path: string, f: Record<string, string>) => request(h.app).get(`${path}?${qs(f)}`).set(signed('')),
  json: (path: string, f: Record<string, string>) => request(h.app).post(`${path}?${qs(f)}`).set(signed(bBody)).set('content-type', 'application/json').send(bBody),
  form: (path: string, f: Record<string, string>) => request(h.app).post(`${path}?${qs(f)}`).set(signed(bBody)).set('content-type', FORM).send(bBody),
};

const smsFromA = () => fake.seen.filter((s) => s.path === '/v2/messages' && s.body.from === A_NUM);

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  A = await company(h.app, 'Company A');
  B = await company(h.app, 'Company B');
  await request(h.app).post('/api/flows').set(A.auth).send(aLine).expect(201);
  await request(h.app).post('/api/flows/a-line/publish').set(A.auth).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(A_NUM)}`).set(A.auth).send({ flowId: 'a-line', mode: 'texml' }).expect(200);
  await publishMainLine(h.app, A.auth, A_CC, 'call-control', { ...mainLine(), id: 'a-cc' });
  await publishMainLine(h.app, B.auth, B_NUM, 'call-control');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });
beforeEach(() => fake.clear());

describe('forged TeXML fields: B\'s signed body plus A\'s fields elsewhere never runs A\'s flow', () => {
  it.each(Object.keys(forgeries) as (keyof typeof forgeries)[])('%s: voice URL, voicemail, transcription and hangup all refused with an apology', async (how) => {
    const forge = forgeries[how];
    const X = `v3:forged-${how}`;
    const call = { CallSid: X, From: CALLER, To: A_NUM, CallStatus: 'in-progress' };
    const answers = [
      await forge('/webhooks/texml', call),
      await forge('/webhooks/texml/record-vm-1', { ...call, RecordingUrl: 'https://media.example.test/fake.mp3', RecordingDuration: '30' }),
      await forge('/webhooks/texml/transcription', { CallSid: X, RecordingUrl: 'https://media.example.test/fake.mp3', TranscriptionText: 'Call me back, B', TranscriptionStatus: 'completed' }),
      await forge('/webhooks/texml/status', { ...call, CallStatus: 'completed', CallDuration: '600' }),
    ];
    const apology = /^<\?xml[^>]*\?><Response><Say[^>]*>We&apos;re sorry[^<]*<\/Say><Hangup\/><\/Response>$/;
    for (const a of answers) expect(a.status).toBe(200);
    // The caller side: the voice URL and the step answer the apology and hang up (never A's TeXML, never silence).
    expect(answers[0]!.text).toMatch(apology);
    expect(answers[1]!.text).toMatch(apology);
    // Status / transcription: the apology for GET and JSON; a form body whose signed fields name no call gets the empty document.
    for (const a of answers.slice(2)) expect(a.text).toMatch(how === 'form' ? /^<\?xml[^>]*\?><Response\/>$/ : apology);
    const store = h.app.locals.ctx.store;
    expect(await store.getSession(X)).toBeUndefined();
    expect(await store.callById(X)).toBeUndefined();
    expect(await store.listVoicemails(A.id, {})).toEqual([]);
    expect(smsFromA()).toEqual([]);
    expect(await store.listUsage(A.id, MONTH)).toEqual([]);
  });

  it('says why in the log: a GET asks for the TeXML application\'s methods to be POST, a JSON body names its type', async () => {
    const lines: string[] = [];
    const ctx = h.app.locals.ctx, silent = ctx.log;
    ctx.log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    try {
      await forgeries.get('/webhooks/texml/gather-menu-1', { CallSid: 'v3:log-1', To: A_NUM }).expect(200);
      await forgeries.json('/webhooks/texml', { CallSid: 'v3:log-2', To: A_NUM }).expect(200);
    } finally { ctx.log = silent; }
    const said = lines.map((l) => JSON.parse(l) as { msg: string; reason: string });
    expect(said.map((l) => l.msg)).toEqual(['TeXML webhook refused', 'TeXML webhook refused']);
    expect(said[0]!.reason).toMatch(/methods to POST/);
    expect(said[1]!.reason).toMatch(/content-type application\/json/);
  });

  it('the same shape, signed as Telnyx sends it (form POST), does run A\'s flow: the refusals above are about trust, not the flow', async () => {
    const res = await texml(h.app, '/webhooks/texml', { CallSid: 'v3:a-real', From: CALLER, To: A_NUM, CallStatus: 'in-progress' }).expect(200);
    expect(res.text).toContain('You reached A.');
    expect(smsFromA()).toHaveLength(1);
  });

  it('a query string never adds to the signed form fields (CallSid, To, RecordingUrl), and our own event marker cannot pick the call', async () => {
    const store = h.app.locals.ctx.store;
    const res = await texml(h.app, `/webhooks/texml?${qs({ CallSid: 'v3:q-1', To: A_NUM })}`, { CallSid: 'v3:q-real', From: CALLER }).expect(200);
    expect(res.text).not.toContain('You reached A.'); // To came only from the query: the signed body names no number
    expect(await store.getSession('v3:q-1')).toBeUndefined();
    expect(smsFromA()).toEqual([]);
    // A real call of A's at its voicemail step; the query offers a recording, another call and another number.
    await texml(h.app, '/webhooks/texml', { CallSid: 'v3:q-2', From: CALLER, To: A_NUM }).expect(200);
    const seq = (await store.getSession('v3:q-2'))!.seq;
    const step = await texml(h.app, `/webhooks/texml/record-vm-${seq}?${qs({ CallSid: 'v3:q-other', To: B_NUM, RecordingUrl: 'https://media.example.test/q.mp3', RecordingDuration: '30' })}`,
      { CallSid: 'v3:q-2', From: CALLER, To: A_NUM }).expect(200);
    expect(step.text).toContain('<Hangup/>'); // the signed body has no RecordingUrl: an empty recording (noRecording → bye)
    expect(await store.listVoicemails(A.id, {})).toEqual([]);
    expect(await store.getSession('v3:q-other')).toBeUndefined();
    // The renderer's marker (`?event=empty` after Record) only says which event; the call is the signed body's.
    await texml(h.app, '/webhooks/texml', { CallSid: 'v3:q-3', From: CALLER, To: A_NUM }).expect(200);
    const marked = await texml(h.app, `/webhooks/texml/record-vm-${seq}?event=empty&CallSid=v3:q-2`, { CallSid: 'v3:q-3', From: CALLER, To: A_NUM }).expect(200);
    expect(marked.text).toContain('<Hangup/>');
    expect((await store.getSession('v3:q-3'))?.seq).toBe(seq + 1);
    expect((await store.getSession('v3:q-2'))?.seq).toBe(seq + 1); // stepped once, above, and not again
  });
});

describe('the company check: a webhook\'s call must belong to the company of the number in the signed body', () => {
  it('TeXML: A\'s CallSid with B\'s number is refused at the voice URL and at every callback; A\'s call is untouched', async () => {
    const store = h.app.locals.ctx.store;
    const first = await texml(h.app, '/webhooks/texml', { CallSid: 'v3:a-2', From: CALLER, To: A_NUM }).expect(200);
    const seq = (await store.getSession('v3:a-2'))!.seq;
    // The voice URL again, naming B's number: neither A's stored answer nor B's flow.
    const again = await texml(h.app, '/webhooks/texml', { CallSid: 'v3:a-2', From: CALLER, To: B_NUM }).expect(200);
    expect(again.text).not.toBe(first.text);
    expect(again.text).toContain('We&apos;re sorry');
    const rec = await texml(h.app, `/webhooks/texml/record-vm-${seq}`, { CallSid: 'v3:a-2', From: CALLER, To: B_NUM, RecordingUrl: 'https://media.example.test/x.mp3', RecordingDuration: '12' }).expect(200);
    expect(rec.text).toContain('We&apos;re sorry');
    await texml(h.app, '/webhooks/texml/status', { CallSid: 'v3:a-2', From: CALLER, To: B_NUM, CallStatus: 'completed' }).expect(200);
    expect((await store.getSession('v3:a-2'))?.seq).toBe(seq);
    expect((await store.callById('v3:a-2'))?.endedAt).toBeNull();
    expect(await store.listVoicemails(A.id, {})).toEqual([]);
    // The same callback naming A's own number steps A's call, as it should.
    const ok = await texml(h.app, `/webhooks/texml/record-vm-${seq}`, { CallSid: 'v3:a-2', From: CALLER, To: A_NUM, RecordingUrl: 'https://media.example.test/x.mp3', RecordingDuration: '12' }).expect(200);
    expect(ok.text).toContain('<Hangup/>');
    expect(await store.listVoicemails(A.id, {})).toHaveLength(1);
    // Its transcription callback: naming B's number it is refused, naming A's it is kept.
    const words = { CallSid: 'v3:a-2', RecordingUrl: 'https://media.example.test/x.mp3', TranscriptionText: 'Please call back', TranscriptionStatus: 'completed' };
    expect((await texml(h.app, '/webhooks/texml/transcription', { ...words, To: B_NUM }).expect(200)).text).toContain('We&apos;re sorry');
    expect((await store.listVoicemails(A.id, {}))[0]?.transcription ?? null).toBeNull();
    await texml(h.app, '/webhooks/texml/transcription', { ...words, To: A_NUM }).expect(200);
    expect((await store.listVoicemails(A.id, {}))[0]?.transcription).toBe('Please call back');
  });

  it('Call Control: an event for A\'s call control id that names B\'s number is ignored (no step, no command)', async () => {
    const ccid = 'v3:a-cc-1';
    let k = 0, cs = '';
    const send = (type: string, extra: Record<string, unknown> = {}) =>
      ccEvent(h.app, `a-cc-e${++k}`, type, { call_control_id: ccid, call_session_id: 'sess-a-cc', from: CALLER, to: A_CC, client_state: cs, ...extra }).expect(200);
    const follow = () => { cs = [...fake.seen].reverse().find((x) => x.ccid === ccid && x.body.client_state)?.body.client_state ?? cs; };
    await send('call.initiated', { direction: 'incoming' }); follow();
    await send('call.answered'); follow();
    await send('call.speak.ended', { status: 'completed' }); follow();
    const store = h.app.locals.ctx.store;
    const seq = (await store.getSession(ccid))!.seq;
    fake.clear();
    const foreign = await send('call.gather.ended', { digits: '1', status: 'valid', to: B_NUM });
    expect(foreign.body).toMatchObject({ ignored: 'number of another company' });
    expect(fake.seen).toEqual([]);
    expect((await store.getSession(ccid))?.seq).toBe(seq);
    // call.initiated again for that call control id, naming B's number: no second session, no answer.
    const again = await ccEvent(h.app, 'a-cc-init-b', 'call.initiated', { call_control_id: ccid, call_session_id: 'sess-a-cc', from: CALLER, to: B_NUM, direction: 'incoming' }).expect(200);
    expect(again.body).toMatchObject({ ignored: 'number of another company' });
    expect(fake.seen).toEqual([]);
    expect((await store.getSession(ccid))?.companyId).toBe(A.id);
    const own = await send('call.gather.ended', { digits: '1', status: 'valid' });
    expect(own.body.commands.map((c: { action: string }) => c.action)).toContain('transfer');
  });
});

describe('stored webhooks come back without their signature headers', () => {
  it('GET /api/calls/:id and the fixture export hold no telnyx-signature-ed25519 / telnyx-timestamp', async () => {
    await texml(h.app, '/webhooks/texml', { CallSid: 'v3:a-sig', From: CALLER, To: A_NUM }).expect(200);
    const call = await request(h.app).get(`/api/calls/${encodeURIComponent('v3:a-sig')}`).set(A.auth).expect(200);
    expect(call.body.webhooks.length).toBeGreaterThan(0);
    const fixture = await request(h.app).get(`/api/calls/${encodeURIComponent('v3:a-sig')}/fixture`).set(A.auth).expect(200);
    const everything = JSON.stringify(call.body) + JSON.stringify(fixture.body);
    expect(everything).not.toMatch(/telnyx-signature-ed25519|telnyx-timestamp/i);
    expect(call.body.webhooks[0].headers['content-type']).toBe(FORM); // the rest of the headers are kept
  });
});
