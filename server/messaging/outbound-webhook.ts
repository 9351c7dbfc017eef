/**
 * Signed outbound webhooks (voicemail notifications). Signed the way Telnyx
 * signs its own: Ed25519 over `timestamp|raw body`, headers
 * `callflow-signature-ed25519` (base64) and `callflow-timestamp` (unix s),
 * so receivers can reuse a Telnyx verifier with our public key.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { Ctx } from '../deps.js';

const KEY = 'webhook-ed25519';

async function privateKey(ctx: Ctx) {
  const pem = await ctx.store.serverKey(KEY, () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  return createPrivateKey(pem);
}

/** Base64 of the raw 32-byte public key receivers verify with. */
export async function webhookPublicKey(ctx: Ctx): Promise<string> {
  const jwk = createPublicKey(await privateKey(ctx)).export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

/** Signature headers for `body` at `now`. */
export async function signBody(ctx: Ctx, body: string): Promise<Record<string, string>> {
  const ts = String(Math.floor(ctx.now().getTime() / 1000));
  return { 'callflow-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), await privateKey(ctx)).toString('base64'), 'callflow-timestamp': ts };
}

/** POSTs a signed JSON event; tries up to 3 times, never throws. Returns the last HTTP status (null: no connection). */
export async function postSigned(ctx: Ctx, url: string, event: unknown): Promise<number | null> {
  const body = JSON.stringify(event);
  let status: number | null = null;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await signBody(ctx, body)) }, body, signal: AbortSignal.timeout(5000) });
      status = res.status;
      if (res.ok) return status;
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message, url, attempt }, 'outbound webhook failed');
    }
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
  return status;
}
