/**
 * The inbox's pure parts: the order it lists voicemails in, the neighbour J/K moves to, and which key does what.
 * Kept out of the components so they are tested without a browser.
 */

/** The fields of a voicemail (GET /api/voicemails) the inbox reads. */
export interface Voicemail {
  id: string; mailbox: string; number: string | null; caller: string | null; seconds: number | null;
  transcribe: boolean; transcription: string | null; audioUrl: string | null; audioError: string | null;
  readAt: string | null; urgent: boolean; createdAt: string;
}

/** Unread first, then newest first (ties: the id, so the order is stable). Does not change `list`. */
export function inboxOrder<T extends Pick<Voicemail, 'id' | 'readAt' | 'createdAt'>>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => Number(!!a.readAt) - Number(!!b.readAt) || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/**
 * The id `step` places away from `current` in `ids` (J: +1, K: -1), staying at the ends; the first id when
 * `current` is not in the list; undefined for an empty list.
 */
export function neighbour(ids: readonly string[], current: string | undefined, step: 1 | -1): string | undefined {
  if (!ids.length) return undefined;
  const i = current === undefined ? -1 : ids.indexOf(current);
  if (i < 0) return ids[0];
  return ids[Math.min(ids.length - 1, Math.max(0, i + step))];
}

/** What a key press asks of the inbox. */
export type InboxAction = 'toggle' | 'back' | 'forward' | 'next' | 'previous' | 'unread' | 'urgent' | 'delete' | 'undo';

/** The parts of a keydown the map reads; `inField`: focus is in a text field, select or editable element. */
export interface KeyPress { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; shiftKey?: boolean; inField?: boolean }

/** Seconds ←/→ seek by. */
export const SEEK_SECONDS = 5;

/**
 * The inbox's keyboard map: Space play/pause, ←/→ seek, J/K next/previous, U mark unread, ! urgent,
 * Delete (or Backspace) delete with undo, Ctrl/⌘+Z undo. Nothing while typing in a field, and no plain
 * shortcut with Ctrl, ⌘ or Alt held (those belong to the browser).
 */
export function inboxKey(e: KeyPress): InboxAction | undefined {
  if (e.inField) return undefined;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'z' && !e.shiftKey) return 'undo';
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  switch (e.key) {
    case ' ': return 'toggle';
    case 'ArrowLeft': return 'back';
    case 'ArrowRight': return 'forward';
    case 'j': case 'J': return 'next';
    case 'k': case 'K': return 'previous';
    case 'u': case 'U': return 'unread';
    case '!': return 'urgent';
    case 'Delete': case 'Backspace': return 'delete';
    default: return undefined;
  }
}

/** True when a key event's target takes typing (so shortcuts must leave it alone). */
export function isField(t: EventTarget | null): boolean {
  const el = t as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(el.type ?? 'text');
}

/** `75` → `1:15`. */
export function clock(seconds: number | null | undefined): string {
  const s = Math.max(0, Math.round(seconds ?? 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
