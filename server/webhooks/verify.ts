import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Checks a webhook exactly as Telnyx signs it: Ed25519 over
 * `telnyx-timestamp|raw body`, timestamp within ±300 s, signature and key in
 * strict padded base64. The reference is the official SDK's
 * `TelnyxWebhook.verify` (telnyx/lib/webhooks): same checks, same messages,
 * same window (test/server/verify.test.ts holds both to test/telnyx-reference/ed25519_vectors.json).
 * Unlike the SDK, each trusted key becomes a node:crypto KeyObject once, here,
 * instead of a WebCrypto import on every request; the check itself still runs
 * on the thread pool (node:crypto `verify` with a callback).
 * Returns undefined when one key verifies, else the reason.
 */
export function signatureChecker(publicKeys: string[], nowSeconds: () => number = () => Math.floor(Date.now() / 1000)): (raw: string, headers: Record<string, string>) => Promise<string | undefined> {
  const keys = publicKeys.filter(Boolean).map(keyObject);
  return async (raw, headers) => checkSignature(keys, raw, headers, nowSeconds());
}

/** node:crypto's verify with a callback: the Ed25519 check runs on libuv's thread pool, off the event loop (as WebCrypto's does). */
const verifyAsync = (msg: Buffer, key: KeyObject, sig: Buffer) =>
  new Promise<boolean>((resolve, reject) => verify(null, msg, key, sig, (err, ok) => (err ? reject(err) : resolve(ok))));

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const strictBase64 = (s: string): Buffer | undefined => (s.length && s.length % 4 === 0 && B64.test(s) ? Buffer.from(s, 'base64') : undefined);

// The 12-byte DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A base64 raw 32-byte Ed25519 public key (as Mission Control shows it) → KeyObject; throws like the SDK on a bad key. */
export function keyObject(base64: string): KeyObject {
  const raw = strictBase64(base64);
  if (!raw) throw new Error(`Invalid key format: ${base64}`);
  if (raw.length !== 32) throw new Error(`Invalid public key: expected 32 bytes, got ${raw.length} bytes`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const v = headers[name];
  if (v !== undefined) return v;
  for (const [k, val] of Object.entries(headers)) if (k.toLowerCase() === name) return val;
  return undefined;
}

/** The check itself, against ready KeyObjects; undefined when one verifies, else why not. */
export async function checkSignature(keys: KeyObject[], raw: string, headers: Record<string, string>, now: number): Promise<string | undefined> {
  if (!keys.length) return 'no trusted webhook public key is configured';
  const sig = header(headers, 'telnyx-signature-ed25519');
  const ts = header(headers, 'telnyx-timestamp');
  if (!sig) return 'Missing required header: Telnyx-Signature-Ed25519';
  if (!ts) return 'Missing required header: Telnyx-Timestamp';
  if (!/^\d+$/.test(ts) || !Number.isSafeInteger(Number(ts))) return `Invalid timestamp format: ${ts}`;
  if (Math.abs(now - Number(ts)) > 300) return `Webhook timestamp too old or too new: ${ts}`;
  const signature = strictBase64(sig);
  if (!signature || signature.length !== 64) return `Invalid signature format: ${sig}`;
  const msg = Buffer.from(`${ts}|${raw}`, 'utf8');
  for (const k of keys) {
    try {
      if (await verifyAsync(msg, k, signature)) return undefined;
    } catch {
      return 'Signature verification failed due to cryptographic error';
    }
  }
  return 'Signature verification failed: signature does not match payload';
}
