/**
 * The sandbox account's lasting state: the numbers it owns, with their
 * connection, messaging and voice settings, in a small JSON file beside the
 * key file (`data/sandbox-state.json`), so a restarted server still finds the
 * numbers it bought. Written atomically (temp file, fsync, rename) after
 * every change; a file that cannot be read is set aside, never overwritten.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from './context.js';
import type { OwnedNumber } from './numbers.js';

const VERSION = 1;
interface StateFile { version: number; phone_numbers: OwnedNumber[] }

/** Default location, beside the database (`CALLFLOW_DB`'s folder) and the key file. */
export function defaultStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return `${dirname(env.CALLFLOW_DB ?? './data/callflow.db')}/sandbox-state.json`;
}

const isOwned = (n: unknown): n is OwnedNumber => {
  const o = n as Partial<OwnedNumber> | null;
  return !!o && typeof o === 'object' && typeof o.id === 'string' && typeof o.phone_number === 'string';
};

/** The numbers in `file` (none when it does not exist yet). */
export function loadNumbers(file: string, log?: Logger): OwnedNumber[] {
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<StateFile>;
    if (!Array.isArray(doc.phone_numbers)) throw new Error('no phone_numbers array');
    return doc.phone_numbers.filter(isOwned).map((n) => ({
      ...n, record_type: 'phone_number', tags: Array.isArray(n.tags) ? n.tags : [],
      voice: n.voice && typeof n.voice === 'object' ? n.voice : {},
    }));
  } catch (err) {
    // Keep the unreadable file for a human; start with no numbers rather than refuse to start.
    const aside = `${file}.unreadable-${Date.now()}`;
    try { renameSync(file, aside); } catch { /* left in place */ }
    log?.warn({ err, file, aside }, 'sandbox: could not read the state file; starting with no numbers');
    return [];
  }
}

/** Replaces `file` with these numbers: temp file, fsync, rename (never a half-written file). */
export function saveNumbers(file: string, numbers: OwnedNumber[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const doc: StateFile = { version: VERSION, phone_numbers: numbers };
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(doc, null, 2)}\n`);
    fsyncSync(fd);
  } finally { closeSync(fd); }
  renameSync(tmp, file);
}
