/** Hold queues (engine/nodes/queue.ts, migration 019): who is in line at a queue node, and where. */

/** waiting / callback / calling hold a place in line; the others have left it. */
export type QueueState = 'waiting' | 'callback' | 'calling' | 'connected' | 'timeout' | 'abandoned' | 'missed';
export const ACTIVE_QUEUE_STATES: readonly QueueState[] = ['waiting', 'callback', 'calling'];

export interface QueueEntryRow {
  /** Its place: an earlier caller has a smaller id. */
  id: number;
  companyId: string; flowId: string; version: number; nodeId: string;
  /** The call holding the place now (the callback call once it is placed). */
  callId: string;
  /** The call that joined. */
  firstCallId: string;
  state: QueueState;
  callbackTo: string | null;
  /** The number the caller called: the callback comes from it. */
  callbackFrom: string | null;
  agent: string | null;
  joinedAt: string; leftAt: string | null;
}

export interface QueueStore {
  /** `callId` joins the line at the node (once: a call already holding a place there, a callback call too, keeps it). */
  queueJoin(e: { companyId: string; flowId: string; version: number; nodeId: string; callId: string }): Promise<void>;
  /** Places held before `callId`'s at the node (all of them when it holds none). */
  queueAhead(companyId: string, flowId: string, nodeId: string, callId: string): Promise<number>;
  /** The active place `callId` holds at the node, if any. */
  queueEntryOf(callId: string, nodeId: string): Promise<QueueEntryRow | undefined>;
  queueEntry(id: number): Promise<QueueEntryRow | undefined>;
  /**
   * A call back placed for entry `id` (claimed as `claim`) has its first webhook as `callId`: it holds the place from now
   * on (one conditional write; also when the dial's answer linked it first). False when the entry is not being called back.
   */
  queueLinkCallback(id: number, claim: string, callId: string): Promise<boolean>;
  /**
   * The call's place at the node ends as `state` (or, for `callback`, is kept for a call back): one conditional
   * write, only from waiting or calling; false when it had already left (a raced retry, another instance).
   */
  queueLeave(callId: string, nodeId: string, state: 'connected' | 'timeout' | 'callback', patch: { agent?: string; callbackTo?: string; callbackFrom?: string }): Promise<boolean>;
  /** The call hung up: its waiting places are abandoned, a callback call's is missed. How many rows changed. */
  queueAbandon(callId: string): Promise<number>;
  /** Average seconds from joining to an agent, over the node's last 20 connected callers; undefined when none yet. */
  queueAverageWait(companyId: string, flowId: string, nodeId: string): Promise<number | undefined>;
  /** Callers waiting for a call back who are first in their line, across the company's queues. */
  queueCallbacksDue(companyId: string): Promise<QueueEntryRow[]>;
  /** Takes a due callback to place it (one conditional write: callback → calling, the new call's id); false when another did. */
  queueClaimCallback(id: number, callId: string): Promise<boolean>;
  /** Gives a claimed callback back (the call could not be placed). */
  queueReleaseCallback(id: number, callId: string): Promise<void>;
  /** The company's entries, newest first (the API's view), optionally of one flow. */
  queueEntries(companyId: string, q?: { flowId?: string; active?: boolean; limit?: number }): Promise<QueueEntryRow[]>;
}
