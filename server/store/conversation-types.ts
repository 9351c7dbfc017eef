/**
 * Text conversations running an SMS flow (issue #13 item 7b; server/messaging/conversations.ts): rows and
 * repository methods. `Store` extends {@link ConversationStore}.
 */
import type { Snapshot } from '../../engine/types.js';

/** One run of a number's SMS flow with one texter; like a call session (snapshot + seq, one conditional write). */
export interface ConversationRow {
  id: string; companyId: string; number: string; customer: string; flowId: string; version: number;
  snapshot: Snapshot | null; seq: number; status: 'active' | 'done';
  /** When the waitForReply it waits in times out (ISO); null when it waits on no clock. */
  dueAt: string | null;
  /** Why it ended: end-of-flow, stopped (STOP), ...; null while active. */
  endedReason: string | null;
  createdAt: string; updatedAt: string;
}

export interface ConversationStore {
  /** Sets (or clears, with null) the SMS flow of one of the company's numbers; false when it has no such number. */
  setSmsFlow(companyId: string, e164: string, flowId: string | null): Promise<boolean>;
  /** The SMS flow of an active number, null when it has none, undefined when no active number has that E.164. */
  smsFlowOf(e164: string): Promise<string | null | undefined>;
  /** The active conversation of (our number, texter), if any. */
  activeConversation(number: string, customer: string): Promise<ConversationRow | undefined>;
  /**
   * A new active conversation at seq 0 with no snapshot, unless the pair has one already (the unique index on
   * active rows): then undefined, and the caller steps the one that is there.
   */
  startConversation(row: Pick<ConversationRow, 'id' | 'companyId' | 'number' | 'customer' | 'flowId' | 'version'>): Promise<ConversationRow | undefined>;
  /**
   * Writes a step only if the row is still active at `expectedSeq` (one conditional write): the snapshot, seq + 1,
   * the due time, and done (with `endedReason`) once the run is over. False when stale: another step won.
   */
  saveConversation(id: string, expectedSeq: number, snapshot: Snapshot, o: { dueAt: string | null; done: boolean; endedReason?: string }): Promise<boolean>;
  /** Ends every active conversation of the company with `customer` (STOP); how many. */
  endConversations(companyId: string, customer: string, reason: string): Promise<number>;
  /** Active conversations whose timeout is due at `now` (ISO), oldest due first, at most `limit`. */
  dueConversations(now: string, limit: number): Promise<ConversationRow[]>;
  /** The company's conversations with `customer`, newest first (all numbers). */
  conversationsWith(companyId: string, customer: string): Promise<ConversationRow[]>;
}
