/** One call of GET /api/calls (server/store/history-types.ts `CallListRow`). */
export interface CallRow {
  callId: string; flowId: string | null; mode: string | null; direction: 'inbound' | 'outbound'; from: string | null; to: string | null;
  startedAt: string; answeredAt: string | null; endedAt: string | null; hangupCause: string | null;
  outcome: 'live' | 'answered' | 'voicemail' | 'missed' | 'no-answer' | 'rejected';
  /** The node a live call is in (GET /api/calls/live only). */
  node?: unknown;
}

const newestFirst = (a: CallRow, b: CallRow) => b.startedAt.localeCompare(a.startedAt) || b.callId.localeCompare(a.callId);

/**
 * The rows shown after a fresh first page arrives, with older pages loaded before: the first page is the truth for
 * everything as new as its last row (a call that ended and no longer matches drops out; a new call comes in);
 * older rows are kept. A first page shorter than `limit` is the whole history. Pure.
 */
export function mergeFirstPage(shown: CallRow[], first: CallRow[], limit: number): CallRow[] {
  const last = first.at(-1);
  const older = first.length < limit || !last ? [] : shown.filter((r) => newestFirst(r, last) > 0);
  return [...first, ...older].sort(newestFirst);
}

/** An older page appended (a row already shown keeps its place once). */
export function appendPage(shown: CallRow[], page: CallRow[]): CallRow[] {
  const seen = new Set(shown.map((r) => r.callId));
  return [...shown, ...page.filter((r) => !seen.has(r.callId))].sort(newestFirst);
}

/** How long a call lasted (from answer, else from start, to its end or now), as `1:05`. */
export function duration(r: Pick<CallRow, 'startedAt' | 'answeredAt' | 'endedAt'>, now: number): string {
  const s = Math.max(0, Math.round(((r.endedAt ? Date.parse(r.endedAt) : now) - Date.parse(r.answeredAt ?? r.startedAt)) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
