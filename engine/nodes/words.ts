/**
 * Words kinds share: the canvas card's lines and the phrases for ports many
 * kinds have. Each kind picks what it uses (its own `summary`, `portPhrase`);
 * nothing here switches on a kind.
 */

/** `text` cut to `n` characters with an ellipsis: one line of a canvas card. */
export function cardLine(text: string, n = 70): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** A prompt as a card shows it: “the text”, ▶ the URL, or '' when there is none yet. */
export function promptLine(p: unknown): string {
  if (!p || typeof p !== 'object') return typeof p === 'string' ? p : '';
  const o = p as Record<string, unknown>;
  return typeof o.text === 'string' ? `“${o.text}”` : typeof o.url === 'string' ? `▶ ${o.url}` : '';
}

/** Phrases for the ports several kinds share (lint: "... has no path for when nobody answers"). */
export const SHARED_PORT_PHRASES = {
  next: 'for what happens next',
  timeout: 'for when the caller presses nothing',
  invalid: 'for when the caller presses a wrong key',
  noAnswer: 'for when nobody answers',
  busy: 'for when the line is busy',
  failed: 'for when the call cannot go through',
  connected: 'for after the call is connected',
} as const;

/** The phrase for a port no table names: `for the "vip" exit`. */
export function exitPhrase(port: string): string {
  return `for the "${port}" exit`;
}

/** A `portPhrase` from a table of the kind's ports; a port it does not list gets {@link exitPhrase}. */
export function phrases(table: Readonly<Record<string, string>>): (port: string) => string {
  return (port) => (Object.prototype.hasOwnProperty.call(table, port) ? table[port]! : exitPhrase(port));
}

/** A phone key port (menu options): "for when the caller presses 1". */
export function keyPhrase(port: string): string | undefined {
  return /^[0-9*#]$/.test(port) ? `for when the caller presses ${port}` : undefined;
}
