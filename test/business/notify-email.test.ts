import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, until, voicemailFlow } from './harness.js';
import { leaves, parseMime, startSmtp, type TestSmtp } from './smtp.js';
import { transcribed, voicemailRecorded } from '../../server/calls/voicemail.js';

/*
 *   hello(say) → vm(voicemail: mailbox "sales", transcribe) ─next→ bye(hangup)
 *                                                           └noRecording→ bye
 * The mailbox emails owner@example.com through a real SMTP server (smtp-server on loopback).
 */
const CALLER = '+13125550147';
const MESSAGE = 'Hi this is Bob please call me back about the order';
// Retries come fast in these tests: 100 ms, 200 ms, then 400 ms at most.
const FAST = { backoff: { baseMs: 100, maxMs: 400 }, pollMs: 100 };

/** `until` for a value that must come: the value, never undefined (the wait throws first). */
const got = async <T,>(fn: () => Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> => (await until(fn, what, ms)) as NonNullable<T>;
const placeCall = async (s: Stack, body: Record<string, unknown>) => (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;

async function voicemailLine(s: Stack, smtp: TestSmtp): Promise<string> {
  await s.api('POST', '/api/flows', voicemailFlow('vm-line'));
  await s.api('POST', '/api/flows/vm-line/publish');
  const line = await buyNumber(s, '617', { flowId: 'vm-line' });
  await s.api('PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'Callflow <voicemail@example.com>', timezone: 'America/Chicago' });
  await s.api('PUT', '/api/voicemails/mailboxes/sales', { name: 'Sales', email: ['owner@example.com'] });
  return line;
}

const outbox = async (s: Stack, key = s.apiKey) => (await call(s, 'GET', '/api/notifications/outbox', undefined, key)).body.outbox as any[];

describe('voicemail by email, against a real SMTP server', () => {
  let s: Stack, smtp: TestSmtp, line: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    s = await businessStack({ notify: FAST });
    line = await voicemailLine(s, smtp);
  });
  afterAll(async () => { await s.close(); await smtp.stop(); });

  it('the email carries caller, mailbox, local time, duration, transcription and the recording attached', async () => {
    const t = await placeCall(s, { to: line, from: CALLER, speech: [MESSAGE] });
    const mail = await got(async () => smtp.received[0], 'voicemail email');
    expect(mail.to).toEqual(['owner@example.com']);
    const m = parseMime(mail.raw);
    expect(m.headers.subject).toBe(`Voicemail from ${CALLER} (Sales)`);
    expect(m.headers.from).toBe('Callflow <voicemail@example.com>');
    const [text, audio] = leaves(m);
    const body = text!.body.toString('utf8');
    expect(body).toContain(`Caller:        ${CALLER}`);
    expect(body).toContain(`Number called: ${line}`);
    expect(body).toMatch(/Time: +\w{3} \d+, \d{4}, \d+:\d{2} [AP]M C[SD]T/); // the company's zone, America/Chicago
    expect(body).toMatch(/Duration: +\d+:\d{2}/);
    expect(body).toContain(MESSAGE);
    expect(body).toContain('Recording:     attached');
    const vm = (await call(s, 'GET', '/api/voicemails')).body.voicemails.find((v: any) => v.callId === t.callId);
    const stored = (await call(s, 'GET', vm.audioUrl)).body as Buffer;
    expect(audio!.headers['content-type']).toMatch(/^audio\/mpeg/);
    expect(audio!.headers['content-disposition']).toMatch(/attachment; filename=.*\.mp3/);
    expect(Buffer.compare(audio!.body, stored)).toBe(0);
    const rows = (await outbox(s)).filter((r) => r.ref === vm.id);
    expect(rows).toMatchObject([{ channel: 'email', kind: 'voicemail', state: 'sent', attempts: 1, target: 'owner@example.com' }]);
  });

  it('the SMTP server answers 451 (try later): the outbox retries with backoff and delivers exactly once', async () => {
    smtp.refuse = { code: 451, text: 'Mailbox busy, try again later' };
    const before = smtp.received.length, tries = smtp.attempts;
    const t = await placeCall(s, { to: line, from: CALLER, speech: ['Second message'] });
    await got(async () => smtp.attempts - tries >= 2, 'two refused attempts');
    const row = (await outbox(s)).find((r) => r.payload.callId === t.callId)!;
    expect(row.state).toBe('pending');
    expect(row.lastError).toMatch(/451.*try again later/i);
    smtp.refuse = undefined;
    const sent = await got(async () => (await outbox(s)).find((r) => r.id === row.id && r.state === 'sent'), 'delivered after the refusals');
    expect(sent.lastError).toBeNull();
    await new Promise((r) => setTimeout(r, 600)); // past the longest backoff: a second delivery would be here by now
    expect(smtp.received.length - before).toBe(1);
    expect(parseMime(smtp.received.at(-1)!.raw).headers.subject).toBe(`Voicemail from ${CALLER} (Sales)`);
  });

  it('a 5xx answer fails the row permanently at once; "Retry now" sends it again', async () => {
    smtp.refuse = { code: 550, text: 'No such user here' };
    const tries = smtp.attempts;
    const t = await placeCall(s, { to: line, from: CALLER, speech: ['Third message'] });
    const row = await got(async () => (await outbox(s)).find((r) => r.payload.callId === t.callId && r.state === 'failed'), 'failed row');
    expect(row).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/SMTP refused: .*550.*No such user/) });
    await new Promise((r) => setTimeout(r, 500)); // no retry of a permanent failure
    expect(smtp.attempts - tries).toBe(1);
    expect((await call(s, 'GET', '/api/notifications/outbox?state=failed')).body.outbox.map((r: any) => r.id)).toEqual([row.id]);
    smtp.refuse = undefined;
    const retried = await call(s, 'POST', `/api/notifications/outbox/${row.id}/retry`);
    expect(retried.body.outbox).toMatchObject({ state: 'pending', attempts: 0 });
    await got(async () => (await outbox(s)).find((r) => r.id === row.id && r.state === 'sent'), 'sent after Retry now');
    expect((await call(s, 'POST', `/api/notifications/outbox/${row.id}/retry`)).status).toBe(404); // a sent row is not sent again
    expect((await call(s, 'POST', '/api/notifications/outbox/nope/retry')).status).toBe(404);
  });
});

