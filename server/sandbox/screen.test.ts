/**
 * Screened legs as the sandbox plays them, against a fake app (no engine): TeXML's `<Number url>` document runs
 * on the leg that answered (the caller hears ringing), and a Call Control leg the app dialled presses what its
 * outcome scripts at the app's gather. `answer:KEYS` presses KEYS; a plain answer presses nothing; a voicemail
 * answers and never presses anything.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { placeCall, startBench, verified, xml, type Bench, type Hook } from '../../test/sandbox/harness.js';

let b: Bench;
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; });
const lines = (r: any) => r.transcript.map((e: any) => `${e.kind}: ${e.text}`);
const ALICE = '+13125550101', BOB = '+13125550102';

describe('TeXML <Number url>: the callee-leg document', () => {
  /** Ring alice and bob at once, each screened; "1" bridges, anything else hangs the leg up. */
  function screenApp(): void {
    b.on('/webhooks/texml', xml(`<Dial action="${b.url}/webhooks/texml/dialed"><Number url="${b.url}/webhooks/texml/whisper">${ALICE}</Number><Number url="${b.url}/webhooks/texml/whisper">${BOB}</Number></Dial>`));
    b.on('/webhooks/texml/whisper', xml(`<Gather action="${b.url}/webhooks/texml/key" numDigits="1" timeout="4"><Say>Press 1 to take this call.</Say></Gather><Hangup/>`));
    b.on('/webhooks/texml/key', (h, req, res) => xml(h.form!.Digits === '1' ? '' : '<Hangup/>')(h, req, res));
    b.on('/webhooks/texml/dialed', (h, req, res) => xml(`<Say>Dial ended ${h.form!.DialCallStatus}.</Say>`)(h, req, res));
  }

  it('a voicemail picks up first and presses nothing (declined); the next who answers presses 1 and is connected', async () => {
    screenApp();
    const r = await placeCall(b, { to: '+13125550100', callee: ['voicemail', 'answer:1'] });
    expect(lines(r)).toEqual([
      `ringing: ${ALICE}, ${BOB}`,
      `screened: ${ALICE} (voicemail) heard "Press 1 to take this call.", pressed nothing`, `screened: ${ALICE} (voicemail): declined (hung up)`,
      `screened: ${BOB} heard "Press 1 to take this call.", pressed 1`, `screened: ${BOB}: accepted`,
      `connected: ${BOB}`, `hangup: ${BOB} hung up`, 'heard: Dial ended completed.', 'hangup: call ended: no more TeXML',
    ]);
    // The fetch carries the child leg's fields (its own CallSid, the caller's as ParentCallSid); the key callback the Digits.
    const caller = (await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml')!)).CallSid;
    const fetches = await Promise.all(b.hooks.filter((h) => h.path === '/webhooks/texml/whisper').map((h) => verified(b, h)));
    expect(fetches.map((f) => [f.To, f.ParentCallSid])).toEqual([[ALICE, caller], [BOB, caller]]);
    expect(fetches[0]!.CallSid).not.toBe(caller);
    const keys = await Promise.all(b.hooks.filter((h) => h.path === '/webhooks/texml/key').map((h) => verified(b, h)));
    expect(keys.map((k) => [k.To, k.Digits, k.CallSid])).toEqual([[BOB, '1', fetches[1]!.CallSid]]);
    const dialed = await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/dialed')!);
    expect(dialed.DialCallSid).toBe(fetches[1]!.CallSid);
  });

  it('a wrong key and silence both decline: the Dial reports no-answer', async () => {
    screenApp();
    const r = await placeCall(b, { to: '+13125550100', callee: ['answer:7', 'answer'] });
    expect(lines(r)).toContain(`screened: ${ALICE}: declined (hung up)`);
    expect(lines(r)).toContain(`screened: ${BOB}: declined (hung up)`);
    expect(lines(r)).toContain('heard: Dial ended no-answer.');
  });

  it('an unreachable screening document declines the leg, with an error line', async () => {
    b.on('/webhooks/texml', xml(`<Dial action="${b.url}/webhooks/texml/dialed"><Number url="${b.url}/webhooks/texml/missing">${ALICE}</Number></Dial>`));
    b.on('/webhooks/texml/dialed', (h, req, res) => xml(`<Say>Dial ended ${h.form!.DialCallStatus}.</Say>`)(h, req, res));
    const r = await placeCall(b, { to: '+13125550100', callee: ['answer:1'] });
    expect(lines(r).filter((l: string) => l.startsWith('error'))).toHaveLength(1);
    expect(lines(r)).toContain('heard: Dial ended no-answer.');
  });

  it('refuses a callee outcome that is not one (with the field path)', async () => {
    const res = await fetch(`${b.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: '+13125550100', callee: ['answer:x'] }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { path: string[] } }).error.path).toEqual(['callee']);
  });
});

describe('Call Control: a dialled leg at the app\'s gather', () => {
  it('answer:KEYS presses KEYS, a voicemail answers and presses nothing', async () => {
    let caller = '';
    const gathered: Array<{ to: string; digits: string; status: string }> = [];
    b.on('/webhooks/call-control', async (hook: Hook, _req, res) => {
      const ev = hook.json.data, p = ev.payload, a = b.client.calls.actions, id = p.call_control_id;
      await (async () => {
        if (ev.event_type === 'call.initiated' && p.direction === 'incoming') { caller = id; await a.answer(id, {}); return; }
        if (ev.event_type === 'call.answered' && id === caller) {
          for (const to of [ALICE, BOB]) await b.client.calls.dial({ connection_id: b.sandbox.callControlConnectionId, to, from: '+13125550100', link_to: id, timeout_secs: 15 });
          return;
        }
        if (ev.event_type === 'call.answered') { await a.gatherUsingSpeak(id, { payload: 'Press 1 to take this call.', voice: 'female', maximum_digits: 1, maximum_tries: 1, timeout_millis: 4000 }); return; }
        if (ev.event_type === 'call.gather.ended' && id !== caller) {
          gathered.push({ to: p.to, digits: p.digits, status: p.status });
          await a.hangup(id, {});
          if (gathered.length === 2) await a.hangup(caller, {});
        }
      })();
      res.json({});
    });
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', callee: ['voicemail', 'answer:1'] });
    expect(gathered).toEqual([{ to: ALICE, digits: '', status: 'timeout' }, { to: BOB, digits: '1', status: 'valid' }]);
    // The caller's transcript shows what each answering leg heard and pressed.
    expect(lines(r).filter((l: string) => l.startsWith('screened'))).toEqual([
      `screened: ${ALICE} (voicemail) heard "Press 1 to take this call.", pressed nothing`, `screened: ${BOB} heard "Press 1 to take this call.", pressed 1`,
    ]);
  });
});
