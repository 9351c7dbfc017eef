import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { placeCall, startBench, verified, xml, type Bench } from '../../test/sandbox/harness.js';

let b: Bench;
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; });
const lines = (r: any) => r.transcript.map((e: any) => `${e.kind}: ${e.text}`);

describe('TeXML calls played by the sandbox against a fake customer app', () => {
  it('runs Say, Gather with digits, then Dial answered; callbacks are signed forms', async () => {
    b.on('/webhooks/texml', (h, _req, res) => xml(`<Say voice="alice">Welcome to Acme.</Say><Gather action="${b.url}/webhooks/texml/menu" numDigits="1"><Say>Press 1 for sales, 2 for support.</Say></Gather><Say>Goodbye.</Say>`)(h, _req, res));
    b.on('/webhooks/texml/menu', (h, req, res) => xml(h.form!.Digits === '2' ? '<Say>Connecting you to support.</Say><Dial>+13125550199</Dial>' : '<Hangup/>')(h, req, res));
    const r = await placeCall(b, { to: '+13125550100', from: '+13125550147', digits: ['2'] });
    expect(r.status).toBe(200);
    expect(r.mode).toBe('texml');
    expect(lines(r)).toEqual([
      'heard: Welcome to Acme.', 'heard: Press 1 for sales, 2 for support.', 'pressed: 2',
      'heard: Connecting you to support.', 'ringing: +13125550199', 'connected: +13125550199', 'hangup: +13125550199 hung up', 'hangup: call ended: no more TeXML',
    ]);
    // The far end hung up; the caller stayed on, and the document had nothing after the Dial.
    expect(r.ended).toEqual({ by: 'app', reason: 'end of TeXML document' });
    const fetch1 = b.hooks.find((h) => h.path === '/webhooks/texml')!;
    const f = await verified(b, fetch1);
    expect(f).toMatchObject({ From: '+13125550147', To: '+13125550100', CallStatus: 'in-progress', CallingPartyType: 'pstn', ConnectionId: b.sandbox.texmlConnectionId });
    expect(f.CallSid).toMatch(/^v3:/);
    const menu = await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/menu')!);
    expect(menu).toMatchObject({ Digits: '2', CallSid: f.CallSid });
    const status = await verified(b, await b.waitFor((h) => h.path === '/webhooks/texml/status'));
    expect(status).toMatchObject({ CallStatus: 'completed', CallSid: f.CallSid });
    expect(Number(status.CallDuration)).toBeGreaterThan(30);
    expect(r.webhooks).toBe(3); // fetch, menu action, status callback
    // What the server trusts, and all it trusts (server/README.md "Webhook trust model"): signed form POSTs.
    for (const h of b.hooks) expect([h.method, h.headers['content-type']]).toEqual(['POST', 'application/x-www-form-urlencoded']);
  });

  it('moves past a Gather on silence, as Telnyx does', async () => {
    b.on('/webhooks/texml', xml(`<Gather action="${b.url}/webhooks/texml/menu" timeout="7"><Say>Press 1.</Say></Gather><Say>We did not get that. Goodbye.</Say><Hangup/>`));
    const r = await placeCall(b, { to: '+13125550100', digits: [''] });
    expect(lines(r)).toEqual(['heard: Press 1.', 'silence: no input (7s timeout)', 'heard: We did not get that. Goodbye.', 'hangup: the app hung up']);
    expect(r.ended.by).toBe('app');
    expect(b.hooks.some((h) => h.path === '/webhooks/texml/menu')).toBe(false);
  });

  it('reports a busy Dial to its action, then records a voicemail with callbacks', async () => {
    b.on('/webhooks/texml', xml(`<Dial action="${b.url}/webhooks/texml/dialed" timeout="20"><Number>+13125550199</Number></Dial>`));
    b.on('/webhooks/texml/dialed', xml(`<Say>Leave a message.</Say><Record action="${b.url}/webhooks/texml/recorded" recordingStatusCallback="${b.url}/webhooks/texml/status" transcription="true" transcriptionCallback="${b.url}/webhooks/texml/transcribed"/>`));
    b.on('/webhooks/texml/recorded', xml('<Say>Thanks.</Say>'));
    const r = await placeCall(b, { to: '+13125550100', callee: ['busy'], speech: ['Please call me back'] });
    expect(lines(r)).toEqual(['ringing: +13125550199', 'silence: +13125550199: busy', 'heard: Leave a message.', 'heard: [beep]', 'recorded: Please call me back', 'heard: Thanks.', 'hangup: call ended: no more TeXML']);
    expect((await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/dialed')!)).DialCallStatus).toBe('busy');
    const rec = await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/recorded')!);
    expect(rec.RecordingUrl).toMatch(new RegExp(`^${b.url}/sandbox/recordings/[\\w-]+\\.mp3$`));
    const audio = await fetch(rec.RecordingUrl);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(b.hooks.find((h) => h.form?.RecordingStatus === 'completed')?.form?.RecordingSid).toBe(rec.RecordingSid);
    expect(b.hooks.find((h) => h.path === '/webhooks/texml/transcribed')?.form?.TranscriptionText).toBe('Please call me back');
  });

  it('takes speech in a speech Gather', async () => {
    b.on('/webhooks/texml', xml(`<Gather input="speech" action="${b.url}/webhooks/texml/said"><Say>How can we help?</Say></Gather>`));
    b.on('/webhooks/texml/said', (h, req, res) => xml(`<Say>You said ${h.form!.SpeechResult}</Say>`)(h, req, res));
    const r = await placeCall(b, { to: '+13125550100', speech: ['billing question'] });
    expect(lines(r)).toContain('said: billing question');
    expect(lines(r)).toContain('heard: You said billing question');
  });

  it('shows invalid XML and failing answers as errors that end the call', async () => {
    b.on('/webhooks/texml', (_h, _req, res) => { res.type('text/xml').send('<Response><Say>oops</Response>'); });
    const bad = await placeCall(b, { to: '+13125550100' });
    expect(bad.ended.by).toBe('error');
    expect(bad.transcript.at(-1).kind).toBe('error');
    expect(bad.transcript.at(-1).text).toMatch(/invalid XML/);
    b.on('/webhooks/texml', (_h, _req, res) => { res.status(500).send('boom'); });
    const down = await placeCall(b, { to: '+13125550100' });
    expect(down.transcript[0]).toMatchObject({ kind: 'error' });
    expect(down.transcript[0].text).toMatch(/answered 500/);
  });

  it('stops a Redirect loop and a caller who runs out of input gives up', async () => {
    b.on('/webhooks/texml', xml(`<Redirect>${b.url}/webhooks/texml</Redirect>`));
    const loop = await placeCall(b, { to: '+13125550100' });
    expect(loop.ended.by).toBe('error');
    expect(loop.transcript.at(-1).text).toMatch(/redirect loop/);
    b.on('/webhooks/texml', xml(`<Gather action="${b.url}/webhooks/texml/x"><Say>Press 1.</Say></Gather><Redirect>${b.url}/webhooks/texml</Redirect>`));
    const bored = await placeCall(b, { to: '+13125550100', digits: [] });
    expect(bored.ended).toEqual({ by: 'caller', reason: 'caller gave up after unanswered prompts' });
    expect(bored.transcript.filter((e: any) => e.kind === 'silence')).toHaveLength(3);
  });

  it('hangs up for the caller after hangupAfterSeconds', async () => {
    b.on('/webhooks/texml', xml('<Say>One two three four five six seven eight nine ten.</Say><Pause length="10"/><Say>Still there?</Say>'));
    const r = await placeCall(b, { to: '+13125550100', hangupAfterSeconds: 5 });
    expect(r.ended.by).toBe('caller');
    expect(lines(r)).not.toContain('heard: Still there?');
  });

  it('refuses a bad request as the server API does: code, message and the field path as an array', async () => {
    const r = await placeCall(b, { to: '5550100' });
    expect(r.status).toBe(400);
    expect(r.error).toEqual({ code: 'bad_request', message: expect.stringMatching(/E\.164/), path: ['to'] });
    const c = await placeCall(b, { to: '+13125550100', callee: ['maybe'] });
    expect(c.error).toMatchObject({ code: 'bad_request', path: ['callee'] });
    const missing = await fetch(`${b.url}/sandbox/calls/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error).toEqual({ code: 'not_found', message: 'no sandbox call nope', path: ['id'] });
    const notJson = await fetch(`${b.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error).toMatchObject({ code: 'bad_request', path: [] });
    const leg = await fetch(`${b.url}/sandbox/replay/legs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(leg.status).toBe(400);
    expect(((await leg.json()) as any).error).toEqual({ code: 'bad_request', message: 'call_control_id is required', path: ['call_control_id'] });
    const cmds = await fetch(`${b.url}/sandbox/replay/legs/nope/commands`);
    expect(cmds.status).toBe(404);
    expect(((await cmds.json()) as any).error).toEqual({ code: 'not_found', message: 'unknown leg', path: ['id'] });
  });
});

describe('what else the caller notices', () => {
  it('shows a text message sent to the caller during the call', async () => {
    b.on('/webhooks/texml', async (h, req, res) => {
      await b.client.messages.send({ from: h.form!.To!, to: h.form!.From!, text: 'Here is our address: 1 Main St' });
      xml('<Say>We just texted you our address.</Say>')(h, req, res);
    });
    const r = await placeCall(b, { to: '+13125550100', from: '+13125550177' });
    expect(lines(r)).toEqual(['sms: Here is our address: 1 Main St', 'heard: We just texted you our address.', 'hangup: call ended: no more TeXML']);
  });

  it('serves its public key, which verifies what it signs', async () => {
    const key = await (await fetch(`${b.url}/sandbox/public-key`)).text();
    expect(key).toBe(b.sandbox.publicKeyBase64);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    b.on('/webhooks/texml', xml('<Hangup/>'));
    await placeCall(b, { to: '+13125550100' });
    const hook = b.hooks.find((h) => h.path === '/webhooks/texml')!;
    await verified(b, hook);
    const tampered = { ...hook, raw: hook.raw.replace('%2B13125550100', '%2B13125550101') };
    await expect(verified(b, tampered)).rejects.toThrow();
  });

  it('answers unknown API paths with a Telnyx 404', async () => {
    const res = await fetch(`${b.url}/sandbox/v2/nope`, { headers: { authorization: 'Bearer x' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).errors[0].code).toBe('10005');
  });
});

describe('Dial and Redirect details', () => {
  it('rings sequential targets one after another and reports a recorded conversation', async () => {
    b.on('/webhooks/texml', xml(`<Dial sequential="true" record="record-from-answer" recordingStatusCallback="${b.url}/webhooks/texml/status" action="${b.url}/webhooks/texml/dialed"><Number>+13125550101</Number><Sip>sip:bob@acme.sip.telnyx.com</Sip></Dial>`));
    b.on('/webhooks/texml/dialed', xml('<Say>Thanks for calling.</Say><Hangup/>'));
    const r = await placeCall(b, { to: '+13125550100', callee: ['no-answer', 'answer'] });
    expect(lines(r)).toEqual(['ringing: +13125550101', 'silence: +13125550101: no answer', 'ringing: sip:bob@acme.sip.telnyx.com', 'connected: sip:bob@acme.sip.telnyx.com',
      'hangup: sip:bob@acme.sip.telnyx.com hung up', 'heard: Thanks for calling.', 'hangup: the app hung up']);
    expect(b.hooks.find((h) => h.form?.RecordingSource === 'DialVerb')?.form?.RecordingStatus).toBe('completed');
    expect(b.hooks.find((h) => h.path === '/webhooks/texml/dialed')?.form?.DialCallStatus).toBe('completed');
  });

  it('rings simultaneous targets with one scripted outcome each; the first listed to answer is connected', async () => {
    b.on('/webhooks/texml', xml(`<Dial timeout="20" action="${b.url}/webhooks/texml/dialed"><Number>+13125550101</Number><Number>+13125550102</Number><Number>+13125550103</Number></Dial>`));
    b.on('/webhooks/texml/dialed', (h, req, res) => xml(h.form!.DialCallStatus === 'completed' ? '<Say>Bye.</Say><Hangup/>' : '<Say>Nobody.</Say><Hangup/>')(h, req, res));
    const r = await placeCall(b, { to: '+13125550100', callee: ['busy', 'answer', 'answer'] });
    expect(lines(r)).toEqual(['ringing: +13125550101, +13125550102, +13125550103', 'connected: +13125550102', 'hangup: +13125550102 hung up', 'heard: Bye.', 'hangup: the app hung up']);
    b.hooks.length = 0;
    const none = await placeCall(b, { to: '+13125550100', callee: ['busy', 'failed', 'busy'] });
    expect(lines(none)).toEqual(['ringing: +13125550101, +13125550102, +13125550103', 'silence: +13125550101, +13125550102, +13125550103: busy', 'heard: Nobody.', 'hangup: the app hung up']);
    expect(b.hooks.find((h) => h.path === '/webhooks/texml/dialed')?.form?.DialCallStatus).toBe('busy');
    b.hooks.length = 0;
    await placeCall(b, { to: '+13125550100', callee: ['busy', 'no-answer', 'failed'] });
    expect(b.hooks.find((h) => h.path === '/webhooks/texml/dialed')?.form?.DialCallStatus).toBe('no-answer');
  });

  it('posts the answered leg\'s signed status callback (its own CallSid, To, ParentCallSid) before the Dial action', async () => {
    const cb = `statusCallback="${b.url}/webhooks/texml/status" statusCallbackEvent="initiated answered" statusCallbackMethod="POST"`;
    b.on('/webhooks/texml', xml(`<Dial callerId="+13125550100" action="${b.url}/webhooks/texml/dialed"><Number ${cb}>+13125550101</Number><Sip ${cb}>sip:bob@acme.sip.telnyx.com</Sip></Dial>`));
    b.on('/webhooks/texml/dialed', xml('<Hangup/>'));
    const r = await placeCall(b, { to: '+13125550100', callee: ['busy', 'answer'] });
    const order = b.hooks.map((h) => h.path);
    const leg = b.hooks.find((h) => h.path === '/webhooks/texml/status' && h.form?.ParentCallSid)!;
    expect(order.indexOf('/webhooks/texml/status')).toBeLessThan(order.indexOf('/webhooks/texml/dialed'));
    expect(await verified(b, leg)).toMatchObject({ CallStatus: 'in-progress', CallbackSource: 'call-progress-events', To: 'sip:bob@acme.sip.telnyx.com', From: '+13125550100', ParentCallSid: r.callId });
    expect(leg.form!.CallSid).not.toBe(r.callId);
    expect(b.hooks.find((h) => h.path === '/webhooks/texml/dialed')!.form!.DialCallSid).toBe(leg.form!.CallSid);
    // Only for a noun that asks, and only for `answered`: none here, and none when nobody answers.
    for (const [doc, callee] of [[`<Dial action="${b.url}/webhooks/texml/dialed"><Number>+13125550101</Number></Dial>`, ['answer']],
      [`<Dial action="${b.url}/webhooks/texml/dialed"><Number statusCallback="${b.url}/webhooks/texml/status" statusCallbackEvent="completed">+13125550101</Number></Dial>`, ['answer']],
      [`<Dial action="${b.url}/webhooks/texml/dialed"><Number ${cb}>+13125550101</Number></Dial>`, ['busy']]] as const) {
      b.hooks.length = 0;
      b.on('/webhooks/texml', xml(doc));
      await placeCall(b, { to: '+13125550100', callee: [...callee] });
      expect(b.hooks.filter((h) => h.form?.ParentCallSid)).toEqual([]);
    }
  });

  it('follows a GET Redirect with the fields in the query string, still signed', async () => {
    b.on('/webhooks/texml', xml(`<Redirect method="GET">${b.url}/webhooks/texml/next?x=1</Redirect>`));
    b.on('/webhooks/texml/next', xml('<Say>Redirected.</Say>'));
    const r = await placeCall(b, { to: '+13125550100' });
    expect(lines(r)[0]).toBe('heard: Redirected.');
    const hop = b.hooks.find((h) => h.path === '/webhooks/texml/next')!;
    expect(hop.method).toBe('GET');
    expect(hop.form).toMatchObject({ x: '1', To: '+13125550100', CallStatus: 'in-progress' });
    await verified(b, hop);
  });
});
