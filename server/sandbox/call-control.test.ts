import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIError } from 'telnyx';
import { placeCall, startBench, verified, type Bench, type Hook } from '../../test/sandbox/harness.js';

let b: Bench;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const voice = 'AWS.Polly.Joanna-Neural';

/**
 * A fake Call Control app (answer → menu; 1 → transfer, 2 → voicemail,
 * nothing → goodbye) that answers each webhook at once and then commands the
 * call through the official SDK, as the real server does.
 */
function ivrApp(bench: Bench) {
  bench.on('/webhooks/call-control', (hook: Hook, _req, res) => {
    res.send('ok');
    const ev = hook.json.data, p = ev.payload, a = bench.client.calls.actions, id = p.call_control_id;
    const state = p.client_state ? Buffer.from(p.client_state, 'base64').toString() : '';
    void (async () => {
      switch (ev.event_type) {
        case 'call.initiated': if (p.direction === 'incoming') await a.answer(id, { command_id: `answer-${p.call_leg_id}` }); break;
        case 'call.answered': await a.gatherUsingSpeak(id, { payload: 'Press 1 for sales, 2 to leave a message.', voice, valid_digits: '123', maximum_digits: 1, client_state: b64('menu') }); break;
        case 'call.gather.ended':
          if (p.digits === '1') await a.transfer(id, { to: '+13125550199', target_leg_client_state: b64('sales-leg'), client_state: b64('transfer') });
          else if (p.digits === '2') { await a.speak(id, { payload: 'Leave a message after the beep.', voice, client_state: b64('vm') }); await a.startRecording(id, { format: 'mp3', channels: 'single' }); }
          else if (p.digits === '3') await a.startRecording(id, { format: 'mp3', channels: 'single', transcription: true, client_state: b64('vm-t') });
          else await a.speak(id, { payload: 'Goodbye.', voice, client_state: b64('bye') });
          break;
        case 'call.speak.ended': if (state === 'bye' || state === 'sorry') await a.hangup(id, {}); break;
        case 'call.recording.saved': await a.hangup(hook.json.data.payload.call_control_id ?? lastCall, {}); break;
        case 'call.hangup': if (state === 'sales-leg' && p.hangup_cause !== 'normal_clearing') await a.speak(lastCall, { payload: 'Nobody is available.', voice, client_state: b64('sorry') }); break;
      }
    })().catch(() => undefined);
    if (ev.event_type === 'call.initiated' && p.direction === 'incoming') lastCall = id;
  });
}
let lastCall = '';
const lines = (r: any) => r.transcript.map((e: any) => `${e.kind}: ${e.text}`);
const events = () => b.hooks.filter((h) => h.path === '/webhooks/call-control').map((h) => h.json.data.event_type);

beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; ivrApp(b); });

