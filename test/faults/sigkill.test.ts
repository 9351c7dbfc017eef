/**
 * Crash safety: the real server (`node --import tsx server/main.ts`) as a
 * child process on a temp database, killed with SIGKILL at random moments
 * while CALLS recorded calls (fixtures/main-line-sales-texml, fresh call ids)
 * are driven through it, and started again on the same database each time.
 * The test plays Telnyx: each webhook is re-sent (freshly signed) until it
 * gets a 2xx, as Telnyx retries. Every call must end exactly as recorded —
 * same TeXML answers, call log ended — whatever moment the kill hit; every
 * Call Control command sent, in order. Strict always (it used to allow a
 * known gap unless CRASH_STRICT=1: a kill between claiming an event and
 * storing its answer left the apology, or silence; see server/webhooks/dedupe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alwaysOpenMainLine, deliver, fixtureEvents, freePort, freshCall, normTexml, spawnServer, TelnyxStandIn, webhookSigner } from './kit.js';

const CALLS = Number(process.env.FAULT_CALLS ?? 200);
const IN_FLIGHT = 20;
const FIXTURE = 'main-line-sales-texml';
const CC_FIXTURE = 'main-line-support-call-control';
const CC_CALLS = Number(process.env.FAULT_CC_CALLS ?? 100);
const CC_NUMBER = '+18445550198';
const { publicKey: PUB, signBody } = webhookSigner();

let dir = '', port = 0, url = '', apiKey = '';
let child: ChildProcess | undefined;
const telnyx = new TelnyxStandIn();

/** Starts the server and waits until it answers; resolves with the API key its banner showed on first start, if any. */
async function startServer(): Promise<string | undefined> {
  const { child: c, key } = await spawnServer({ port, db: join(dir, 'callflow.db'), telnyxUrl: telnyx.url, publicKey: PUB });
  child = c;
  return key;
}

async function kill(): Promise<void> {
  const c = child;
  if (!c || c.exitCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill('SIGKILL');
  await gone;
}

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-sigkill-'));
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  await telnyx.start();
  apiKey = (await startServer()) ?? '';
  expect(apiKey).toMatch(/\S{16,}/);
  await api('POST', '/api/flows', alwaysOpenMainLine('holds-line'));
  await api('POST', '/api/flows/holds-line/publish');
  const { number } = JSON.parse(readFileSync(`fixtures/${FIXTURE}/call.json`, 'utf8')) as { number: string };
  await api('PUT', `/api/numbers/${encodeURIComponent(number)}`, { flowId: 'holds-line', mode: 'texml' });
  await api('PUT', `/api/numbers/${encodeURIComponent(CC_NUMBER)}`, { flowId: 'holds-line', mode: 'call-control' });
}, 60_000);

