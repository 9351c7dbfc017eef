/**
 * SSRF through the server's own requests (issue #11 item 2), against the real
 * app and sandbox on loopback with real signatures: a recording URL a webhook
 * names is fetched only from Telnyx's recording storage (or the sandbox's own),
 * and a mailbox webhook never reaches loopback/private/metadata addresses
 * unless CALLFLOW_ALLOW_PRIVATE_WEBHOOKS allows them on purpose.
 *
 *   hello(say) → vm(voicemail: mailbox "sales") ─next→ bye(hangup)
 *                                              └noRecording→ bye
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call, sendEvent, until } from '../business/harness.js';

const flow = {
  format: 'callflow/1', id: 'vm-line', name: 'Voicemail line', timezone: 'America/Chicago', start: 'hello',
  nodes: [
    { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Nobody is here.' } },
    { id: 'vm', type: 'voicemail', position: { x: 0, y: 100 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 60, mailbox: 'sales' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'hello', sourceHandle: 'next', target: 'vm' },
    { id: 'e2', source: 'vm', sourceHandle: 'next', target: 'bye' },
    { id: 'e3', source: 'vm', sourceHandle: 'noRecording', target: 'bye' },
  ],
};
const CALLER = '+13125550147';

// A loopback service that must never be reached: it counts every request.
let canary: Server;
let canaryPort = 0;
const canaryHits: string[] = [];
let s: Stack;
let line = '';

beforeAll(async () => {
  canary = createServer((req, res) => { canaryHits.push(`${req.method} ${req.url}`); res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('SECRET-INTERNAL-DATA'); });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryPort = (canary.address() as AddressInfo).port;
  s = await businessStack(); // default outbound settings: nothing private allowed
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/vm-line/publish');
  line = await buyNumber(s, '617', { flowId: 'vm-line' });
});
afterAll(async () => { await s.close(); canary.closeAllConnections(); await new Promise((r) => canary.close(r)); });

/** A signed TeXML form webhook, as Telnyx posts it. */
async function texml(path: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams(fields).toString();
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...s.sign(body) }, body });
  return { status: res.status, text: await res.text() };
}

describe('recording URLs: only Telnyx recording storage (and the sandbox) is fetched', () => {
  it('a voicemail whose RecordingUrl points at loopback: nothing fetched, valid TeXML, the voicemail and the call log say "recording unavailable"', async () => {
    const CallSid = 'v3:forged-recording-1';
    const base = { AccountSid: 'acc', CallSid, From: CALLER, To: line, CallStatus: 'in-progress', Direction: 'inbound' };
    const evil = `http://127.0.0.1:${canaryPort}/internal/admin.mp3`;
    // The app's log, kept: the refusal must be in it.
    const lines: any[] = [];
    s.app.locals.ctx.log = pino({ level: 'info' }, new Writable({ write(c, _e, done) { lines.push(JSON.parse(String(c))); done(); } }));
    const first = await texml('/webhooks/texml', base);
    expect(first.status).toBe(200);
    const action = /<Record [^>]*action="([^"]+)"/.exec(first.text)?.[1];
    expect(action).toBeTruthy();
    // The Record action (the voicemail node takes the recording), then the recording status callback.
    const recorded = await texml(new URL(action!.replaceAll('&amp;', '&')).pathname, { ...base, RecordingUrl: evil, RecordingDuration: '7' });
    expect(recorded.status).toBe(200);
    expect(recorded.text).toMatch(/^<\?xml[^>]*\?><Response>.*<\/Response>$/s);
    const status = await texml('/webhooks/texml/status', { ...base, RecordingStatus: 'completed', RecordingUrl: evil, RecordingDuration: '7', RecordingSid: 'rec-1' });
    expect(status).toEqual({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    expect(canaryHits).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'recording URL refused', callId: CallSid, url: evil }));
    const logged = (await call(s, 'GET', `/api/calls/${encodeURIComponent(CallSid)}`)).body.call;
    expect(logged.recordingUrl).toBeNull();
    expect(logged.recordingError).toMatch(/^recording unavailable: refused \(http: URL \(recordings are fetched over https only\)\)$/);
    const vm = await until(async () => (await call(s, 'GET', '/api/voicemails?mailbox=sales')).body.voicemails.find((v: any) => v.callId === CallSid), 'voicemail');
    expect(vm).toMatchObject({ audioUrl: null, audioId: null, audioError: expect.stringMatching(/^recording unavailable: refused/) });
    expect(JSON.stringify(vm)).not.toContain('SECRET');
  });

  it('the same for names and metadata addresses, and for Call Control recording_urls', async () => {
    const t = await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: CALLER, mode: 'call-control' }) })).json() as any;
    expect(t.mode).toBe('call-control');
    for (const url of [`https://localhost:${canaryPort}/x.mp3`, 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', `http://[::ffff:127.0.0.1]:${canaryPort}/x.mp3`]) {
      const res = await sendEvent(s, '/webhooks/call-control', 'call.recording.saved', {
        call_control_id: t.callId, call_session_id: 'forged', recording_started_at: '2026-11-23T16:00:00Z', recording_ended_at: '2026-11-23T16:00:05Z',
        recording_urls: { mp3: url },
      });
      expect(res.status).toBe(200);
      const c = (await call(s, 'GET', `/api/calls/${encodeURIComponent(t.callId)}`)).body.call;
      expect(c.recordingError).toMatch(/^recording unavailable: refused/);
      expect(c.recordingUrl).toBeNull();
    }
    expect(canaryHits).toEqual([]);
  });

  it('the sandbox own recordings are still kept (its origin is allowed in sandbox mode)', async () => {
    const t = await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: CALLER, speech: ['Please call me back'] }) })).json() as any;
    const c = await until(async () => { const x = (await call(s, 'GET', `/api/calls/${encodeURIComponent(t.callId)}`)).body.call; return x.recordingUrl?.startsWith('/api/') && x; }, 'recording kept');
    expect(c.recordingError).toBeNull();
    expect((await call(s, 'GET', c.recordingUrl)).status).toBe(200);
  });
});

