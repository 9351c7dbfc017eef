import { TelnyxWebhook } from 'telnyx/lib/webhooks';

/**
 * Checks a webhook exactly as Telnyx signs it (Ed25519 over `timestamp|raw body`,
 * ±300 s), with the official SDK, against each trusted key in turn.
 * Returns undefined when one key verifies, else the last reason.
 */
export function signatureChecker(publicKeys: string[]): (raw: string, headers: Record<string, string>) => Promise<string | undefined> {
  const verifiers = publicKeys.filter(Boolean).map((k) => new TelnyxWebhook(k));
  return async (raw, headers) => {
    let reason = 'no trusted webhook public key is configured';
    for (const v of verifiers) {
      try {
        await v.verify(raw, headers);
        return undefined;
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
    }
    return reason;
  };
}
