/**
 * The builder page (and its assets, and the SPA fallback) carries a
 * Content-Security-Policy that refuses foreign script and connections and any
 * framing (frame-ancestors 'none', plus X-Frame-Options for older browsers), and
 * nosniff. The API answers carry nosniff too. That the page still works under
 * this policy is shown by the builder e2e test (no console errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import Telnyx from 'telnyx';
import { createApp, type CallflowApp } from '../../server/app.js';
import { WAVESURFER_STYLE_HASH } from '../../server/security-headers.js';

let app: CallflowApp, dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-csp-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>b</title><script type="module" src="/assets/a.js"></script>');
  writeFileSync(join(dir, 'assets', 'a.js'), 'export {};');
  app = createApp({ db: ':memory:', log: pino({ level: 'silent' }), publicUrl: () => 'https://cf.example.test', webhookPublicKeys: [], telnyx: new Telnyx({ apiKey: 'K', baseURL: 'http://127.0.0.1:9/v2', maxRetries: 0 }), builderDir: dir });
});
afterAll(async () => { await app.locals.ctx.store.close(); rmSync(dir, { recursive: true, force: true }); });

/** The policy as directive → sources. */
const policy = (h: string | undefined) => Object.fromEntries((h ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k!, v]));

describe('builder security headers', () => {
  for (const path of ['/', '/index.html', '/assets/a.js', '/some/deep/link']) {
    it(`${path}: CSP with frame-ancestors 'none', X-Frame-Options DENY, nosniff`, async () => {
      const res = await request(app).get(path).expect(200);
      const p = policy(res.headers['content-security-policy']);
      expect(p['frame-ancestors']).toEqual(["'none'"]);
      expect(p['default-src']).toEqual(["'self'"]);
      expect(p['script-src']).toEqual(["'self'"]); // no 'unsafe-inline', no 'unsafe-eval'
      expect(p['connect-src']).toEqual(["'self'"]); // a page script cannot send the key elsewhere
      expect(p['object-src']).toEqual(["'none'"]);
      // No 'unsafe-inline' styles: only the voicemail waveform's own stylesheet, by its hash.
      expect(p['style-src']).toEqual(["'self'", WAVESURFER_STYLE_HASH]);
      expect(p['media-src']).toEqual(["'self'", 'blob:']); // the player plays the fetched audio from a blob: URL
      expect(p['base-uri']).toEqual(["'none'"]);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  }

  it('the API answers with nosniff', async () => {
    const res = await request(app).get('/api/me').expect(401);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