describe('Call Control calls played by the sandbox, commanded through the official SDK', () => {
  it('answers, gathers a digit and transfers to an answering callee', async () => {
    const r = await placeCall(b, { to: '+13125550100', from: '+13125550147', digits: ['1'], mode: 'call-control' });
    expect(r.mode).toBe('call-control');
    expect(lines(r)).toEqual(['connected: call answered', 'heard: Press 1 for sales, 2 to leave a message.', 'pressed: 1', 'ringing: +13125550199', 'connected: +13125550199', 'hangup: caller hung up']);
    expect(r.ended).toEqual({ by: 'transfer', reason: 'connected to +13125550199' });
    // The target is a leg of its own: initiated, answered, bridged (both legs), hung up; no park_after_unbridge, so the caller's leg goes too.
    expect(events()).toEqual(['call.initiated', 'call.answered', 'call.dtmf.received', 'call.gather.ended', 'call.initiated', 'call.answered', 'call.bridged', 'call.bridged', 'call.hangup', 'call.hangup']);
    for (const h of b.hooks) await verified(b, h); // every event passes the SDK's own verifier
    const gathered = b.hooks.find((h) => h.json.data.event_type === 'call.gather.ended')!.json.data.payload;
    expect(gathered).toMatchObject({ digits: '1', status: 'valid', client_state: b64('menu'), call_control_id: r.callId });
    const init = b.hooks[0]!.json;
    expect(init.data.payload).toMatchObject({ direction: 'incoming', state: 'parked', from: '+13125550147', to: '+13125550100', connection_id: b.sandbox.callControlConnectionId });
    expect(init.meta).toEqual({ attempt: 1, delivered_to: `${b.url}/webhooks/call-control` });
  });

  it('reports an unanswered transfer as a hangup of the target leg; the call stays up', async () => {
    const r = await placeCall(b, { to: '+13125550100', digits: ['1'], callee: ['no-answer'], mode: 'call-control' });
    const target = b.hooks.find((h) => h.json.data.event_type === 'call.hangup')!.json.data.payload;
    expect(target).toMatchObject({ hangup_cause: 'timeout', hangup_source: 'callee', client_state: b64('sales-leg') });
    expect(target.call_control_id).not.toBe(r.callId);
    expect(lines(r).slice(-3)).toEqual(['silence: +13125550199: no answer', 'heard: Nobody is available.', 'hangup: the app hung up']);
    expect(r.ended.by).toBe('app');
  });

  it('records a message and reports call.recording.saved with fetchable URLs', async () => {
    const r = await placeCall(b, { to: '+13125550100', digits: ['2'], speech: ['Call me back at noon'], mode: 'call-control' });
    expect(lines(r)).toContain('recorded: Call me back at noon');
    const saved = b.hooks.find((h) => h.json.data.event_type === 'call.recording.saved')!.json.data.payload;
    expect(saved.channels).toBe('single');
    expect((await fetch(saved.recording_urls.wav)).headers.get('content-type')).toBe('audio/wav');
    expect(r.ended.by).toBe('app');
    expect(events()).not.toContain('call.recording.transcription.saved'); // not asked for
  });

  it('transcribes a record_start with transcription: true after call.recording.saved, as Telnyx\'s callback', async () => {
    const r = await placeCall(b, { to: '+13125550100', digits: ['3'], speech: ['Please call me back about my order'], mode: 'call-control' });
    const ev = events();
    expect(ev.indexOf('call.recording.transcription.saved')).toBe(ev.indexOf('call.recording.saved') + 1);
    const hook = b.hooks.find((h) => h.json.data.event_type === 'call.recording.transcription.saved')!;
    const { data } = await verified(b, hook);
    expect(Object.keys(data.payload).sort()).toEqual(['call_control_id', 'call_leg_id', 'call_session_id', 'calling_party_type', 'client_state', 'connection_id', 'recording_id', 'recording_transcription_id', 'status', 'transcription_text']);
    expect(data.payload).toMatchObject({
      call_control_id: r.callId, connection_id: b.sandbox.callControlConnectionId, client_state: b64('vm-t'),
      status: 'completed', transcription_text: 'Please call me back about my order',
    });
    // The recording it transcribes is the one just saved.
    const saved = b.hooks.find((h) => h.json.data.event_type === 'call.recording.saved')!.json.data.payload;
    expect(saved.recording_urls.mp3).toContain(data.payload.recording_id);
    // Nothing said: nothing to transcribe.
    b.hooks.length = 0;
    await placeCall(b, { to: '+13125550100', digits: ['3'], mode: 'call-control' });
    expect(events()).toContain('call.recording.saved');
    expect(events()).not.toContain('call.recording.transcription.saved');
  });

  it('times a silent gather out', async () => {
    const r = await placeCall(b, { to: '+13125550100', digits: [''], mode: 'call-control' });
    expect(b.hooks.find((h) => h.json.data.event_type === 'call.gather.ended')!.json.data.payload).toMatchObject({ digits: '', status: 'timeout' });
    expect(lines(r).slice(-2)).toEqual(['heard: Goodbye.', 'hangup: the app hung up']);
  });

  it('shows an app that never answers as an error', async () => {
    b.on('/webhooks/call-control', (_h, _req, res) => { res.send('ok'); });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control' });
    expect(r.transcript[0].kind).toBe('error');
    expect(r.ended.by).toBe('error');
  });

  it('uses the connection of the number the call reaches', async () => {
    const [n] = (await b.client.availablePhoneNumbers.list({ filter: { national_destination_code: '206', limit: 1 } })).data!;
    await b.client.numberOrders.create({ phone_numbers: [{ phone_number: n!.phone_number! }], connection_id: b.sandbox.callControlConnectionId });
    await b.waitFor((h) => h.path === '/webhooks/numbers');
    const r = await placeCall(b, { to: n!.phone_number, digits: ['1'] });
    expect(r.mode).toBe('call-control');
  });
});