describe('a transcription that comes after the recording', () => {
  let s: Stack, smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    s = await businessStack({ notify: { ...FAST, transcriptionWaitMs: 1500 } });
    await s.api('PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'vm@example.com' });
    await s.api('PUT', '/api/voicemails/mailboxes/sales', { name: 'Sales', email: ['owner@example.com'] });
  });
  afterAll(async () => { await s.close(); await smtp.stop(); });
  const company = async () => (await call(s, 'GET', '/api/me')).body.company.id as string;
  const bodyOf = (raw: string) => leaves(parseMime(raw))[0]!.body.toString('utf8');

  it('the email waits for it and goes as soon as it arrives, with it', async () => {
    const ctx = s.app.locals.ctx, c = await company();
    const vm = await voicemailRecorded(ctx, c, 'call-late-1', 'https://example.com/r1.mp3', { mailbox: 'sales', transcribe: true, seconds: 12, from: CALLER, to: '+13125550100' });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(0); // waiting for the transcription
    await transcribed(ctx, c, 'call-late-1', 'https://example.com/r1.mp3', 'Please call me about the invoice');
    const mail = await got(async () => smtp.received[0], 'email after the transcription', 1000); // well before the 1.5 s wait ends
    expect(bodyOf(mail.raw)).toContain('Please call me about the invoice');
    expect(bodyOf(mail.raw)).toContain('Duration:      0:12');
    expect(((await call(s, 'GET', '/api/notifications/outbox')).body.outbox as any[]).filter((r) => r.ref === vm.id)).toHaveLength(1);
  });

  it('none by the end of the wait: the email goes without it ("transcription pending"), and the recording says it is unavailable', async () => {
    const ctx = s.app.locals.ctx, c = await company();
    const vm = await voicemailRecorded(ctx, c, 'call-late-2', 'https://example.com/r2.mp3', { mailbox: 'sales', transcribe: true, seconds: 5, from: CALLER, to: '+13125550100' });
    await ctx.store.upsertVoicemail(c, 'call-late-2', vm.recordingKey, { audioError: 'recording unavailable: download failed (HTTP 404)' });
    const mail = await got(async () => smtp.received[1], 'email at the end of the wait', 4000);
    expect(bodyOf(mail.raw)).toContain('transcription pending');
    expect(bodyOf(mail.raw)).toContain('Recording:     unavailable (recording unavailable: download failed (HTTP 404))');
    expect(leaves(parseMime(mail.raw))).toHaveLength(1); // nothing attached
  });
});

