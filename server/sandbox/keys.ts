/**
 * The sandbox's own Ed25519 key pair, and the key file the CLI shares with
 * the running server (`data/sandbox-key`: 32 random bytes, mode 0600).
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signer: Telnyx's headers for a raw body, and the public key to verify them. */
export interface Signer {
  publicKeyBase64: string;
  headers(rawBody: string, timestamp?: number): Record<string, string>;
}

/** Builds a signer from a 32-byte seed (the same seed always gives the same key). */
export function signerFromSeed(seed: Buffer, now: () => Date = () => new Date()): Signer {
  if (seed.length !== 32) throw new Error(`sandbox key seed must be 32 bytes, got ${seed.length}`);
  const priv: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(priv).export({ format: 'jwk' }) as { x: string };
  return {
    publicKeyBase64: Buffer.from(jwk.x, 'base64url').toString('base64'),
    headers(rawBody, timestamp) {
      const ts = String(timestamp ?? Math.floor(now().getTime() / 1000));
      const sig = sign(null, Buffer.from(`${ts}|${rawBody}`), priv).toString('base64');
      return { 'telnyx-signature-ed25519': sig, 'telnyx-timestamp': ts };
    },
  };
}

/** Default location of the seed, beside the database (`CALLFLOW_DB`'s folder). */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return `${dirname(env.CALLFLOW_DB ?? './data/callflow.db')}/sandbox-key`;
}

/** Reads the seed from `file`, creating it (32 random bytes, 0600) on first use. */
export function loadOrCreateKeySeed(file: string = defaultKeyFile()): Buffer {
  if (existsSync(file)) return readKeySeed(file);
  mkdirSync(dirname(file), { recursive: true });
  const seed = randomBytes(32);
  writeFileSync(file, seed, { mode: 0o600 });
  return seed;
}

/** Reads an existing seed file: raw 32 bytes, or base64 text of them. */
export function readKeySeed(file: string): Buffer {
  const raw = readFileSync(file);
  if (raw.length === 32) return raw;
  const b = Buffer.from(raw.toString('utf8').trim(), 'base64');
  if (b.length !== 32) throw new Error(`${file}: expected 32 bytes (raw or base64)`);
  return b;
}