describe('mailbox webhooks: public addresses only, unless allowed on purpose', () => {
  it('the API refuses a literal private, loopback or metadata address, with the field path', async () => {
    for (const webhookUrl of [`http://127.0.0.1:${canaryPort}/hook`, 'http://[::1]/hook', 'http://169.254.169.254/latest', 'http://10.0.0.5/hook', 'http://localhost:8080/hook', 'http://0x7f.1/hook']) {
      const res = await call(s, 'PUT', '/api/voicemails/mailboxes/sales', { webhookUrl });
      expect(res.status, webhookUrl).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', path: ['webhookUrl'], message: expect.stringMatching(/webhooks go to public addresses only/) });
    }
    expect((await call(s, 'PUT', '/api/voicemails/mailboxes/sales', { webhookUrl: 'ftp://hooks.example.com/x' })).body.error.path).toEqual(['webhookUrl']);
    expect((await call(s, 'PUT', '/api/voicemails/mailboxes/sales', { webhookUrl: 'https://hooks.example.com/callflow' })).status).toBe(200);
  });

  it('at send time, a name that resolves to loopback is refused: the voicemail is announced, nothing reaches the address', async () => {
    // As if a public name was saved and later pointed at 127.0.0.1 (the API cannot know): set behind the API's back.
    const company = (await call(s, 'GET', '/api/me')).body.company.id;
    await s.app.locals.ctx.store.putMailbox({ companyId: company, id: 'sales', name: 'Sales', notifySms: null, webhookUrl: `http://localhost:${canaryPort}/hook` });
    const t = await (await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: CALLER, speech: ['Hello there'] }) })).json() as any;
    await until(async () => (await call(s, 'GET', '/api/voicemails?mailbox=sales')).body.voicemails.find((v: any) => v.callId === t.callId && v.notifiedAt), 'voicemail announced');
    await new Promise((r) => setTimeout(r, 300)); // three attempts would have been made by now
    expect(canaryHits).toEqual([]);
  });
});

describe('settings', () => {
  it('a CALLFLOW_ALLOW_PRIVATE_WEBHOOKS that does not parse stops npm start with one line, before any company (and its key) is made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-settings-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', CALLFLOW_DB: join(dir, 'callflow.db'), CALLFLOW_ALLOW_PRIVATE_WEBHOOKS: '10.0.0/8' };
    delete env.TELNYX_API_KEY;
    try {
      const r = await new Promise<{ code: number; stderr: string }>((done) => execFile(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: join(import.meta.dirname, '..', '..'), env, timeout: 30_000 },
        (err, _out, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr })));
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe('callflow: CALLFLOW_ALLOW_PRIVATE_WEBHOOKS: "10.0.0/8" is not an address range (write it as a CIDR, e.g. 10.0.0.0/8 or 127.0.0.1/32)');
      expect(existsSync(join(dir, 'callflow.db'))).toBe(false);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 40_000);
});
