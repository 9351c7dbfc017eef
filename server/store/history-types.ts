/**
 * Rows and repository methods of the call history and timeline (console `#/calls`, #14 item 3).
 * `Store` extends {@link CallHistoryStore}.
 */
import type { CallFilter, RecordingRow, UsageRow } from './business-types.js';
import type { CallLogRow } from './types.js';

/**
 * How a call ended, as the history filters it (the rule, shared with the missed-call alerts, is call-outcome.ts):
 * - `live`: not ended yet;
 * - `answered`: a person took it: inbound, a transfer or round robin connected the caller (the path left a node
 *   by its `connected` port); outbound, the far end answered (answeredAt, a machine included);
 * - `voicemail`: not answered, and the caller left a voicemail (one kept in a mailbox, deleted since or not);
 * - `missed`: inbound, ended, neither of those: the caller hung up in the menu, nobody answered the transfer,
 *   the flow only played a message, or the recording was empty or not kept (the number's voicemail off);
 * - `no-answer`: outbound, ended, never answered.
 */
export type CallOutcome = 'live' | 'answered' | 'voicemail' | 'missed' | 'no-answer' | 'rejected';

/** Where a page of the history starts: just older than this call (the history is newest first). */
export interface CallCursor { startedAt: string; callId: string }

export interface CallPageFilter extends Omit<CallFilter, 'limit'> { outcome?: CallOutcome; before?: CallCursor; limit: number }

/** A call of the history: the call log row (without its path) and its outcome. */
export type CallListRow = Omit<CallLogRow, 'path'> & { outcome: CallOutcome };

/** One stored step of a call's path (migration 016): how many path lines it wrote, its dedupe key ('' for none), when. */
export interface PathStep { count: number; key: string; at: string }

/** One call with what its timeline adds: the path with its step boundaries. */
export type CallDetailRow = CallLogRow & { outcome: CallOutcome; pathSteps: PathStep[] };

/** Repository methods of the call history (async, so another database can implement them). */
export interface CallHistoryStore {
  /** A page of the company's calls, newest first, and the cursor of the next page (null on the last). */
  listCallsPage(companyId: string, f: CallPageFilter): Promise<{ calls: CallListRow[]; next: CallCursor | null }>;
  /** One call of the company with its outcome and path steps; undefined for another company's or none. */
  callDetail(companyId: string, callId: string): Promise<CallDetailRow | undefined>;
  /** The kept recordings of a call (without their audio), oldest first. */
  recordingsOfCall(companyId: string, callId: string): Promise<Omit<RecordingRow, 'audio'>[]>;
  /** The usage ledger lines a call caused (its minutes and machine detection by call id; recordings and transcriptions by detail), in `months`. */
  usageOfCall(companyId: string, callId: string, months: string[]): Promise<UsageRow[]>;
}
