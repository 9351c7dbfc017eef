import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { callRequest, run as callRun } from '../../server/cli/commands/call.js';
import { run as replayRun } from '../../server/cli/commands/replay.js';
import { loadOrCreateKeySeed, signerFromSeed } from '../../server/sandbox/keys.js';
import { startBench, xml, type Bench } from './harness.js';

const seed = Buffer.alloc(32, 7);
let b: Bench;
beforeAll(async () => { b = await startBench({ keySeed: seed }); });
afterAll(async () => { await b.close(); });

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try { return { code: await fn(), out, err }; } finally { o.mockRestore(); e.mockRestore(); }
}

describe('callflow call', () => {
  it('turns arguments into a sandbox call request', () => {
    expect(callRequest(['+13125550100', '--digits', '1,,2', '--say', 'hello', '--say', 'bye', '--callee', 'busy,answer', '--mode', 'call-control', '--url', 'http://x:1/'])).toEqual({
      url: 'http://x:1', json: false,
      body: { to: '+13125550100', digits: ['1', '', '2'], speech: ['hello', 'bye'], callee: ['busy', 'answer'], mode: 'call-control' },
    });
    expect(callRequest([])).toHaveProperty('error');
  });

  it('places a call and prints one line per transcript entry and where it ended', async () => {
    b.on('/webhooks/texml', xml(`<Gather action="${b.url}/webhooks/texml/menu" numDigits="1"><Say>Press 2 for support.</Say></Gather>`));
    b.on('/webhooks/texml/menu', xml('<Say>Support is closed.</Say><Hangup/>'));
    const r = await capture(() => callRun(['+13125550100', '--digits', '2', '--url', b.url]));
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^call v3:\S+ \(texml\) \+13125550147 → \+13125550100$/);
    expect(lines.slice(1, -1).map((l) => l.trim().replace(/^\S+s\s+/, ''))).toEqual(['heard     Press 2 for support.', 'pressed   2', 'heard     Support is closed.', 'hangup    the app hung up']);
    expect(lines.at(-1)).toMatch(/^ended by app: Hangup \(\d+ webhooks\)$/);
  });

  it('explains a bad number and an unreachable server', async () => {
    const bad = await capture(() => callRun(['555', '--url', b.url]));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/E\.164.*\(at to\)/);
    const down = await capture(() => callRun(['+13125550100', '--url', 'http://127.0.0.1:9']));
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/cannot reach/);
  });
});

describe('callflow replay', () => {
  function fixture(expected: unknown[]) {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const form = 'AccountSid=a&CallSid=v3%3Arec1&From=%2B13125550147&To=%2B13125550100';
    const cc = { data: { record_type: 'event', event_type: 'call.initiated', id: 'e1', occurred_at: '2026-03-10T15:04:05Z', payload: { call_control_id: 'v3:recorded-1', call_leg_id: 'l', call_session_id: 's', direction: 'incoming', state: 'parked', from: '+13125550147', to: '+13125550100', client_state: null } }, meta: { attempt: 1 } };
    writeFileSync(join(dir, 'events.jsonl'), [
      JSON.stringify({ path: '/webhooks/texml', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'telnyx-timestamp': '1' }, body: form }),
      JSON.stringify({ path: '/webhooks/call-control', method: 'POST', headers: { 'content-type': 'application/json' }, body: cc }),
    ].join('\n'));
    writeFileSync(join(dir, 'expected.jsonl'), expected.map((e) => JSON.stringify(e)).join('\n'));
    return dir;
  }
  /** A stand-in server: verifies the signature as the real one does, answers TeXML, and answers calls through the sandbox API. */
  function server() {
    b.on('/webhooks/texml', async (h, _req, res) => {
      try { await new TelnyxWebhook(signerFromSeed(seed).publicKeyBase64).verify(h.raw, h.headers); } catch { res.status(401).send('bad signature'); return; }
      res.type('text/xml').send('<Response>\n  <Say>Hi</Say>\n</Response>');
    });
    b.on('/webhooks/call-control', async (h, _req, res) => {
      res.send('ok');
      await b.client.calls.actions.answer(h.json.data.payload.call_control_id, { command_id: 'answer-1' });
    });
  }

  it('re-signs each event, sends it, and finds no difference', async () => {
    server();
    const dir = fixture([{ texml: '<Response><Say>Hi</Say></Response>' }, { commands: [{ action: 'answer', body: { command_id: 'answer-1' } }] }]);
    const r = await capture(() => replayRun([dir, '--url', b.url, '--key', seed.toString('base64')]));
    expect(r.err).toBe('');
    expect(r.out).toMatch(/2 event\(s\), 0 differ/);
    expect(r.code).toBe(0);
  });

  it('prints a diff and exits 1 when the server answers differently', async () => {
    server();
    const dir = fixture([{ texml: '<Response><Say>Hello</Say></Response>' }, { commands: [{ action: 'answer', body: { command_id: 'other' } }] }]);
    const r = await capture(() => replayRun([dir, '--url', b.url, '--key', seed.toString('base64')]));
    expect(r.code).toBe(1);
    expect(r.out).toContain('- <Say>Hello</Say>');
    expect(r.out).toContain('+ <Say>Hi</Say>');
    expect(r.out).toContain('+ answer {"command_id":"answer-1"}');
  });

  it('fails signature checks with the wrong key', async () => {
    server();
    const dir = fixture([{ texml: '<Response><Say>Hi</Say></Response>' }]);
    const r = await capture(() => replayRun([dir, '--url', b.url, '--key', Buffer.alloc(32, 9).toString('base64')]));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\/webhooks\/texml → 401/);
  });
});

describe('sandbox key file', () => {
  it('is created once with mode 0600 and gives the same key every time', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'key-')), 'data', 'sandbox-key');
    const a = loadOrCreateKeySeed(file), again = loadOrCreateKeySeed(file);
    expect(a.equals(again)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(signerFromSeed(a).publicKeyBase64).toBe(signerFromSeed(again).publicKeyBase64);
    expect(signerFromSeed(a).publicKeyBase64).not.toBe(signerFromSeed(Buffer.alloc(32, 1)).publicKeyBase64);
  });
});
