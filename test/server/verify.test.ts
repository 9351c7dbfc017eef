/**
 * Our webhook verifier (node:crypto KeyObjects made once) against the
 * official SDK's TelnyxWebhook, the reference: both must agree on the shared
 * signing vectors, on tampering, on the ±300 s window and on malformed headers.
 */
import { describe, expect, it, vi, afterEach } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { signatureChecker } from '../../server/webhooks/verify.js';

interface Vector { name: string; headers: Record<string, string>; raw_body: string; expect: 'valid' | string }
const V = JSON.parse(readFileSync(new URL('../telnyx-reference/ed25519_vectors.json', import.meta.url), 'utf8')) as { public_key_base64: string; now_for_test: number; vectors: Vector[] };

async function sdk(key: string, raw: string, headers: Record<string, string>): Promise<string | undefined> {
  try { await new TelnyxWebhook(key).verify(raw, headers); return undefined; } catch (err) { return (err as Error).message; }
}

afterEach(() => vi.useRealTimers());

describe('signatureChecker agrees with the SDK', () => {
  it.each(V.vectors.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    vi.useFakeTimers({ now: V.now_for_test * 1000, toFake: ['Date'] });
    const ours = await signatureChecker([V.public_key_base64])(v.raw_body, v.headers);
    const theirs = await sdk(V.public_key_base64, v.raw_body, v.headers);
    expect(ours).toBe(theirs);
    expect(ours === undefined).toBe(v.expect === 'valid');
  });

  it('same answers on tampering, the 300 s window and malformed headers', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    const now = Math.floor(Date.now() / 1000);
    const signed = (body: string, ts: number) => ({ 'telnyx-timestamp': String(ts), 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), privateKey).toString('base64') });
    const body = '{"data":{"id":"x","event_type":"call.hangup"}}';
    const cases: [string, Record<string, string>][] = [
      [body, signed(body, now)],
      [body, signed(body, now - 299)],
      [body, signed(body, now - 301)],
      [body, signed(body, now + 301)],
      [`${body} `, signed(body, now)],
      [body, { ...signed(body, now), 'telnyx-timestamp': String(now + 1) }],
      [body, { 'telnyx-timestamp': String(now) }],
      [body, { 'telnyx-signature-ed25519': signed(body, now)['telnyx-signature-ed25519'] }],
      [body, { ...signed(body, now), 'telnyx-timestamp': '12a' }],
      [body, { ...signed(body, now), 'telnyx-signature-ed25519': 'not base64!' }],
      [body, { ...signed(body, now), 'telnyx-signature-ed25519': Buffer.alloc(63).toString('base64') }],
      [body, { 'Telnyx-Timestamp': String(now), 'Telnyx-Signature-Ed25519': signed(body, now)['telnyx-signature-ed25519'] }],
    ];
    const check = signatureChecker([pub]);
    for (const [raw, h] of cases) expect(await check(raw, h)).toBe(await sdk(pub, raw, h));
    // Several trusted keys: any one verifies.
    const other = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    expect(await signatureChecker([other, pub])(body, signed(body, now))).toBeUndefined();
    expect(await signatureChecker([other])(body, signed(body, now))).toMatch(/does not match/);
    expect(await signatureChecker([])(body, signed(body, now))).toMatch(/no trusted/);
    expect(() => signatureChecker(['AAAA'])).toThrow(/32 bytes/);
  });
});
