/**
 * Telnyx misbehaving on call commands: answering 500, or never answering (the
 * SDK's timeout fires). Each command is retried with the same `command_id`
 * (Telnyx drops repeats, so a retry can never double an action), and when a
 * command fails for good the caller hears the apology and is hung up —
 * never left in silence. Real app, real SQLite, the official SDK against a
 * stand-in that counts attempts per command_id.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { decodeClientState } from '../../engine/call-control.js';
import { createApp, type CallflowApp } from '../../server/app.js';
import { alwaysOpenMainLine, TelnyxStandIn } from './kit.js';
import { installFlow } from '../../server/seed.js';

const NUMBER = '+18445550198';
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUB = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
const telnyx = new TelnyxStandIn();
let app: CallflowApp, server: Server, url = '', dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-telnyx-faults-'));
  await telnyx.start();
  app = createApp({
    db: join(dir, 'cf.db'), log: pino({ level: 'silent' }), publicUrl: () => 'https://cf.example.test', webhookPublicKeys: [PUB],
    // A short SDK timeout so a stalled request counts as failed quickly; no SDK retries (ours are under test).
    telnyx: new Telnyx({ apiKey: 'KEY', baseURL: telnyx.url, maxRetries: 0, timeout: 300 }), retryDelayMs: 0, commandAttempts: 3,
  });
  const store = app.locals.ctx.store;
  const { company } = await store.createCompany('Faults');
  const flow = alwaysOpenMainLine();
  await installFlow(store, company.id, flow, [{ e164: NUMBER, mode: 'call-control' }]);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => { telnyx.behaviour = () => 'ok'; telnyx.clear(); });
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await app.locals.ctx.store.close();
  await telnyx.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function event(ccid: string, type: string, payload: Record<string, unknown> = {}): Promise<any> {
  const body = JSON.stringify({ data: { record_type: 'event', event_type: type, id: `ev-${++n}`, occurred_at: new Date().toISOString(), payload: { call_control_id: ccid, call_session_id: `s-${ccid}`, from: '+13125550147', to: NUMBER, ...payload } } });
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${url}/webhooks/call-control`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'telnyx-timestamp': ts, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64') } });
  expect(res.status).toBe(200);
  return res.json();
}

/** Drives a call to the menu: initiated, answered, the welcome's speak.ended. */
async function toMenu(ccid: string) {
  await event(ccid, 'call.initiated', { direction: 'incoming', state: 'parked' });
  await event(ccid, 'call.answered');
  const welcome = telnyx.attempts.find((a) => a.ccid === ccid && a.action === 'speak' && a.answered === 200);
  if (!welcome) return;
  await event(ccid, 'call.speak.ended', { status: 'completed', client_state: welcome.body.client_state });
}

/** Every command of the call: attempts per command_id, all with that one id. */
function perCommand(ccid: string): Map<string, { action: string; answers: (number | string)[] }> {
  const m = new Map<string, { action: string; answers: (number | string)[] }>();
  for (const a of telnyx.attempts.filter((x) => x.ccid === ccid)) {
    const e = m.get(a.commandId) ?? { action: a.action, answers: [] };
    e.answers.push(a.answered);
    m.set(a.commandId, e);
  }
  return m;
}

describe('Telnyx failing on call commands', () => {
  for (const failure of [500, 'stall'] as const) {
    it(`${failure} on each command's first attempt: retried once with the same command_id, the call goes on`, async () => {
      telnyx.behaviour = ({ attempt }) => (attempt === 1 ? failure : 'ok');
      const ccid = `v3:first-${failure}`;
      await toMenu(ccid);
      const cmds = perCommand(ccid);
      // The menu has phrases: its transcription starts before its gather.
      expect([...cmds.values()].map((c) => c.action)).toEqual(['answer', 'speak', 'transcription_start', 'gather_using_speak']);
      for (const [id, c] of cmds) {
        expect(id).toMatch(/\S/);
        expect(c.answers).toEqual([failure === 'stall' ? 'stalled' : 500, 200]);
      }
    });
  }

  it('a command that keeps failing: the caller hears the apology, then is hung up', async () => {
    telnyx.behaviour = ({ action }) => (action === 'gather_using_speak' ? 500 : 'ok');
    const ccid = 'v3:gather-down';
    await toMenu(ccid);
    const gather = [...perCommand(ccid).values()].find((c) => c.action === 'gather_using_speak')!;
    expect(gather.answers).toEqual([500, 500, 500]); // commandAttempts = 3, one command_id
    const apology = telnyx.attempts.filter((a) => a.ccid === ccid && a.action === 'speak').at(-1)!;
    expect(apology.answered).toBe(200);
    expect(String(apology.body.payload)).toMatch(/sorry/i);
    // The hangup follows when the apology has been spoken (so it is not cut off).
    await event(ccid, 'call.speak.ended', { status: 'completed', client_state: apology.body.client_state });
    expect(telnyx.done(ccid).at(-1)).toBe('hangup');
    expect(decodeClientState(apology.body.client_state as string)?.node).toBe('__apology');
  });

  it('Telnyx down for speaking too: the call is hung up at once rather than left silent', async () => {
    telnyx.behaviour = ({ action }) => (action === 'answer' || action === 'hangup' ? 'ok' : 'stall');
    const ccid = 'v3:all-down';
    await event(ccid, 'call.initiated', { direction: 'incoming', state: 'parked' });
    await event(ccid, 'call.answered');
    expect(telnyx.done(ccid)).toEqual(['answer', 'hangup']);
    const speaks = [...perCommand(ccid).values()].filter((c) => c.action === 'speak');
    expect(speaks.every((c) => c.answers.length === 3 && c.answers.every((x) => x === 'stalled'))).toBe(true);
  });
});
