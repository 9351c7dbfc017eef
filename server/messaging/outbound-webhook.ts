/**
 * Signed outbound webhooks (voicemail notifications). Signed the way Telnyx
 * signs its own: Ed25519 over `timestamp|raw body`, headers
 * `callflow-signature-ed25519` (base64) and `callflow-timestamp` (unix s),
 * so receivers can reuse a Telnyx verifier with our public key.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { Ctx } from '../deps.js';
import { guardedRequest, RefusedTarget } from '../net/guarded-request.js';
import { addressRefusal, isIpLiteral, type Cidr } from '../net/address-policy.js';

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

/**
 * One signed POST of `event` (JSON) to `url`: the HTTP status. Throws RefusedTarget when the address is not one
 * webhooks may reach (checked at connect time on the address connected to, net/guarded-request.ts), or the
 * network error. Redirects are not followed (a 3xx is the answer). The outbox (server/notify) retries it.
 */
export async function postSignedOnce(ctx: Ctx, url: string, event: unknown): Promise<number> {
  const body = JSON.stringify(event);
  const headers = { 'content-type': 'application/json', ...(await signBody(ctx, body)) };
  const res = await guardedRequest(new URL(url), { method: 'POST', headers, body, timeoutMs: 5000, maxBytes: 0, discardBody: true, allow: ctx.outbound.allowPrivate });
  return res.status;
}

/**
 * Early feedback where a webhook URL is configured: why `url` can never be delivered to (not http(s), a literal
 * private/loopback/link-local address, `localhost`), or undefined. Names are resolved only at send time
 * ({@link postSignedOnce}), which is the real guard: a public name may point at a private address later.
 */
export function webhookTargetProblem(url: string, allow: readonly Cidr[]): string | undefined {
  let u: URL;
  try { u = new URL(url); } catch { return 'not a URL'; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.username || u.password) return 'must not carry a user name or password';
  const host = u.hostname.toLowerCase();
  const literal = isIpLiteral(host) ? host : host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : undefined;
  const why = literal && addressRefusal(literal, allow);
  return why ? `${u.hostname} is a ${why} address: webhooks go to public addresses only (CALLFLOW_ALLOW_PRIVATE_WEBHOOKS allows a private range on purpose)` : undefined;
}