describe('Call Control errors, as Telnyx answers them', () => {
  async function err(p: Promise<unknown>) {
    try { await p; } catch (e) { if (e instanceof APIError) return { status: e.status, e: (e.error as any).errors[0] }; throw e; }
    throw new Error('expected an error');
  }
  it('404 for an unknown call, 422 before answer, 422 for missing fields, 422 after hangup; command_id de-duplicates', async () => {
    const a = b.client.calls.actions;
    expect(await err(a.answer('v3:nope', {}))).toMatchObject({ status: 404, e: { code: '90015' } });
    const held: string[] = [];
    b.on('/webhooks/call-control', (h, _req, res) => { if (h.json.data.event_type === 'call.initiated') held.push(h.json.data.payload.call_control_id); res.send('ok'); });
    const running = placeCall(b, { to: '+13125550100', mode: 'call-control' });
    await b.waitFor((h) => h.json?.data?.event_type === 'call.initiated');
    const id = held[0]!;
    expect(await err(a.speak(id, { payload: 'hi', voice }))).toMatchObject({ status: 422 });
    await a.answer(id, { command_id: 'c1' });
    expect(await err(a.speak(id, { voice } as any))).toMatchObject({ status: 422, e: { code: '10004', source: { pointer: '/payload' } } });
    expect(await err(a.startRecording(id, { format: 'ogg', channels: 'single' } as any))).toMatchObject({ status: 422, e: { source: { pointer: '/format' } } });
    expect(await err(a.transfer(id, { to: '555' }))).toMatchObject({ status: 422, e: { code: '10016' } });
    await a.speak(id, { payload: 'Only once.', voice, command_id: 's1' });
    await a.speak(id, { payload: 'Only once.', voice, command_id: 's1' });
    await a.hangup(id, {});
    expect(await err(a.speak(id, { payload: 'late', voice }))).toMatchObject({ status: 422, e: { code: '90018' } });
    const r = await running;
    expect(lines(r).filter((l: string) => l === 'heard: Only once.')).toHaveLength(1);
    expect(events().filter((e) => e === 'call.answered')).toHaveLength(1);
  });
});

describe('outbound calls', () => {
  it('dials through the SDK: initiated, answered, machine detection, then commands', async () => {
    b.on('/webhooks/call-control', (h, _req, res) => {
      res.send('ok');
      if (h.json.data.event_type === 'call.machine.detection.ended') void b.client.calls.actions.speak(h.json.data.payload.call_control_id, { payload: 'Your appointment is tomorrow.', voice }).then(() => b.client.calls.actions.hangup(h.json.data.payload.call_control_id, {}));
    });
    const { data } = await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, from: '+13125550100', to: '+13125550147', answering_machine_detection: 'detect', client_state: b64('reminder') });
    expect(data!.call_control_id).toMatch(/^v3:/);
    await b.waitFor((h) => h.json?.data?.event_type === 'call.hangup');
    expect(events()).toEqual(['call.initiated', 'call.answered', 'call.machine.detection.ended', 'call.speak.started', 'call.speak.ended', 'call.hangup']);
    expect(b.hooks[0]!.json.data.payload).toMatchObject({ direction: 'outgoing', client_state: b64('reminder') });
    // The app dialled, so the app is Telnyx's caller: its hangup command is the caller's hangup.
    expect(b.hooks.at(-1)!.json.data.payload).toMatchObject({ hangup_source: 'caller', hangup_cause: 'normal_clearing' });
    const t = await (await fetch(`${b.url}/sandbox/calls/${encodeURIComponent(data!.call_control_id!)}`)).json() as any;
    // The default callee is a person; detection listens a few (virtual) seconds before it answers.
    expect(t.transcript.map((e: any) => e.kind)).toEqual(['ringing', 'connected', 'silence', 'heard', 'hangup']);
    try { await b.client.calls.dial({ connection_id: 'x', from: '+13125550100', to: '+13125550147' }); throw new Error('no'); }
    catch (e) { expect((e as APIError).status).toBe(422); }
  });

  it('places a TeXML call through the SDK and plays the document at Url', async () => {
    b.on('/webhooks/outbound', (_h, _req, res) => { res.type('text/xml').send('<Response><Say>Hello from TeXML.</Say></Response>'); });
    const res = await b.client.texml.accounts.calls.calls('acct', { body: { To: '+13125550147', From: '+13125550100', Url: `${b.url}/webhooks/outbound` } } as any);
    expect(res).toMatchObject({ status: 'queued', to: '+13125550147' });
    await b.waitFor((h) => h.path === '/webhooks/texml/status');
    expect(b.hooks.find((h) => h.path === '/webhooks/outbound')!.form).toMatchObject({ To: '+13125550147', From: '+13125550100' });
    // The document ended the call the app placed: the caller's side hung up.
    expect(b.hooks.find((h) => h.path === '/webhooks/texml/status')!.form).toMatchObject({ Direction: 'outbound-api', HangupSource: 'caller' });
  });
});

