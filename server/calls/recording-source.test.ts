import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ctx } from '../deps.js';
import { outboundPolicy, type OutboundOptions } from '../net/outbound-settings.js';
import { RefusedTarget } from '../net/guarded-request.js';
import { downloadRecording, parseRecordingHosts, recordingSourceOf } from './recording-source.js';

// The settings part of the server's Ctx: where recordings may come from, as createApp builds it.
const ctxOf = (publicUrl: string, sandbox: boolean, o: OutboundOptions = {}) =>
  ({ publicUrl: () => publicUrl, outbound: outboundPolicy(o, {}, sandbox) }) as unknown as Ctx;

describe('recordingSourceOf: Telnyx recording storage (https), and the sandbox own recordings', () => {
  const ctx = ctxOf('http://localhost:3000', false);
  const src = (u: string) => recordingSourceOf(ctx, new URL(u));
  it('takes the URLs Telnyx sends', () => {
    // The example of Telnyx's "Storing call recordings" page, and a regional bucket's URL.
    expect(src('https://s3.amazonaws.com/telephony-recorder-prod/047e057e-cb46-4b11-bb31-37987e753ed7/2022-02-04/9977677e-85ae-11ec-826d-02420a0d7e70-1643974566.wav?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600')).toBe('telnyx');
    expect(src('https://s3.eu-central-1.amazonaws.com/telephony-recorder-prod-fr5/63ef069c/2026-09-14/3b49f1fa.wav?X-Amz-Expires=600')).toBe('telnyx');
    expect(src('https://telephony-recorder-prod.s3.amazonaws.com/a/b.mp3')).toBe('telnyx');
  });
  it.each([
    ['http://s3.amazonaws.com/telephony-recorder-prod/a.mp3', /over https only/],
    ['https://s3.amazonaws.com/someone-elses-bucket/a.mp3', /not a recording host/],
    ['https://s3.amazonaws.com/telephony-recorder-prod/../someone-elses-bucket/a.mp3', /not a recording host/],
    ['https://s3.amazonaws.com.evil.example/telephony-recorder-prod/a.mp3', /not a recording host/],
    ['https://s3.amazonaws.com:444/telephony-recorder-prod/a.mp3', /not a recording host/],
    ['https://127.0.0.1/telephony-recorder-prod/a.mp3', /not a recording host/],
    ['http://localhost:3000/sandbox/recordings/a.mp3', /over https only/], // no sandbox mounted: its URLs are nobody's
  ])('refuses %s', (u, why) => {
    const r = src(u);
    expect(typeof r === 'object' && r.refused).toMatch(why);
  });
  it('a setting replaces the list; an entry that is not host[:port][/path] stops the start', () => {
    expect(parseRecordingHosts('media.example.com:8443/rec, *.cdn.example.net')).toEqual([
      { host: 'media.example.com', port: '8443', path: '/rec' }, { host: '*.cdn.example.net', port: '', path: '/' },
    ]);
    expect(() => parseRecordingHosts('https://exa mple.com')).toThrow(/CALLFLOW_RECORDING_HOSTS: "https:\/\/exa mple.com" is not host/);
  });
});

// A real server playing the sandbox's origin: a recording, redirects within it and out of it, a big and a slow one.
let server: Server, canary: Server;
let origin = '', canaryUrl = '';
const hits: string[] = [], canaryHits: string[] = [];
beforeAll(async () => {
  canary = createServer((req, res) => { canaryHits.push(req.url ?? ''); res.end('SECRET'); });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const to = (l: string) => void res.writeHead(302, { location: l }).end();
    switch (req.url) {
      case '/sandbox/recordings/ok.mp3': res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.alloc(500, 1)); return;
      case '/sandbox/recordings/hop.mp3': return to('/sandbox/recordings/ok.mp3');
      case '/sandbox/recordings/out.mp3': return to(`${canaryUrl}/secret`);
      case '/sandbox/recordings/out-named.mp3': return to(`https://localhost:${(canary.address() as AddressInfo).port}/secret`);
      case '/sandbox/recordings/loop.mp3': return to('/sandbox/recordings/loop.mp3');
      case '/sandbox/recordings/big.mp3': res.write(Buffer.alloc(800)); res.end(Buffer.alloc(800)); return;
      case '/sandbox/recordings/slow.mp3': return;
      default: res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of [server, canary]) { s.closeAllConnections(); await new Promise((r) => s.close(r)); }
});

const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error('downloaded'); }, (e: Error) => e);

describe('downloadRecording: redirects by hand, only to allowed places; bounded', () => {
  const ctx = () => ctxOf(origin, true, { recordingMaxBytes: 1000, recordingTimeoutMs: 300 });
  it('keeps a recording of the sandbox, through a redirect that stays inside it', async () => {
    const got = await downloadRecording(ctx(), `${origin}/sandbox/recordings/hop.mp3`);
    expect(got).toMatchObject({ type: 'audio/mpeg' });
    expect(got.audio.length).toBe(500);
  });
  it('refuses a redirect out of the allowed places: nothing is fetched there', async () => {
    for (const path of ['out.mp3', 'out-named.mp3']) {
      const err = await refusal(downloadRecording(ctx(), `${origin}/sandbox/recordings/${path}`));
      expect(err).toBeInstanceOf(RefusedTarget);
    }
    expect(canaryHits).toEqual([]);
  });
  it('refuses the loopback canary itself, a loop of redirects, a body over the bound and a slow one', async () => {
    expect((await refusal(downloadRecording(ctx(), `${canaryUrl}/x.mp3`))).message).toMatch(/over https only/);
    expect(canaryHits).toEqual([]);
    const before = hits.length;
    expect((await refusal(downloadRecording(ctx(), `${origin}/sandbox/recordings/loop.mp3`))).message).toBe('more than 3 redirects');
    expect(hits.length - before).toBe(4); // the first request and three redirects, then no more
    expect((await refusal(downloadRecording(ctx(), `${origin}/sandbox/recordings/big.mp3`))).message).toBe('answer is larger than 1000 bytes');
    expect((await refusal(downloadRecording(ctx(), `${origin}/sandbox/recordings/slow.mp3`))).message).toBe('no complete answer within 300 ms');
  });
  it('an allowed https host that resolves to loopback is still refused, before connecting', async () => {
    const port = (canary.address() as AddressInfo).port;
    const c = ctxOf(origin, false, { recordingHosts: [`localhost:${port}`] });
    const err = await refusal(downloadRecording(c, `https://localhost:${port}/x.mp3`));
    expect(err).toBeInstanceOf(RefusedTarget);
    expect(err.message).toMatch(/^localhost resolves to .* \(loopback\)$/);
    expect(canaryHits).toEqual([]);
  });
});
