/** The two headers that make a webhook body replayable for 300 s: Telnyx's signature and its timestamp. */
export const SIGNATURE_HEADERS = ['telnyx-signature-ed25519', 'telnyx-timestamp'] as const;

/**
 * Headers with the signature pair taken out (any case). They are never stored and never returned by the API:
 * with them, anyone who can read a stored webhook could send its body again, signed, within the window
 * (the fixture replay signs every event afresh and needs neither).
 */
export function withoutSignature(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!(SIGNATURE_HEADERS as readonly string[]).includes(k.toLowerCase())) out[k] = v;
  return out;
}