describe('gather retries, as Telnyx runs them', () => {
  function menuApp(extra: Record<string, unknown>) {
    b.on('/webhooks/call-control', (h, _req, res) => {
      res.send('ok');
      const ev = h.json.data, id = ev.payload.call_control_id, a = b.client.calls.actions;
      if (ev.event_type === 'call.initiated') void a.answer(id, {});
      if (ev.event_type === 'call.answered') void a.gatherUsingSpeak(id, { payload: 'Press 1 or 2.', voice, valid_digits: '123', maximum_digits: 1, ...extra });
      if (ev.event_type === 'call.gather.ended') void a.hangup(id, {});
    });
  }
  it('replays invalid_payload after an invalid entry, up to maximum_tries', async () => {
    menuApp({ invalid_payload: 'That is not an option.', maximum_tries: 2 });
    const r = await placeCall(b, { to: '+13125550100', digits: ['7', '2'], mode: 'call-control' });
    expect(lines(r).slice(1, 5)).toEqual(['heard: Press 1 or 2.', 'pressed: 7', 'heard: That is not an option.', 'pressed: 2']);
    expect(b.hooks.find((h) => h.json.data.event_type === 'call.gather.ended')!.json.data.payload).toMatchObject({ digits: '2', status: 'valid' });
  });
  it('ends the gather as invalid when the tries run out', async () => {
    menuApp({ maximum_tries: 1 });
    await placeCall(b, { to: '+13125550100', digits: ['9', '1'], mode: 'call-control' });
    expect(b.hooks.find((h) => h.json.data.event_type === 'call.gather.ended')!.json.data.payload).toMatchObject({ digits: '9', status: 'invalid' });
  });
});

describe('answer options', () => {
  it('sends later events to the webhook_url given on answer', async () => {
    b.on('/webhooks/call-control', (h, _req, res) => { res.send('ok'); if (h.json.data.event_type === 'call.initiated') void b.client.calls.actions.answer(h.json.data.payload.call_control_id, { webhook_url: `${b.url}/hooks/answered` }); });
    b.on('/hooks/answered', (h, _req, res) => { res.send('ok'); if (h.json.data.event_type === 'call.answered') void b.client.calls.actions.hangup(h.json.data.payload.call_control_id, {}); });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control' });
    expect(r.ended.by).toBe('app');
    expect(b.hooks.map((h) => `${h.path} ${h.json.data.event_type}`)).toEqual(['/webhooks/call-control call.initiated', '/hooks/answered call.answered', '/hooks/answered call.hangup']);
  });
});

describe('webhooks the app refuses', () => {
  it('retries, then shows the refusal in the transcript', async () => {
    b.on('/webhooks/call-control', (_h, _req, res) => { res.status(401).send('bad signature'); });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control' });
    expect(b.hooks.filter((h) => h.json.data.event_type === 'call.initiated').map((h) => h.json.meta.attempt)).toEqual([1, 2, 3]); // the bench retries twice
    expect(lines(r)[0]).toMatch(/^error: call\.initiated webhook not accepted by .*: 401 after 3 attempt\(s\)$/);
  });
});

