/**
 * Rows and repository methods of the business features (numbers lifecycle,
 * messages, voicemail, team, usage). `Store` extends {@link BusinessStore}.
 */
import type { Mode } from '../../engine/types.js';

/** Per-company settings, stored as one JSON document. */
export interface CompanySettings {
  /** Monthly hard cap in micro-dollars; null/absent = no cap. */
  budgetMicros?: number | null;
  /** Seconds per billed call increment (Telnyx bills 6/6 by default on some routes; we default to 60). */
  billingIncrementSeconds?: number;
  texmlConnectionId?: string;
  callControlConnectionId?: string;
  messagingProfileId?: string;
}

export type NumberStatus = 'pending' | 'active' | 'released';

/**
 * A number of a company. `telnyxId` is the number's `/phone_numbers/{id}` at
 * Telnyx (never the number order's entry id), null until looked up.
 * `releaseStatus` 'failed' means Telnyx refused the last release
 * (`releaseError` says why): the number is still active, routed and billed.
 */
export interface BizNumber {
  e164: string; companyId: string; flowId: string | null; mode: Mode; status: NumberStatus;
  telnyxId: string | null; orderId: string | null; voicemail: boolean; monthlyMicros: number | null;
  purchasedAt: string | null; releasedAt: string | null; updatedAt: string;
  releaseStatus: 'failed' | 'released' | null; releaseError: string | null;
  /** The SMS flow an inbound text starts (server/messaging/conversations.ts); null = texts are only stored. */
  smsFlowId?: string | null;
}

export interface NumberCounters { callsIn: number; callsOut: number; messagesSent: number; messagesReceived: number }

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'received';

export interface MessageRow {
  id: string; companyId: string; telnyxId: string | null; direction: 'inbound' | 'outbound';
  ourNumber: string; customer: string; text: string | null; media: string[]; segments: number; encoding: string;
  status: MessageStatus; error: string | null; createdAt: string; updatedAt: string;
  /** When the conversation was opened after this inbound message arrived; null = unread (outbound: always null). */
  readAt?: string | null;
}

/** A mailbox and where its voicemails are told: an SMS number, a signed webhook, email addresses. */
export interface MailboxRow { companyId: string; id: string; name: string; notifySms: string | null; webhookUrl: string | null; email: string[] }

export interface VoicemailRow {
  id: string; companyId: string; callId: string; recordingKey: string; mailbox: string | null; number: string | null; caller: string | null;
  seconds: number | null; transcribe: boolean; transcription: string | null; audioId: string | null;
  /** Why the audio is not kept (`recording unavailable: …`); null while it is, or is still awaited. */
  audioError: string | null;
  readAt: string | null; deletedAt: string | null; notifiedAt: string | null; createdAt: string;
  /** Flagged urgent by a person (the inbox marks it). */
  urgent: boolean;
  /** Deleted with undo: hidden, restorable until this instant, then purged (see trashVoicemail). */
  purgeAt: string | null;
}

/** Fields a voicemail callback knows; undefined = leave as is. */
export type VoicemailPatch = Partial<Pick<VoicemailRow, 'mailbox' | 'number' | 'caller' | 'seconds' | 'transcription' | 'audioId' | 'audioError'>> & { transcribe?: boolean };

/** `sort` 'unread': unread first, then newest (the inbox's order, so a limit never hides an unread one); default newest first. */
export interface VoicemailFilter { unread?: boolean; mailbox?: string; number?: string; limit?: number; sort?: 'newest' | 'unread' }

export interface RecordingRow { id: string; companyId: string; callId: string; sourceUrl: string; contentType: string; seconds: number | null; audio: Buffer; createdAt: string }

export type MemberStatus = 'available' | 'busy' | 'offline';
/** A member's working hours, read by the engine's hours rules: weekly shifts, days off (holidays) and one-day changes. */
export interface WorkingHours {
  timezone: string; weekly: Record<string, { open: string; close: string }[]>;
  holidays?: import('../../engine/nodes/hours.js').HoursData['holidays']; overrides?: import('../../engine/nodes/hours.js').HoursData['overrides'];
}

