/**
 * Retries after a crash and racing deliveries, in process: two app instances
 * on one SQLite file (scale-out), and the states a killed process leaves
 * behind — an event claimed with no answer (what the old claim-first
 * protocol left), and a Call Control answer stored with its snapshot whose
 * commands were maybe never sent. Every retry must complete the call as the
 * first attempt would have; a race must step once and send each command once.
 * (test/faults/sigkill.test.ts does the same with a real SIGKILL.)
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { renderApology } from '../../engine/texml.js';
import { FakeTelnyx, ccEvent, company, mainLine, makeApp, publishMainLine, tempDb, texml } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let a: ReturnType<typeof makeApp>, b: ReturnType<typeof makeApp>;
let raw: Database.Database;
const TX = '+13125550301', CC = '+13125550302', CALLER = '+13125550147';
const APOLOGY = renderApology();

beforeAll(async () => {
  await fake.start();
  a = makeApp(db.file, fake);
  b = makeApp(db.file, fake); // a second live instance on the same database
  const acme = await company(a.app, 'Acme');
  await publishMainLine(a.app, acme.auth, TX, 'texml');
  await publishMainLine(a.app, acme.auth, CC, 'call-control', { ...mainLine(), id: 'main-line-cc' });
  raw = new Database(db.file);
});
beforeEach(() => { fake.clear(); fake.fail = {}; });
afterAll(async () => { raw?.close(); await a?.close(); await b?.close(); await fake.stop(); db.cleanup(); });

const seq = (callId: string) => (raw.prepare('SELECT seq FROM call_sessions WHERE call_id = ?').get(callId) as { seq: number }).seq;
const event = (key: string) => raw.prepare('SELECT answer, done FROM processed_events WHERE event_id = ?').get(key) as { answer: string | null; done: number } | undefined;

/** A TeXML call in the menu: returns the menu's action step path. */
async function texmlInMenu(sid: string): Promise<string> {
  const res = await texml(a.app, '/webhooks/texml', { CallSid: sid, From: CALLER, To: TX, CallStatus: 'ringing' }).expect(200);
  const step = /webhooks\/texml\/(gather-menu-\d+)/.exec(res.text)?.[1];
  expect(step).toBeTruthy();
  return step!;
}

/** A Call Control call answered and welcomed: returns the client_state of the welcome's speak. */
async function ccWelcomed(ccid: string): Promise<string> {
  const p = { call_control_id: ccid, call_session_id: `s-${ccid}`, from: CALLER, to: CC };
  await ccEvent(a.app, `${ccid}-init`, 'call.initiated', { ...p, direction: 'incoming', state: 'parked' }).expect(200);
  await ccEvent(a.app, `${ccid}-ans`, 'call.answered', { ...p, client_state: fake.seen.at(-1)!.body.client_state }).expect(200);
  const speak = fake.seen.filter((s) => s.ccid === ccid).at(-1)!;
  expect(speak.action).toBe('speak');
  return speak.body.client_state as string;
}

describe('a retry after a crash completes the call', () => {
  it('TeXML: a step claimed by a dead process (no answer) is stepped by the retry, not apologised for', async () => {
    const sid = 'crash-tx-1';
    const step = await texmlInMenu(sid);
    raw.prepare("INSERT INTO processed_events (event_id, created_at) VALUES (?, 'x')").run(`texml:${sid}:${step}`);
    const before = seq(sid);
    const res = await texml(b.app, `/webhooks/texml/${step}`, { CallSid: sid, Digits: '1' }).expect(200);
    expect(res.text).not.toBe(APOLOGY);
    expect(res.text).toContain('<Dial');
    expect(seq(sid)).toBe(before + 1);
    // …and a later retry gets the same answer without stepping again.
    const again = await texml(a.app, `/webhooks/texml/${step}`, { CallSid: sid, Digits: '1' }).expect(200);
    expect(again.text).toBe(res.text);
    expect(seq(sid)).toBe(before + 1);
  });

  it('Call Control: an event claimed by a dead process (no answer) is processed by the retry: its commands are sent', async () => {
    const ccid = 'v3:crash-cc-1';
    const cs = await ccWelcomed(ccid);
    raw.prepare("INSERT INTO processed_events (event_id, created_at) VALUES (?, 'x')").run('cc:crash-cc-1-spoke');
    fake.clear();
    const res = await ccEvent(b.app, 'crash-cc-1-spoke', 'call.speak.ended', { call_control_id: ccid, call_session_id: `s-${ccid}`, client_state: cs, status: 'completed' }).expect(200);
    expect(res.body.duplicate).toBeUndefined();
    expect(fake.actions(ccid)).toEqual(['gather_using_speak']);
    expect(event('cc:crash-cc-1-spoke')!.done).toBe(1);
  });

  it('Call Control: an answer stored with its snapshot but not done is re-sent with the same command_ids, then done', async () => {
    const ccid = 'v3:crash-cc-2';
    const cs = await ccWelcomed(ccid);
    const payload = { call_control_id: ccid, call_session_id: `s-${ccid}`, client_state: cs, status: 'completed' };
    await ccEvent(a.app, 'crash-cc-2-spoke', 'call.speak.ended', payload).expect(200);
    const first = fake.seen.filter((s) => s.ccid === ccid).map((s) => `${s.action} ${s.body.command_id}`);
    const seqAfter = seq(ccid);
    // The state a SIGKILL between "snapshot + answer stored" and "commands sent" leaves behind.
    raw.prepare('UPDATE processed_events SET done = 0, answered_ms = 0 WHERE event_id = ?').run('cc:crash-cc-2-spoke');
    fake.clear();
    const res = await ccEvent(b.app, 'crash-cc-2-spoke', 'call.speak.ended', payload).expect(200);
    expect(fake.seen.filter((s) => s.ccid === ccid).map((s) => `${s.action} ${s.body.command_id}`)).toEqual(first.slice(-1));
    expect(res.body.commands[0].action).toBe('gather_using_speak');
    expect(seq(ccid)).toBe(seqAfter); // not stepped again
    expect(event('cc:crash-cc-2-spoke')!.done).toBe(1);
    // Done: a further retry sends nothing.
    fake.clear();
    await ccEvent(a.app, 'crash-cc-2-spoke', 'call.speak.ended', payload).expect(200);
    expect(fake.actions(ccid)).toEqual([]);
  });

  it('Call Control: re-sent commands go to the leg they were for (the caller\'s, after the transfer target hung up)', async () => {
    const ccid = 'v3:crash-cc-3';
    const p = { call_control_id: ccid, call_session_id: `s-${ccid}` };
    const last = () => fake.seen.filter((x) => x.ccid === ccid).at(-1)!.body.client_state as string;
    await ccWelcomed(ccid);
    await ccEvent(a.app, 'crash-cc-3-spoke', 'call.speak.ended', { ...p, client_state: last(), status: 'completed' }).expect(200);
    await ccEvent(a.app, 'crash-cc-3-digits', 'call.gather.ended', { ...p, client_state: last(), digits: '1', status: 'valid' }).expect(200);
    const transfer = fake.seen.at(-1)!;
    expect(transfer.action).toBe('transfer');
    await ccEvent(a.app, 'crash-cc-3-bridged', 'call.bridged', { ...p, client_state: last(), to: '+13125550111' }).expect(200);
    const target = { call_control_id: 'v3:crash-cc-3-target', call_session_id: `s-${ccid}`, client_state: transfer.body.target_leg_client_state ?? last(), hangup_cause: 'normal_clearing' };
    await ccEvent(a.app, 'crash-cc-3-target-hangup', 'call.hangup', target).expect(200);
    expect(fake.seen.at(-1)).toMatchObject({ action: 'hangup', ccid });
    raw.prepare('UPDATE processed_events SET done = 0, answered_ms = 0 WHERE event_id = ?').run('cc:crash-cc-3-target-hangup');
    fake.clear();
    await ccEvent(b.app, 'crash-cc-3-target-hangup', 'call.hangup', target).expect(200);
    expect(fake.seen.map((x) => `${x.action} ${x.ccid}`)).toEqual([`hangup ${ccid}`]);
  });
});