describe('the remaining call actions through the SDK', () => {
  it('reject ends a parked call with user_busy', async () => {
    b.on('/webhooks/call-control', (h, _req, res) => { res.send('ok'); if (h.json.data.event_type === 'call.initiated') void b.client.calls.actions.reject(h.json.data.payload.call_control_id, { cause: 'USER_BUSY' }); });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control' });
    expect(r.ended).toEqual({ by: 'app', reason: 'rejected (USER_BUSY)' });
    expect(b.hooks.at(-1)!.json.data.payload).toMatchObject({ hangup_cause: 'user_busy', hangup_source: 'callee' });
  });

  it('playback, gather_using_audio, send_dtmf, record_stop and bridge', async () => {
    const a = b.client.calls.actions;
    let outbound = '';
    b.on('/webhooks/call-control', (h, _req, res) => {
      res.send('ok');
      const ev = h.json.data, id = ev.payload.call_control_id;
      void (async () => {
        if (ev.event_type === 'call.initiated' && ev.payload.direction === 'incoming') await a.answer(id, {});
        if (ev.event_type === 'call.answered' && id !== outbound && !outbound) await a.startPlayback(id, { audio_url: 'https://example.com/hold.mp3' });
        if (ev.event_type === 'call.playback.ended') await a.gatherUsingAudio(id, { audio_url: 'https://example.com/menu.mp3', maximum_digits: 2, terminating_digit: '#' });
        if (ev.event_type === 'call.gather.ended') {
          await a.sendDtmf(id, { digits: '1w2' });
          await a.startRecording(id, { format: 'wav', channels: 'dual' });
          await a.stopRecording(id, {});
          outbound = (await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, from: '+13125550100', to: '+13125550155' })).data!.call_control_id!;
        }
        if (ev.event_type === 'call.answered' && id === outbound) await a.bridge(lastCall, { call_control_id: outbound } as any);
      })().catch(() => undefined);
      if (ev.event_type === 'call.initiated' && ev.payload.direction === 'incoming') lastCall = id;
    });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', digits: ['42#'], speech: ['hello'] });
    expect(lines(r)).toEqual(['connected: call answered', 'heard: [audio https://example.com/hold.mp3]', 'heard: [audio https://example.com/menu.mp3]', 'pressed: 42#',
      'heard: [tones 1w2]', 'heard: [beep]', 'recorded: hello', 'connected: bridged with +13125550155', 'hangup: caller hung up']);
    expect(r.ended.by).toBe('transfer');
    const types = b.hooks.map((h) => h.json.data.event_type);
    expect(types.filter((t) => t === 'call.dtmf.received')).toHaveLength(2); // maximum_digits reached before '#'
    expect(b.hooks.find((h) => h.json.data.event_type === 'call.gather.ended')!.json.data.payload).toMatchObject({ digits: '42', status: 'valid' });
    expect(b.hooks.filter((h) => h.json.data.event_type === 'call.bridged').map((h) => h.json.data.payload.call_control_id).sort()).toEqual([r.callId, outbound].sort());
  });
});

describe('a caller who hangs up mid-prompt', () => {
  it('gets call.speak.ended with status call_hangup, then call.hangup from the caller', async () => {
    b.on('/webhooks/call-control', (h, _req, res) => {
      res.send('ok');
      const ev = h.json.data, id = ev.payload.call_control_id;
      if (ev.event_type === 'call.initiated') void b.client.calls.actions.answer(id, {});
      if (ev.event_type === 'call.answered') void b.client.calls.actions.speak(id, { payload: 'This is a very long message that goes on and on and on and on and on.', voice });
    });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', hangupAfterSeconds: 2 });
    expect(r.ended.by).toBe('caller');
    await b.waitFor((h) => h.json?.data?.event_type === 'call.speak.ended');
    const tail = b.hooks.slice(-2).map((h) => [h.json.data.event_type, h.json.data.payload.status ?? h.json.data.payload.hangup_source]);
    expect(tail).toEqual([['call.hangup', 'caller'], ['call.speak.ended', 'call_hangup']]);
  });
});
