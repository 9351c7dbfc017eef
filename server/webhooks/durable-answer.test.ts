import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import express from 'express';
import request from 'supertest';
import { pino } from 'pino';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../app.js';
import { renderApology } from '../../engine/texml.js';
import { FakeTelnyx, OPEN_NOW, PUBLIC_KEY_B64, PUBLIC_URL, ccEvent, company, mainLine, publishMainLine, signed, tempDb } from '../../test/server/harness.js';

/**
 * The webhook's unit of work, seen from outside the process's own connection: what another connection (another
 * process, or this one after a crash) finds on disk at the moment the answer leaves, or a command is sent.
 */
const fake = new FakeTelnyx();
const db = tempDb();
let app: CallflowApp;
let outer: express.Express;
let disk: Database.Database;
const LINE = '+13125550100', CC_LINE = '+13125550200', CALLER = '+13125550147';
/** What another connection saw when each answer's headers were written, by request path. */
const atAnswer: { path: string; answer: string | null | undefined; logged: number }[] = [];
/** What another connection saw when each Call Control command was handed to fetch. */
const atCommand: { action: string; seq: number | undefined }[] = [];

const stored = (key: string) => (disk.prepare('SELECT answer FROM processed_events WHERE event_id = ?').get(key) as { answer: string | null } | undefined)?.answer;
const loggedRows = (path: string) => (disk.prepare('SELECT COUNT(*) AS n FROM webhooks WHERE path = ?').get(path) as { n: number }).n;
const seqOnDisk = (callId: string) => (disk.prepare('SELECT seq FROM call_sessions WHERE call_id = ?').get(callId) as { seq: number } | undefined)?.seq;

beforeAll(async () => {
  await fake.start();
  // The SDK's own fetch, watched: the moment a command leaves, what is on disk.
  const watched: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const m = /\/calls\/([^/]+)\/actions\/([a-z_]+)/.exec(url);
    if (m) atCommand.push({ action: m[2]!, seq: seqOnDisk(decodeURIComponent(m[1]!)) });
    return fetch(input, init);
  };
  app = createApp({
    db: db.file, log: pino({ level: 'silent' }), telnyx: new Telnyx({ apiKey: 'KEY_TEST', baseURL: fake.url, maxRetries: 0, fetch: watched }),
    publicUrl: () => PUBLIC_URL, webhookPublicKeys: [PUBLIC_KEY_B64], now: () => OPEN_NOW, retryDelayMs: 0,
  });
  const auth = (await company(app, 'Acme')).auth;
  await publishMainLine(app, auth, LINE, 'texml');
  await publishMainLine(app, auth, CC_LINE, 'call-control', { ...mainLine(), id: 'main-line-cc' });
  disk = new Database(db.file, { readonly: true });
  // The answer's headers are written synchronously by the wrapper: look at the disk right then.
  outer = express();
  outer.use((req, res, next) => {
    const path = req.originalUrl, write = res.writeHead.bind(res);
    res.writeHead = ((...a: Parameters<typeof res.writeHead>) => {
      const callId = new URLSearchParams(String(req.body ?? '')).get('CallSid');
      const step = path.split('/').pop();
      atAnswer.push({ path, answer: stored(`texml:${callId ?? 'c-durable'}:${step === 'texml' ? 'start' : step}`), logged: loggedRows(path) });
      return write(...a);
    }) as typeof res.writeHead;
    next();
  });
  outer.use(app);
});
afterAll(async () => { disk.close(); await app.locals.ctx.store.close(); await fake.stop(); db.cleanup(); });

const post = (path: string, fields: Record<string, string>) => {
  const body = new URLSearchParams(fields).toString();
  return request(outer).post(path).set(signed(body)).set('content-type', 'application/x-www-form-urlencoded').send(body);
};

describe('a webhook is answered only once its unit of work is on disk', () => {
  it('TeXML: the step\'s answer and the webhook\'s log row are committed when the answer leaves', async () => {
    await post('/webhooks/texml', { CallSid: 'c-durable', From: CALLER, To: LINE, CallStatus: 'in-progress' }).expect(200);
    const res = await post('/webhooks/texml/gather-menu-1', { CallSid: 'c-durable', From: CALLER, To: LINE, Digits: '9' }).expect(200);
    expect(res.text).toContain('<Gather');
    const seen = atAnswer.find((a) => a.path === '/webhooks/texml/gather-menu-1')!;
    expect(seen.answer).toBe(res.text);
    expect(seen.logged).toBe(1);
  });

  it('Call Control: no command is sent before the step that produced it is on disk', async () => {
    const ccid = 'v3:durable-1';
    const send = (id: string, type: string, extra: Record<string, unknown> = {}) =>
      ccEvent(app, id, type, { call_control_id: ccid, call_session_id: 's-d', from: CALLER, to: CC_LINE, ...extra }).expect(200);
    await send('d-1', 'call.initiated', { direction: 'incoming' });
    await send('d-2', 'call.answered');
    const speak = atCommand.find((c) => c.action === 'speak');
    expect(speak).toBeDefined();
    expect(speak!.seq).toBeGreaterThan(0); // the step that said "speak" was committed before the speak left
  });
});

describe('a unit whose commit fails', () => {
  it('gets the safe answer (apology, hangup), keeps nothing of its step, and Telnyx\'s retry steps again', async () => {
    await post('/webhooks/texml', { CallSid: 'c-fail', From: CALLER, To: LINE, CallStatus: 'in-progress' }).expect(200);
    // A real failing COMMIT: this call's log row adds a deferred foreign-key violation to the batch it joins.
    const ddl = new Database(db.file);
    ddl.exec(`CREATE TABLE absent (id INTEGER PRIMARY KEY);
      CREATE TABLE broken (id INTEGER PRIMARY KEY, p INTEGER REFERENCES absent(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER fail_commit AFTER INSERT ON webhooks WHEN NEW.call_id = 'c-fail' BEGIN INSERT INTO broken (p) VALUES (42); END`);
    const before = seqOnDisk('c-fail');
    const res = await post('/webhooks/texml/gather-menu-1', { CallSid: 'c-fail', From: CALLER, To: LINE, Digits: '9' }).expect(200);
    expect(res.text).toBe(renderApology());
    expect(seqOnDisk('c-fail')).toBe(before); // the step went with the failed commit
    expect(stored('texml:c-fail:gather-menu-1')).toBeUndefined();
    ddl.exec('DROP TRIGGER fail_commit');
    ddl.close();
    const retry = await post('/webhooks/texml/gather-menu-1', { CallSid: 'c-fail', From: CALLER, To: LINE, Digits: '9' }).expect(200);
    expect(retry.text).toContain('<Gather'); // the step runs again
    expect(seqOnDisk('c-fail')).toBeGreaterThan(before!);
  });
});
