/**
 * Money on the console: the API counts integer micro-dollars (1 USD = 1,000,000 µ$); people read and type dollars.
 * Pure, so it is tested without a browser.
 */

/** `1_000_000` → `$1.00`; sub-cent amounts keep their digits (`4_000` → `$0.004`, `3_500` → `$0.0035`). Null → `—`. */
export function formatMicros(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.round(micros));
  const whole = Math.floor(abs / 1_000_000);
  // Six decimals, trailing zeros dropped, but never fewer than two (cents).
  const frac = String(abs % 1_000_000).padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${sign}$${whole.toLocaleString('en-US')}.${frac}`;
}

/**
 * Dollars as typed (`12`, `12.5`, `$1,200.00`, `0.0035`) → micro-dollars, or null when it is not an amount.
 * A leading minus is kept, so the API (not this parser) says why a negative budget is refused.
 * More than six decimals is not an amount: µ$ are the smallest unit the ledger knows.
 */
export function parseDollars(text: string): number | null {
  const s = text.trim().replace(/^(-?)\$/, '$1').replace(/,/g, '');
  const m = /^(-?)(\d+)(?:\.(\d{0,6}))?$/.exec(s) ?? /^(-?)()\.(\d{1,6})$/.exec(s);
  if (!m) return null;
  const micros = Number(m[2] || '0') * 1_000_000 + Number((m[3] ?? '').padEnd(6, '0'));
  if (!Number.isSafeInteger(micros)) return null;
  return m[1] ? -micros : micros;
}

/** Micro-dollars as the plain amount an input starts with (`1_500_000` → `1.5`); null → empty. */
export function microsToInput(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return '';
  return formatMicros(micros).replace('$', '').replace(/,/g, '').replace(/\.?0+$/, '').replace(/\.$/, '') || '0';
}
