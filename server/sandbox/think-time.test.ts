/**
 * The scripted caller's think time: real time waited before answering each
 * prompt, in both legs, picked deterministically from a seed, validated like
 * the other script fields, and invisible in the (virtual-time) transcript.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { placeCall, startBench, xml, type Bench, type Hook } from '../../test/sandbox/harness.js';
import { MAX_THINK_MS, parseCallRequest } from './calls.js';
import { thinkDelay } from './sim-call.js';

let b: Bench;
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; });
const lines = (r: any) => r.transcript.map((e: any) => `${e.kind}: ${e.text}`);

/** Records when each webhook path arrived (ms, performance.now) and answers with `answer`. */
function timed(path: string, seen: Map<string, number>, answer: (h: Hook) => string) {
  b.on(path, (h, _req, res) => {
    seen.set(h.json?.data?.event_type ?? path, performance.now());
    res.type(path.includes('texml') ? 'text/xml' : 'text/plain').send(answer(h));
  });
}

describe('thinkDelay', () => {
  it('is the number itself, 0 when absent, and for [min, max] stays in range and repeats per seed', () => {
    expect(thinkDelay(undefined, 1, 0)).toBe(0);
    expect(thinkDelay(250, 9, 3)).toBe(250);
    const picks = Array.from({ length: 200 }, (_, seed) => thinkDelay([100, 1099], seed, 0));
    for (const p of picks) { expect(Number.isInteger(p)).toBe(true); expect(p).toBeGreaterThanOrEqual(100); expect(p).toBeLessThanOrEqual(1099); }
    expect(Array.from({ length: 200 }, (_, seed) => thinkDelay([100, 1099], seed, 0))).toEqual(picks);
    // Neighbouring seeds and prompts spread over the range (not one value, not one end).
    expect(new Set(picks).size).toBeGreaterThan(150);
    expect(Math.min(...picks)).toBeLessThan(300);
    expect(Math.max(...picks)).toBeGreaterThan(900);
    expect(new Set(Array.from({ length: 20 }, (_, n) => thinkDelay([0, 10_000], 42, n))).size).toBeGreaterThan(15);
    expect(thinkDelay([70, 70], 5, 2)).toBe(70);
  });
});

describe('validation', () => {
  const req = (extra: Record<string, unknown>) => parseCallRequest({ to: '+13125550100', ...extra });
  it('accepts a whole number of ms or [min, max], with an integer seed', () => {
    expect(req({ thinkMs: 0 })).toMatchObject({ script: { thinkMs: 0 } });
    expect(req({ thinkMs: [200, 900], thinkSeed: 12 })).toMatchObject({ script: { thinkMs: [200, 900], thinkSeed: 12 } });
    expect(req({ thinkMs: MAX_THINK_MS })).toMatchObject({ script: { thinkMs: MAX_THINK_MS } });
  });
  it.each([[-1], [1.5], ['500'], [[900, 200]], [[1, 2, 3]], [[1]], [MAX_THINK_MS + 1], [[0, MAX_THINK_MS + 1]], [null]])('refuses thinkMs %j with a 400 naming the field', async (thinkMs) => {
    const r = await placeCall(b, { to: '+13125550100', thinkMs });
    expect(r.status).toBe(400);
    expect(r.error).toEqual({ code: 'bad_request', message: expect.stringMatching(/^thinkMs must be/), path: ['thinkMs'] });
  });
  it('refuses a seed that is not an integer', async () => {
    const r = await placeCall(b, { to: '+13125550100', thinkMs: [1, 2], thinkSeed: 0.5 });
    expect(r.status).toBe(400);
    expect(r.error).toEqual({ code: 'bad_request', message: 'thinkSeed must be an integer', path: ['thinkSeed'] });
  });
});

describe('TeXML: the caller thinks before each Gather answer', () => {
  const menu = () => xml(`<Gather action="${b.url}/webhooks/texml/menu" numDigits="1"><Say>Press 1.</Say></Gather>`);
  it('waits thinkMs of real time between the prompt and the action callback; the transcript is unchanged', async () => {
    const seen = new Map<string, number>();
    b.on('/webhooks/texml', (h, req, res) => { seen.set('doc', performance.now()); menu()(h, req, res); });
    timed('/webhooks/texml/menu', seen, () => '<Response><Hangup/></Response>');
    const slow = await placeCall(b, { to: '+13125550100', digits: ['1'], thinkMs: 400 });
    expect(seen.get('/webhooks/texml/menu')! - seen.get('doc')!).toBeGreaterThanOrEqual(395);
    b.hooks.length = 0;
    const quick = await placeCall(b, { to: '+13125550100', digits: ['1'] });
    expect(lines(slow)).toEqual(['heard: Press 1.', 'pressed: 1', 'hangup: the app hung up']);
    expect(lines(quick)).toEqual(lines(slow));
    expect(slow.transcript.map((e: any) => e.at)).toEqual(quick.transcript.map((e: any) => e.at));
  });

  it('stops thinking when the call ends meanwhile: no answer is sent after the end', async () => {
    const short = await startBench({ callTimeoutMs: 150 });
    try {
      short.on('/webhooks/texml', xml(`<Gather action="${short.url}/webhooks/texml/menu"><Say>Press 1.</Say></Gather>`));
      const t0 = performance.now();
      const r = await placeCall(short, { to: '+13125550100', digits: ['1'], thinkMs: 20_000 });
      expect(r.ended).toMatchObject({ by: 'error', reason: 'call still running after 150 ms' });
      await short.waitFor((h) => h.path === '/webhooks/texml/status', 2000); // the player unwound at once
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(short.hooks.some((h) => h.path === '/webhooks/texml/menu')).toBe(false);
    } finally { await short.close(); }
  });
});

describe('Call Control: the caller thinks before keying into a gather', () => {
  it('waits the seeded pick before the first DTMF event, once per prompt', async () => {
    const seen = new Map<string, number>();
    const gathers: number[] = [];
    b.on('/webhooks/call-control', (h, _req, res) => {
      res.send('ok');
      const ev = h.json.data, id = ev.payload.call_control_id, a = b.client.calls.actions;
      seen.set(ev.event_type, performance.now());
      void (async () => {
        if (ev.event_type === 'call.initiated') await a.answer(id, {});
        else if (ev.event_type === 'call.answered') { gathers.push(performance.now()); await a.gatherUsingSpeak(id, { payload: 'Press 1.', voice: 'AWS.Polly.Joanna-Neural', maximum_digits: 1, valid_digits: '1' }); }
        else if (ev.event_type === 'call.gather.ended') await a.hangup(id, {});
      })().catch(() => undefined);
    });
    const think = thinkDelay([300, 500], 7, 0);
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', digits: ['2', '1'], thinkMs: [300, 500], thinkSeed: 7 });
    expect(lines(r)).toEqual(['connected: call answered', 'heard: Press 1.', 'pressed: 2', 'heard: Press 1.', 'pressed: 1', 'hangup: the app hung up']);
    // Two tries of one gather: the caller thought before each entry.
    const twoThinks = think + thinkDelay([300, 500], 7, 1);
    expect(seen.get('call.gather.ended')! - gathers[0]!).toBeGreaterThanOrEqual(twoThinks - 5);
  });
});