export interface MemberRow {
  companyId: string; id: string; name: string; to: string; status: MemberStatus; workingHours: WorkingHours | null;
  /** The person (account) this member is, if linked (migration 018): an owner's or admin's texts can change schedules. */
  personId?: string | null;
  busyCallId: string | null; lastCallEndedAt: string | null; updatedAt: string;
}

export interface UsageRow {
  id: number; companyId: string; ref: string; kind: string; quantity: number; unit: string;
  micros: number; month: string; at: string; detail: string | null;
}

export interface CallFilter { direction?: 'inbound' | 'outbound'; number?: string; status?: 'active' | 'ended'; since?: string; until?: string; limit?: number }

/** Repository methods for the business features (async, so another database can implement them). */
export interface BusinessStore {
  settings(companyId: string): Promise<CompanySettings>;
  saveSettings(companyId: string, s: CompanySettings): Promise<void>;
  // numbers lifecycle
  /** Inserts a pending number (replacing a released row); false when another company holds it. */
  addPendingNumber(n: Pick<BizNumber, 'companyId' | 'e164' | 'orderId' | 'monthlyMicros' | 'flowId' | 'mode'>): Promise<boolean>;
  /** pending → active for the order's numbers (one conditional write each); returns the ones this call activated. */
  activateOrder(orderId: string): Promise<BizNumber[]>;
  /** A failed order: its pending numbers become released (never routed); returns them. */
  failOrder(orderId: string): Promise<BizNumber[]>;
  bizNumber(companyId: string, e164: string): Promise<BizNumber | undefined>;
  listBizNumbers(companyId: string): Promise<(BizNumber & { counters: NumberCounters })[]>;
  configureNumber(companyId: string, e164: string, patch: { flowId?: string | null; mode?: Mode; voicemail?: boolean; telnyxId?: string }): Promise<BizNumber | undefined>;
  /** Telnyx deleted the number: released here (routing stops), releaseStatus 'released'. */
  releaseNumber(companyId: string, e164: string): Promise<BizNumber | undefined>;
  /** Telnyx refused (or failed) the release: the number stays as it is, with releaseStatus 'failed' and why. */
  releaseFailed(companyId: string, e164: string, error: string): Promise<BizNumber | undefined>;
  /**
   * Routes a number the Telnyx account holds to a flow for this company: a
   * new row, or one released before (by anyone), becomes active with its
   * Telnyx id. Undefined (nothing written) when another company holds it.
   */
  claimNumber(companyId: string, e164: string, flowId: string, mode: Mode, telnyxId: string): Promise<BizNumber | undefined>;
  /** One call of any company (webhook handlers know only the call id). */
  callById(callId: string): Promise<import('./types.js').CallLogRow | undefined>;
  listCallsFiltered(companyId: string, f: CallFilter): Promise<import('./types.js').CallLogRow[]>;
  // messages
  insertMessage(m: MessageRow): Promise<boolean>;
  /** Moves a message forward (queued → sent → delivered|failed); a late or repeated status changes nothing. */
  advanceMessage(telnyxId: string, status: MessageStatus, error: string | null): Promise<MessageRow | undefined>;
  getMessage(companyId: string, id: string): Promise<MessageRow | undefined>;
  /** The message Telnyx knows by `telnyxId` (any company: the caller has a signed Telnyx webhook about it). */
  messageByTelnyxId(telnyxId: string): Promise<MessageRow | undefined>;
  listMessages(companyId: string, f: { customer?: string; number?: string; limit?: number }): Promise<MessageRow[]>;
  /** One row per customer number, newest first; `unread` counts its inbound messages nobody opened yet. */
  listConversations(companyId: string): Promise<{ customer: string; ourNumber: string; last: MessageRow; count: number; unread: number; optedOut: boolean }[]>;
  /** Marks the conversation's inbound messages read (one write); how many were unread. */
  markConversationRead(companyId: string, customer: string): Promise<number>;
  setOptOut(companyId: string, customer: string, out: boolean): Promise<void>;
  isOptedOut(companyId: string, customer: string): Promise<boolean>;
  // voicemail
  /** Creates or fills the voicemail of one recording (any callback order). */
  upsertVoicemail(companyId: string, callId: string, recordingKey: string, patch: VoicemailPatch): Promise<VoicemailRow>;
  voicemailsOfCall(callId: string): Promise<VoicemailRow[]>;
  listVoicemails(companyId: string, f: VoicemailFilter): Promise<VoicemailRow[]>;
  getVoicemail(companyId: string, id: string): Promise<VoicemailRow | undefined>;
  /** Sets read / urgent on a voicemail in the inbox (not a deleted or trashed one, which come back with deletedAt/purgeAt set). */
  markVoicemail(companyId: string, id: string, patch: { read?: boolean; urgent?: boolean }): Promise<VoicemailRow | undefined>;
  /**
   * Deletes with undo: the voicemail leaves the inbox at once (one conditional write) and is purged as
   * {@link BusinessStore.deleteVoicemail} purges once `purgeAt` has passed; undefined when it is not in the inbox.
   */
  trashVoicemail(companyId: string, id: string, purgeAt: string): Promise<VoicemailRow | undefined>;
  /** Undoes a trash before its purgeAt (one conditional write); undefined when it is not trashed or too late. */
  restoreVoicemail(companyId: string, id: string): Promise<VoicemailRow | undefined>;
  /** Purges every trashed voicemail (any company) whose purgeAt has passed; how many. */
  purgeDueVoicemails(): Promise<number>;
  /**
   * Deletes a voicemail: its audio, its transcription, the call log's link to the recording and the text's
   * copies in the call's webhook log and the notification SMS are gone; false when there is no such voicemail.
   */
  deleteVoicemail(companyId: string, id: string): Promise<boolean>;
  /**
   * True once per voicemail: the notice is claimed and, in the same transaction, `outbox` (its notifications) is
   * written, so a crash keeps both or neither.
   */
  claimVoicemailNotice(id: string, outbox?: import('./notify-types.js').OutboxItem[]): Promise<boolean>;
  mailbox(companyId: string, id: string): Promise<MailboxRow | undefined>;
  /** Creates or replaces a mailbox (no `email`: none). */
  putMailbox(m: Omit<MailboxRow, 'email'> & { email?: string[] }): Promise<MailboxRow>;
  listMailboxes(companyId: string): Promise<MailboxRow[]>;
  saveRecording(r: RecordingRow): Promise<RecordingRow>;
  getRecording(companyId: string, id: string): Promise<RecordingRow | undefined>;
  // team
  listMembers(companyId: string): Promise<MemberRow[]>;
  putMember(m: Omit<MemberRow, 'updatedAt' | 'busyCallId' | 'lastCallEndedAt'>): Promise<MemberRow>;
  deleteMember(companyId: string, id: string): Promise<boolean>;
  /** Marks the members reached at `to` busy on `callId`. */
  memberBusy(companyId: string, to: string, callId: string): Promise<number>;
  /** A member (by id, else by number) finished a call at `at` (TeXML reports a Dial only once it is over). */
  memberCallEnded(companyId: string, who: { id?: string; to?: string }, at: string): Promise<number>;
  /** Every member busy on `callId` becomes available, with lastCallEndedAt. */
  memberFree(callId: string, at: string): Promise<number>;
  // usage
  /** Inserts once per (company, kind, ref); false when already charged. */
  addUsage(u: Omit<UsageRow, 'id'>): Promise<boolean>;
  listUsage(companyId: string, month: string): Promise<UsageRow[]>;
  monthTotal(companyId: string, month: string): Promise<number>;
  rateOverrides(companyId: string): Promise<Record<string, number>>;
  putRateOverrides(companyId: string, rates: Record<string, number | null>): Promise<void>;
  /** A named private key (PEM), created by `create` the first time. */
  serverKey(name: string, create: () => string): Promise<string>;
}