/**
 * Holds each instance's snapshot write (past a call's first step) until the
 * other one reaches its own (or 300 ms pass), so both deliveries really step
 * from the same state and one of them loses the conditional write (`lost`).
 */
let lost = 0;
function raceAtSnapshotWrite(): () => void {
  let waiting: (() => void)[] = [];
  const undo: (() => void)[] = [];
  for (const h of [a, b]) {
    const store = h.app.locals.ctx.store;
    const orig = store.saveSnapshot;
    store.saveSnapshot = async (...args) => {
      if (args[1] > 0) await new Promise<void>((r) => {
        waiting.push(r);
        if (waiting.length >= 2) { for (const w of waiting) w(); waiting = []; } else setTimeout(() => { waiting = waiting.filter((w) => w !== r); r(); }, 300);
      });
      const won = await orig.apply(store, args);
      if (!won) lost++;
      return won;
    };
    undo.push(() => { store.saveSnapshot = orig; });
  }
  return () => { for (const u of undo) u(); };
}

describe('two instances racing on one delivery', () => {
  let restore: () => void;
  beforeEach(() => { restore = raceAtSnapshotWrite(); });
  afterEach(() => restore());

  it('TeXML: both get the same real answer; the session steps once', async () => {
    lost = 0;
    for (let i = 0; i < 15; i++) {
      const sid = `race-tx-${i}`;
      const step = await texmlInMenu(sid);
      const before = seq(sid);
      const [x, y] = await Promise.all([
        texml(a.app, `/webhooks/texml/${step}`, { CallSid: sid, Digits: '1' }),
        texml(b.app, `/webhooks/texml/${step}`, { CallSid: sid, Digits: '1' }),
      ]);
      expect(x.text).toContain('<Dial');
      expect(y.text).toBe(x.text);
      expect(seq(sid)).toBe(before + 1);
    }
    expect(lost).toBe(15); // every race really had a loser
  });

  it('Call Control: each command is sent once and both answers are the winner\'s', async () => {
    lost = 0;
    for (let i = 0; i < 15; i++) {
      const ccid = `v3:race-cc-${i}`;
      const cs = await ccWelcomed(ccid);
      const before = seq(ccid);
      fake.clear();
      const payload = { call_control_id: ccid, call_session_id: `s-${ccid}`, client_state: cs, status: 'completed' };
      const [x, y] = await Promise.all([
        ccEvent(a.app, `race-cc-${i}-spoke`, 'call.speak.ended', payload),
        ccEvent(b.app, `race-cc-${i}-spoke`, 'call.speak.ended', payload),
      ]);
      expect(x.status).toBe(200);
      expect(y.status).toBe(200);
      expect(fake.seen.filter((s) => s.ccid === ccid).map((s) => s.action)).toEqual(['gather_using_speak']);
      expect(x.body.commands?.[0]?.action).toBe('gather_using_speak');
      expect(y.body).toEqual(x.body);
      expect(seq(ccid)).toBe(before + 1);
    }
    expect(lost).toBe(15);
  });
});
