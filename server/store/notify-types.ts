/**
 * Rows and repository methods of the notifications (issue #16): the outbox, SMTP settings and missed-call
 * alert settings. `Store` extends {@link NotifyStore}.
 */

export type OutboxChannel = 'email' | 'sms' | 'webhook';
export type OutboxKind = 'voicemail' | 'missed-call' | 'text-back' | 'test';
export type OutboxState = 'pending' | 'sent' | 'failed';

/** A notification to write to the outbox (in the transaction of what caused it). */
export interface OutboxItem {
  companyId: string;
  channel: OutboxChannel;
  kind: OutboxKind;
  /** The address, number or URL it goes to. */
  target: string;
  /** JSON the sender renders from at send time (server/notify/senders.ts). */
  payload: Record<string, unknown>;
  /** What it is about: a voicemail id, a call id (the console links it). */
  ref?: string;
  /** Not sent before this instant (a voicemail email waiting for its transcription). Default: now. */
  notBefore?: string;
  /**
   * Written only if `key` was not claimed since `since` (one conditional write in the same transaction): a
   * text-back at most once per caller per window.
   */
  once?: { key: string; since: string };
}

export interface OutboxRow {
  id: string; companyId: string; channel: OutboxChannel; kind: OutboxKind; target: string; payload: Record<string, unknown>;
  ref: string | null; state: OutboxState; attempts: number; nextAttemptAt: string; lastError: string | null; createdAt: string; sentAt: string | null;
}

/** How one attempt ended, as the worker records it. */
export type OutboxOutcome =
  | { state: 'sent' }
  | { state: 'pending'; nextAttemptAt: string; error: string }
  | { state: 'failed'; error: string };

/** SMTP security: implicit TLS (465), STARTTLS required (587), or plain (a relay on this machine). */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpSettings {
  host: string; port: number; security: SmtpSecurity; user: string | null; password: string | null; from: string;
  /** IANA zone the emails give times in. */
  timezone: string;
}

/** Where a number's missed calls are told, and the optional text-back to the caller. */
export interface MissedCallSettings {
  sms: string | null;
  emails: string[];
  webhookUrl: string | null;
  textBack: { enabled: boolean; text: string; hours: number };
}

export interface NotifyStore {
  /** Writes notifications on their own (a test email); returns the rows written. */
  enqueue(items: OutboxItem[]): Promise<OutboxRow[]>;
  /** Pending rows due at `now`, oldest first. */
  dueOutbox(now: string, limit: number): Promise<OutboxRow[]>;
  /** The earliest due time of a pending row (for the worker's timer); undefined when none. */
  nextOutboxAt(): Promise<string | undefined>;
  /**
   * Claims a due row for one attempt (one conditional write on its attempts): attempts + 1, due again at
   * `leaseUntil` should this process die while sending. False when another worker claimed it first.
   */
  leaseOutbox(id: string, attempts: number, leaseUntil: string): Promise<boolean>;
  /** Records how attempt number `attempt` ended (a failure is ignored once another attempt holds the row). */
  finishOutbox(id: string, outcome: OutboxOutcome, at: string, attempt: number): Promise<void>;
  getOutbox(companyId: string, id: string): Promise<OutboxRow | undefined>;
  listOutbox(companyId: string, f: { state?: OutboxState; limit?: number }): Promise<OutboxRow[]>;
  /**
   * "Retry now": a pending or failed row becomes due at `now` (a failed one gets its attempts back); undefined when
   * there is none, or an attempt of it is running (its lease has not run out).
   */
  retryOutbox(companyId: string, id: string, now: string): Promise<OutboxRow | undefined>;
  /** The pending rows about `ref` become due at `now` (a voicemail's transcription arrived). */
  releaseOutbox(ref: string, now: string): Promise<number>;
  /** Deletes sent rows sent before `before` (failed and pending rows stay); how many. */
  pruneOutbox(before: string): Promise<number>;
  smtpSettings(companyId: string): Promise<SmtpSettings | undefined>;
  putSmtpSettings(companyId: string, s: SmtpSettings): Promise<void>;
  missedCallSettings(companyId: string, e164: string): Promise<MissedCallSettings | undefined>;
  putMissedCallSettings(companyId: string, e164: string, s: MissedCallSettings): Promise<void>;
  listMissedCallSettings(companyId: string): Promise<({ e164: string } & MissedCallSettings)[]>;
}
