/**
 * The default rate table, in integer micro-dollars (1 USD = 1,000,000 µ$).
 * Telnyx's prices were not captured authoritatively (shared/telnyx/TELNYX.md §9):
 *  - HINT: published hints, unverified (re-check telnyx.com/pricing before quoting);
 *  - PLACEHOLDER: a plausible number so the ledger works; set real ones per company
 *    with `PUT /api/usage/rates`.
 */
export const DEFAULT_RATES = {
  /** HINT: outbound flat rate $0.01/min (support.telnyx.com article 1130666), billed per increment. */
  call_out_minute: 10_000,
  /** PLACEHOLDER: inbound local minute. */
  call_in_minute: 3_500,
  /** HINT: call recording $0.002/min (third-party note citing telnyx.com/pricing.md). */
  recording_minute: 2_000,
  /** PLACEHOLDER: speech-to-text per minute of audio. */
  transcription_minute: 25_000,
  /**
   * PLACEHOLDER (assumption, issue #13): a minute of Telnyx AI (AI gather, AI Assistant conversation) on top of the
   * call's own minutes; Telnyx prices AI per minute, plus model and TTS usage this does not split out.
   */
  ai_minute: 60_000,
  /** PLACEHOLDER: answering machine detection per call. */
  amd_call: 2_000,
  /** PLACEHOLDER: outbound SMS, per segment (the sandbox's cost.amount says $0.004). */
  sms_out_segment: 4_000,
  /** PLACEHOLDER: inbound SMS, per segment. */
  sms_in_segment: 0,
  /** PLACEHOLDER: outbound MMS, per message. */
  mms_out_message: 15_000,
  /** PLACEHOLDER: inbound MMS, per message. */
  mms_in_message: 0,
  /** PLACEHOLDER: monthly fee of a local number (the sandbox's inventory lists $1.00). */
  number_local_month: 1_000_000,
  /** PLACEHOLDER: monthly fee of a toll-free number (the sandbox lists $2.00). */
  number_toll_free_month: 2_000_000,
} as const;

/** What can be charged. */
export type RateKind = keyof typeof DEFAULT_RATES;
/** Every rate kind, in table order. */
export const RATE_KINDS = Object.keys(DEFAULT_RATES) as RateKind[];

/** Default seconds per billed call increment (the 6/6 hint above); per company in settings. */
export const DEFAULT_INCREMENT_SECONDS = 6;

/** The rates a company pays: its overrides over the defaults. */
export function effectiveRates(overrides: Record<string, number>): Record<RateKind, number> {
  const out = { ...DEFAULT_RATES } as Record<RateKind, number>;
  for (const k of RATE_KINDS) if (Number.isInteger(overrides[k])) out[k] = overrides[k]!;
  return out;
}

/** Seconds actually billed: rounded up to whole increments (0 stays 0). */
export function billedSeconds(seconds: number, increment: number): number {
  if (seconds <= 0) return 0;
  return Math.ceil(seconds / increment) * increment;
}

/** Cost of `seconds` at a per-minute rate, rounded up to a whole micro-dollar (integers only). */
export function perMinute(rateMicros: number, seconds: number): number {
  return Math.ceil((rateMicros * seconds) / 60);
}

/** Formats micro-dollars as dollars with 6 decimals, without floats. */
export function dollars(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}