describe('SMTP settings API and the test email', () => {
  let s: Stack, smtp: TestSmtp;
  beforeAll(async () => { smtp = await startSmtp(); s = await businessStack({ notify: FAST }); });
  afterAll(async () => { await s.close(); await smtp.stop(); });

  it('stores the password but never returns it; an absent password keeps it, null clears it', async () => {
    expect((await call(s, 'GET', '/api/notifications/smtp')).body).toEqual({ smtp: null });
    expect((await call(s, 'POST', '/api/notifications/smtp/test', { to: 'me@example.com' })).status).toBe(409);
    const put = await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'mailer', password: 's3cret', from: 'Callflow <vm@example.com>' });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain('s3cret');
    expect(put.body.smtp).toMatchObject({ host: '127.0.0.1', user: 'mailer', passwordSet: true, timezone: 'UTC' });
    const got = await call(s, 'GET', '/api/notifications/smtp');
    expect(got.text).not.toContain('s3cret');
    await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'mailer', from: 'vm@example.com' });
    const company = (await call(s, 'GET', '/api/me')).body.company.id;
    expect((await s.app.locals.ctx.store.smtpSettings(company))!.password).toBe('s3cret');
    await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', user: null, password: null, from: 'vm@example.com' });
    expect((await call(s, 'GET', '/api/notifications/smtp')).body.smtp).toMatchObject({ user: null, passwordSet: false });
  });

  it('answers 400 with the field path for bad settings and recipients', async () => {
    expect((await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: 70000, security: 'none', from: 'vm@example.com' })).body.error.path).toEqual(['port']);
    expect((await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: 25, security: 'ssl', from: 'vm@example.com' })).body.error.path).toEqual(['security']);
    expect((await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: 25, security: 'none', from: 'nobody' })).body.error.path).toEqual(['from']);
    expect((await call(s, 'PUT', '/api/notifications/smtp', { host: '127.0.0.1', port: 25, security: 'none', from: 'a@b.co', timezone: 'Mars/Olympus' })).body.error.path).toEqual(['timezone']);
    expect((await call(s, 'PUT', '/api/voicemails/mailboxes/sales', { email: ['ok@example.com', 'nope'] })).body.error.path).toEqual(['email', 1]);
    expect((await call(s, 'PUT', '/api/voicemails/mailboxes/sales', { email: ['ok@example.com'] })).body.mailbox.email).toEqual(['ok@example.com']);
  });

  it('"send a test email" delivers it now and lists it in the outbox; a refusal is a 502 with the SMTP answer', async () => {
    const res = await call(s, 'POST', '/api/notifications/smtp/test', { to: 'me@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.outbox).toMatchObject({ kind: 'test', state: 'sent', attempts: 1, target: 'me@example.com' });
    expect(smtp.received.at(-1)!.to).toEqual(['me@example.com']);
    expect(parseMime(smtp.received.at(-1)!.raw).headers.subject).toBe('Callflow test email');
    smtp.refuse = { code: 451, text: 'Greylisted, come back later' };
    const bad = await call(s, 'POST', '/api/notifications/smtp/test', { to: 'me@example.com' });
    smtp.refuse = undefined;
    expect(bad.status).toBe(502);
    expect(bad.body.error).toMatchObject({ code: 'smtp', message: expect.stringMatching(/Greylisted/), outbox: { state: 'failed' } });
    expect((await call(s, 'POST', '/api/notifications/smtp/test', { to: 'nope' })).body.error.path).toEqual(['to']);
  });
});

describe('the outbox survives a restart', () => {
  it('SMTP down (connection refused) while the server stops: the next start delivers it, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-outbox-'));
    const dbFile = join(dir, 'callflow.db');
    const smtp = await startSmtp();
    let a: Stack | undefined, b: Stack | undefined;
    try {
      a = await businessStack({ dbFile, notify: { backoff: { baseMs: 300, maxMs: 300 }, random: () => 0.99 } }); // retry due ~300 ms after a failure
      const line = await voicemailLine(a, smtp);
      await smtp.stop(); // connection refused from here on
      const t = await placeCall(a, { to: line, from: CALLER, speech: ['Before the restart'] });
      const row = await got(async () => (await outbox(a!)).find((r) => r.payload.callId === t.callId && r.lastError), 'a refused attempt');
      expect(row).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) });
      const key = a.apiKey;
      await a.close();
      a = undefined;
      await smtp.start(); // same port
      await new Promise((r) => setTimeout(r, 400)); // the retry falls due while no server runs
      // A new process on the same database: its worker starts, finds the row pending and due, and sends it.
      b = await businessStack({ dbFile, notify: FAST });
      await got(async () => (await outbox(b!, key)).find((r) => r.id === row.id && r.state === 'sent'), 'sent after the restart');
      await new Promise((r) => setTimeout(r, 500));
      expect(smtp.received).toHaveLength(1);
      expect(parseMime(smtp.received[0]!.raw).headers.subject).toBe(`Voicemail from ${CALLER} (Sales)`);
    } finally {
      await a?.close(); await b?.close(); await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