afterAll(async () => {
  await kill();
  await telnyx.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`SIGKILL at random moments during ${CALLS} calls`, () => {
  it('every call ends as recorded after the server is killed and restarted', async () => {
    const recorded = fixtureEvents(FIXTURE);
    const expected = readFileSync(`fixtures/${FIXTURE}/expected.jsonl`, 'utf8').trim().split('\n').map((l) => normTexml((JSON.parse(l) as { texml: string }).texml));
    const cause = new URLSearchParams(recorded.at(-1)!.body).get('HangupCause');
    expect(cause).toBeTruthy();
    const answers = new Map<string, string[]>();
    const cuts = new Map<string, boolean[]>();
    const triesOf = new Map<string, number[]>();
    let next = 0, finished = 0, kills = 0, retried = 0;
    const driver = async () => {
      while (next < CALLS) {
        const i = next++;
        const call = freshCall(recorded, `kill${i}`);
        const got: string[] = [];
        const cut: boolean[] = [];
        const tries: number[] = [];
        for (const ev of call.events) {
          const r = await deliver(url, ev, signBody, { timeoutMs: 3000, pauseMs: 100 });
          if (r.tries > 1) retried++;
          cut.push(r.tries > 1);
          tries.push(r.tries);
          got.push(normTexml(r.text));
          await new Promise((res) => setTimeout(res, 5 + Math.random() * 40));
        }
        answers.set(call.callId, got);
        cuts.set(call.callId, cut);
        triesOf.set(call.callId, tries);
        finished++;
      }
    };
    // The killer: SIGKILL at a random moment, restart on the same database, repeat while calls run.
    const killer = async () => {
      while (finished < CALLS) {
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 250));
        if (finished >= CALLS) break;
        await kill();
        kills++;
        await startServer();
      }
    };
    await Promise.all([killer(), ...Array.from({ length: IN_FLIGHT }, driver)]);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(retried).toBeGreaterThan(0); // some deliveries really hit a dead server

    // Strict: every call exactly as recorded, whatever moment a kill hit (no apology after a cut delivery).
    const wrong: string[] = [];
    for (const [callId, got] of answers) {
      const k = got.findIndex((g, j) => g !== expected[j]);
      if (k >= 0) {
        wrong.push(`${callId} webhook ${k + 1} (tries ${triesOf.get(callId)!.join(',')}, cut ${cuts.get(callId)![k]}): ${got.join(' | ')}`);
        continue;
      }
      const { call } = await api('GET', `/api/calls/${encodeURIComponent(callId)}`);
      if (!call.endedAt || call.hangupCause !== cause) wrong.push(`${callId}: call log ${JSON.stringify(call)}`);
    }
    console.log(`SIGKILL: ${kills} kills, ${retried} deliveries retried, ${CALLS - wrong.length} calls exact, ${wrong.length} not`);
    expect(answers.size).toBe(CALLS);
    expect(wrong.slice(0, 5)).toEqual([]);
  }, 240_000);

  it(`Call Control: ${CC_CALLS} calls, every command of every call sent once, whatever moment the kill hit`, async () => {
    // The recorded support call (transfer, conversation, hangup), routed to our Call Control number.
    const recorded = fixtureEvents(CC_FIXTURE).map((e) => ({ ...e, body: e.body.split('+18445550199').join(CC_NUMBER) }));
    // What Telnyx must have been told, per call: command names and ids (the id ends with the call id).
    const expectedFor = (ccid: string) => ['answer answer-', 'speak welcome-1-0-', 'transcription_start menu-2-0.1-', 'gather_using_speak menu-2-0-', 'transcription_stop transcription-stop-2-', 'transfer support-3-0-', 'hangup end-4-0-'].map((x) => `${x}${ccid}`);
    let next = 0, finished = 0, kills = 0, retried = 0;
    const cutCalls = new Set<string>();
    const ids: string[] = [];
    const driver = async () => {
      while (next < CC_CALLS) {
        const call = freshCall(recorded, `cckill${next++}`);
        ids.push(call.callId);
        for (const ev of call.events) {
          const r = await deliver(url, ev, signBody, { timeoutMs: 3000, pauseMs: 100 });
          if (r.tries > 1) { retried++; cutCalls.add(call.callId); }
          await new Promise((res) => setTimeout(res, 5 + Math.random() * 40));
        }
        finished++;
      }
    };
    const killer = async () => {
      while (finished < CC_CALLS) {
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 250));
        if (finished >= CC_CALLS) break;
        await kill();
        kills++;
        await startServer();
      }
    };
    await Promise.all([killer(), ...Array.from({ length: IN_FLIGHT }, driver)]);
    expect(kills).toBeGreaterThanOrEqual(2);
    // Strict: every command of every call reached Telnyx, in order, none changed or extra (a repeat of the
    // same command_id after a crash is allowed: Telnyx drops it, so it is counted once).
    const wrong: string[] = [];
    for (const ccid of ids) {
      const sent = [...new Set(telnyx.attempts.filter((a) => a.ccid === ccid && a.answered === 200).map((a) => `${a.action} ${a.commandId}`))];
      const want = expectedFor(ccid);
      if (JSON.stringify(sent) !== JSON.stringify(want)) wrong.push(`${ccid}${cutCalls.has(ccid) ? ' (cut)' : ''}: ${JSON.stringify(sent)}`);
    }
    console.log(`SIGKILL (Call Control): ${kills} kills, ${retried} deliveries retried, ${CC_CALLS - wrong.length} calls exact, ${wrong.length} not ${wrong.slice(0, 3).join("; ")}`);
    expect(wrong.slice(0, 5)).toEqual([]);
  }, 240_000);
});
