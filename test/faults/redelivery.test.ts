/**
 * Telnyx delivers at least once and not always in order. Every recorded
 * fixture call is replayed three ways through a fresh real server: as
 * recorded; with every webhook delivered twice; and (Call Control) with
 * neighbouring events swapped as well. The outcome must be the same each
 * time: the same Call Control commands, each sent once (command_id), the
 * same TeXML answers, and the call log ended with the same cause.
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { decodeClientState } from '../../engine/call-control.js';
import { createApp } from '../../server/app.js';
import { fixtureEvents, normTexml, TelnyxStandIn, type RecordedEvent } from './kit.js';
import { installFlow } from '../../server/seed.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUB = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
const NAMES = readdirSync('fixtures').filter((d) => { try { return readFileSync(`fixtures/${d}/events.jsonl`, 'utf8').length > 0; } catch { return false; } });

function flowOf(name: string): unknown {
  const file = `fixtures/${name}/flow.json`;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { $ref?: string };
  return doc.$ref ? JSON.parse(readFileSync(resolve(dirname(file), doc.$ref), 'utf8')) : doc;
}

/** The step (client_state seq) a Call Control event belongs to, if it carries ours. */
function stepOf(e: RecordedEvent): number | undefined {
  const cs = (JSON.parse(e.body) as { data: { payload: { client_state?: string | null } } }).data.payload.client_state;
  return cs ? decodeClientState(cs)?.seq : undefined;
}

const typeOf = (e: RecordedEvent) => (JSON.parse(e.body) as { data: { event_type: string } }).data.event_type;
/**
 * call.bridged then a leg's call.hangup: the conversation lies between them (the
 * sandbox's callee talks 30 s), so Telnyx does not swap them. Known gap, reported:
 * if it did, the server would read the transfer as failed.
 */
const afterConversation = (a: RecordedEvent, b: RecordedEvent) => typeOf(a) === 'call.bridged' && typeOf(b) === 'call.hangup';
/**
 * call.answered and an outbound call's AMD result (both carry the dial's client_state): whichever comes first, the
 * flow starts on the answer, but swapped it starts a step earlier, so the recorded events after them carry step
 * numbers a real Telnyx would not echo. That order itself is tested in test/server/outbound-amd-order.test.ts.
 */
const amdAroundAnswer = (a: RecordedEvent, b: RecordedEvent) => [typeOf(a), typeOf(b)].includes('call.answered') && [typeOf(a), typeOf(b)].some((t) => t.startsWith('call.machine.'));

interface Outcome { commands: string[]; byLeg: Record<string, string[]>; texml: string[]; cause: string | null; ended: boolean }

/** Replays `events` (in the given order) through a fresh app; what Telnyx was told and how the call ended. */
async function replay(name: string, events: (RecordedEvent & { at?: string })[]): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-redeliver-'));
  const telnyx = new TelnyxStandIn();
  await telnyx.start();
  let clock = new Date();
  const app = createApp({
    db: join(dir, 'cf.db'), log: pino({ level: 'silent' }), now: () => clock, publicUrl: () => 'https://callflow.example', webhookPublicKeys: [PUB],
    telnyx: new Telnyx({ apiKey: 'KEY', baseURL: telnyx.url, maxRetries: 0, timeout: 5000 }), retryDelayMs: 0,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const store = app.locals.ctx.store;
    const call = JSON.parse(readFileSync(`fixtures/${name}/call.json`, 'utf8')) as { company?: string; number: string; mode: 'texml' | 'call-control'; outbound?: { token: string; to: string; vars?: Record<string, string>; amd?: string } };
    const { company } = await store.createCompany(call.company ?? 'My company');
    const doc = flowOf(name);
    const flow = await installFlow(store, company.id, doc, [{ e164: call.number, mode: call.mode }]);
    // An outbound flow call, written down as startFlowCall writes it before dialling (its webhooks carry the token).
    if (call.outbound) {
      const version = (await store.getFlow(company.id, flow.id))!.publishedVersion!;
      await store.addOutboundCall({ token: call.outbound.token, companyId: company.id, flowId: flow.id, version, mode: call.mode, from: call.number, to: call.outbound.to, vars: call.outbound.vars ?? {}, amd: call.outbound.amd as never });
    }
    const texml: string[] = [];
    for (const ev of events) {
      if (ev.at) clock = new Date(ev.at);
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await fetch(url + ev.path, {
        method: 'POST', body: ev.body,
        headers: { 'content-type': ev.headers?.['content-type'] ?? 'application/json', 'telnyx-timestamp': ts, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${ev.body}`), privateKey).toString('base64') },
      });
      expect(res.status, `${ev.path} ${await res.clone().text()}`).toBeLessThan(300);
      if (ev.path.includes('texml')) texml.push(normTexml(await res.text()));
    }
    const calls = await store.listCalls(company.id);
    const log = calls[0];
    // Successful commands, by command_id, in the order first sent.
    const sent = telnyx.attempts.filter((a) => a.answered === 200);
    const commands = sent.map((a) => `${a.action} ${a.commandId}`);
    const byLeg: Record<string, string[]> = {};
    for (const a of sent) (byLeg[a.ccid] ??= []).push(`${a.action} ${a.commandId}`);
    return { commands, byLeg, texml, cause: log?.hangupCause ?? null, ended: !!log?.endedAt };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await app.locals.ctx.store.close();
    await telnyx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let totalSwaps = 0;

describe('redelivery: every webhook twice, neighbours swapped', () => {
  it.each(NAMES)('%s', async (name) => {
    const events = fixtureEvents(name);
    const clean = await replay(name, events);
    expect(clean.ended).toBe(true);

    const twice = await replay(name, events.flatMap((e) => [e, e]));
    expect(twice.commands).toEqual(clean.commands); // nothing doubled: one command per command_id
    expect(new Set(twice.commands).size).toBe(twice.commands.length);
    expect(twice.texml.filter((_, i) => i % 2 === 0)).toEqual(clean.texml);
    expect(twice.texml.filter((_, i) => i % 2 === 1)).toEqual(clean.texml); // a retry gets the first answer
    expect([twice.ended, twice.cause]).toEqual([clean.ended, clean.cause]);

    if (name.endsWith('call-control')) {
      // Swap every pair of neighbours that Telnyx could really deliver out of order: events
      // of the same step (the later one's client_state seq is not newer). An event caused by
      // a command can never come before the event that led to the command.
      const swapped = [...events];
      let swaps = 0;
      for (let i = 1; i + 1 < swapped.length; i++) {
        const a = stepOf(swapped[i]!), b = stepOf(swapped[i + 1]!);
        if (a !== undefined && b !== undefined && b <= a && !afterConversation(swapped[i]!, swapped[i + 1]!) && !amdAroundAnswer(swapped[i]!, swapped[i + 1]!)) { [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!]; swaps++; i++; }
      }
      totalSwaps += swaps;
      const out = await replay(name, swapped.flatMap((e) => [e, e]));
      // The same commands, each once, and on each leg in the same order. Across legs the order follows the events':
      // a callee leg's hangup swapped with the caller's next event is answered in that order (a screened ring).
      expect(out.byLeg).toEqual(clean.byLeg);
      expect([...out.commands].sort()).toEqual([...clean.commands].sort());
      expect([out.ended, out.cause]).toEqual([clean.ended, clean.cause]);
    }
  });
  it('swapped real neighbours in the Call Control fixtures', () => { expect(totalSwaps).toBeGreaterThanOrEqual(NAMES.filter((n) => n.endsWith('call-control')).length); });
});
