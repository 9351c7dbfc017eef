import type { Mode, Snapshot, Cursors, TeamMember, ScheduleEnv } from '../../engine/types.js';
import type { HttpResult } from '../../engine/nodes/http-result.js';
import type { BusinessStore } from './business-types.js';
import type { NotifyStore, OutboxItem } from './notify-types.js';
import type { CallHistoryStore } from './history-types.js';
import type { AccountStore } from './account-types.js';
import type { ConversationStore } from './conversation-types.js';
import type { ScheduleStore } from './schedule-types.js';
import type { OutboundStore } from './outbound-types.js';
import type { QueueStore } from './queue-types.js';
import type { UnitOfWork } from './unit-of-work.js';

export type { UnitOfWork } from './unit-of-work.js';

/** What {@link Store.prune} deleted. */
export interface PruneCounts { webhooks: number; events: number; sessions: number; recordings: number }

/** See {@link Store.health}. */
export interface StoreHealth { migrations: { applied: number; pending: number[] } }

export interface Company { id: string; name: string; createdAt: string }

export interface FlowRow {
  companyId: string; id: string; name: string; doc: unknown; revision: number;
  updatedAt: string; publishedVersion: number | null;
}

export interface FlowVersionRow { version: number; doc: unknown; createdAt: string }

export interface NumberRow { e164: string; companyId: string; flowId: string | null; mode: Mode; updatedAt: string }

export interface SessionRow {
  callId: string; companyId: string; flowId: string; version: number; mode: Mode;
  callSessionId: string | null; snapshot: Snapshot | null; seq: number;
  status: 'created' | 'active' | 'done'; createdAt: string; updatedAt: string;
  /** The round-robin cursors this call read, each as it was the first time (for fixtures). */
  cursors?: Cursors;
  /** What each stored step read from outside the engine, by the step's dedupe key (for fixtures; see StepEnv). */
  steps?: Record<string, StepEnv>;
}

/**
 * The part of a step's environment that came from outside the engine and is not in the webhook itself, as the
 * step read it: what a fixture replay must feed the step again to get the same answer. (The clock is the
 * webhook's recorded instant; the company name and mode are in call.json.) Each part is named and optional,
 * so a new source of outside facts is one more field (issue #13's HTTP results: `http`): its type here, the
 * runner recording and feeding it (calls/runner.ts, calls/step-env.ts), its schema in fixtures/replay.ts.
 */
export interface StepEnv {
  /** The team members the step looked up, as the engine saw them (one not on the team: `{status: 'available'}`). */
  team?: Record<string, TeamMember>;
  /** The round-robin cursor each node the step entered read (0 when it had none yet). */
  cursors?: Cursors;
  /** The result of the httpRequest this step was answered with (calls/http-runner.ts): status and body, timeout or error. */
  http?: HttpResult;
  /** The shared schedules the step read (Env.schedules), each as it was then: a replay routes as the call did. */
  schedules?: Record<string, ScheduleEnv>;
}

/** One call's way through its flow (CallLogRow.path) with the version it ran on and whether it has ended. */
export interface CallPathRow { callId: string; startedAt: string; version: number | null; path: string[]; ended: boolean }

export interface CallLogRow {
  callId: string; companyId: string; flowId: string | null; version: number | null; mode: Mode | null;
  direction: 'inbound' | 'outbound'; from: string | null; to: string | null;
  startedAt: string; answeredAt: string | null; endedAt: string | null;
  hangupCause: string | null; hangupSource: string | null;
  /** Answering machine detection: standard (human, machine, not_sure) or premium (human_residence, human_business, machine, silence, fax_detected, not_sure). */
  amdResult: string | null;
  /** How a machine's greeting ended (beep_detected, no_beep_detected, ended, not_sure). */
  amdGreeting: string | null;
  recordingUrl: string | null; recordingSeconds: number | null;
  /** Why the call's recording is not kept (`recording unavailable: …`), null when it is or none was made. */
  recordingError: string | null;
  /** The flow path so far, one line per move (`>node` entered, `node.port` left by, `end:reason@node`), as the runner's `pathOf` writes it. */
  path?: string[];
}

export interface WebhookRow {
  id: number; receivedAt: string; kind: 'texml' | 'call-control' | 'messaging' | 'numbers'; method: string; path: string;
  headers: Record<string, string>; rawBody: string; eventId: string | null; callId: string | null;
  companyId: string | null; status: number | null; answer: string | null;
}

/** A webhook's dedupe row: the answer (null until stored), done once its side effects were carried out. */
export interface EventState { answer: string | null; done: boolean; answeredMs: number | null }

/** What a step writes with its snapshot, in the same transaction, when (and only when) it wins the conditional write. */
export interface StepWrites {
  /** The webhook's answer for this step (not done yet: its commands are still to be sent). */
  answer?: { eventId: string; body: string };
  /**
   * A screened dial this step emitted (server/calls/screen.ts): kept under `key` as a done event answer, so the
   * callee-leg webhooks of that dial (TeXML `<Number url>`, Call Control's leg events) play the whisper it had.
   */
  screen?: { key: string; body: string };
  /** Round-robin cursors moved from `previous` to `next` (see `saveCursors`). */
  cursors?: { companyId: string; flowId: string; next: Cursors; previous: Cursors };
  /** The cursors this call read (see `recordSessionCursors`). */
  sessionCursors?: Cursors;
  /** What this step read from outside the engine, kept on the session under the step's dedupe key (SessionRow.steps). */
  stepEnv?: { key: string; env: StepEnv };
  callLog?: CallLogPatch;
  /** This step's entries of the call's path, appended to the call log's. */
  path?: string[];
  /** Notifications this step causes (a missed call's alerts), written to the outbox in the same transaction. */
  outbox?: OutboxItem[];
}

/** Fields of the call log that later webhooks fill in (undefined = leave as is). */
export type CallLogPatch = Partial<Pick<CallLogRow, 'answeredAt' | 'endedAt' | 'hangupCause' | 'hangupSource' | 'amdResult' | 'amdGreeting' | 'recordingUrl' | 'recordingSeconds' | 'recordingError'>>;

/**
 * Everything the server persists. Async so a PostgreSQL implementation can
 * replace SQLite; every racy update is one conditional write.
 */
export interface Store extends BusinessStore, NotifyStore, CallHistoryStore, AccountStore, ConversationStore, ScheduleStore, OutboundStore, QueueStore {
  close(): Promise<void>;
  /**
   * What /readyz asks: reads the database (rejects when it cannot) and says which of this build's migrations it
   * lacks (`pending`, empty when up to date) and how many it has applied.
   */
  health(): Promise<StoreHealth>;
  /**
   * An online copy of the whole database to `file` (a new file, 0600), consistent as of one moment while the server
   * keeps running and writing: SQLite's backup API. Resolves with the copy's size.
   */
  backup(file: string): Promise<{ bytes: number }>;
  /**
   * What /metrics reports at each scrape, across every company: calls in progress (started `since` or later and
   * not ended: a call whose hangup never arrived stops counting after a day) and notifications waiting in the outbox.
   */
  opsCounts(since: string): Promise<{ liveCalls: number; outboxPending: number }>;
  /**
   * Retention (store/sqlite-retention.ts): deletes webhook logs, their events' dedupe rows and ended calls' snapshots
   * from before `webhooksBefore`, and recordings' audio from before `recordings.before`; the call log stays.
   */
  prune(o: { webhooksBefore?: string; recordings?: { before: string; days: number } }): Promise<PruneCounts>;
  /**
   * A new unit of work: the webhook wrapper makes one per webhook and passes it to the writes that take part
   * (saveSnapshot, finishEvent, recordWebhook), which this store commits together with the other units of this
   * event-loop turn. Writes given no unit never join it. See store/unit-of-work.ts.
   */
  unit(): UnitOfWork;
  // companies and keys
  createCompany(name: string): Promise<{ company: Company; apiKey: string }>;
  countCompanies(): Promise<number>;
  /** Every company, oldest first. */
  listCompanies(): Promise<Company[]>;
  /** A new API key for an existing company (only its hash is stored); undefined when there is no such company. */
  createApiKey(companyId: string): Promise<string | undefined>;
  companyByKey(apiKey: string): Promise<Company | undefined>;
  /** Revokes one key (its hash is deleted): its company and how many keys it still has; undefined when no such key. */
  revokeApiKey(apiKey: string): Promise<{ company: Company; remaining: number } | undefined>;
  /** Revokes every key of a company; how many there were. */
  revokeCompanyKeys(companyId: string): Promise<number>;
  company(id: string): Promise<Company | undefined>;
  // flows
  listFlows(companyId: string): Promise<FlowRow[]>;
  getFlow(companyId: string, id: string): Promise<FlowRow | undefined>;
  /** False when the id exists already. */
  createFlow(companyId: string, id: string, name: string, doc: unknown): Promise<FlowRow | undefined>;
  /** Conditional on `revision`; undefined when stale (or missing). */
  updateFlow(companyId: string, id: string, revision: number, name: string, doc: unknown): Promise<FlowRow | undefined>;
  deleteFlow(companyId: string, id: string): Promise<boolean>;
  listVersions(companyId: string, flowId: string): Promise<FlowVersionRow[]>;
  getVersion(companyId: string, flowId: string, version: number): Promise<FlowVersionRow | undefined>;
  /** Appends an immutable version with `doc` and publishes it; when `draft` is given the flow's draft becomes it too. */
  publish(companyId: string, flowId: string, doc: unknown, draft?: { name: string }): Promise<{ version: number; revision: number }>;
  // numbers
  /** Undefined when the number belongs to another company. */
  putNumber(companyId: string, e164: string, flowId: string, mode: Mode): Promise<NumberRow | undefined>;
  listNumbers(companyId: string): Promise<NumberRow[]>;
  numberByE164(e164: string): Promise<NumberRow | undefined>;
  // sessions
  createSession(row: Omit<SessionRow, 'createdAt' | 'updatedAt' | 'seq' | 'snapshot' | 'status'>): Promise<boolean>;
  getSession(callId: string): Promise<SessionRow | undefined>;
  sessionByCallSessionId(callSessionId: string): Promise<SessionRow | undefined>;
  /** Session, call log row (and a first patch of it) of a new call, in one transaction; each part is kept if it exists. */
  startCall(session: Omit<SessionRow, 'createdAt' | 'updatedAt' | 'seq' | 'snapshot' | 'status'>, log: Parameters<Store['startCallLog']>[0], patch?: CallLogPatch): Promise<void>;
  /**
   * Writes the snapshot only if the stored seq is still `expectedSeq` (one
   * conditional write) and, only then and in the same transaction, `also`:
   * the step's answer, its cursors and its call log patch. False (nothing written) when stale.
   */
  /**
   * The conditional snapshot write (false when the session is no longer at `expectedSeq`), with `also` in the same
   * transaction. With `unit`: written now (a racing attempt sees it), committed with the unit; resolved once
   * written, so the caller awaits `unit.durable()` before anything leaves the process. A rejection of that means
   * the step was rolled back.
   */
  saveSnapshot(callId: string, expectedSeq: number, snapshot: Snapshot, also?: StepWrites, unit?: UnitOfWork): Promise<boolean>;
  /** Records the cursors a call read, merged in one write: a node already recorded keeps its first value. */
  recordSessionCursors(callId: string, read: Cursors): Promise<void>;
  // round-robin cursors
  cursors(companyId: string, flowId: string): Promise<Cursors>;
  /**
   * Moves each node's cursor from `previous[node]` (undefined = no row yet) to `next[node]`,
   * one conditional write per node: when another call moved it first, that move wins.
   */
  saveCursors(companyId: string, flowId: string, next: Cursors, previous: Cursors): Promise<void>;
  // call log
  startCallLog(row: Pick<CallLogRow, 'callId' | 'companyId' | 'flowId' | 'version' | 'mode' | 'direction' | 'from' | 'to' | 'startedAt'>): Promise<void>;
  patchCallLog(callId: string, patch: CallLogPatch): Promise<void>;
  listCalls(companyId: string, limit?: number): Promise<CallLogRow[]>;
  getCall(companyId: string, callId: string): Promise<CallLogRow | undefined>;
  /**
   * The paths of a flow's calls started in [from, to) (ISO), of one version or all: what the traffic overlay adds up.
   * One page of at most `limit` [1000] in (startedAt, callId) order, after the row `after`: the caller reads on until a
   * page comes back short.
   */
  callPaths(companyId: string, flowId: string, q: { from: string; to: string; version?: number; after?: { startedAt: string; callId: string }; limit?: number }): Promise<CallPathRow[]>;
  // webhooks and dedupe
  /** Stores a webhook as received, with our answer; with `unit`, committed with it (see saveSnapshot). */
  recordWebhook(row: Omit<WebhookRow, 'id'>, unit?: UnitOfWork): Promise<number>;
  finishWebhook(id: number, patch: { status: number; answer: string | null; callId?: string | null; companyId?: string | null }): Promise<void>;
  webhooksForCall(callId: string): Promise<WebhookRow[]>;
  /** INSERT … ON CONFLICT DO NOTHING: true the first time an id is claimed (a marker; webhooks with side effects use the answers below). */
  claimEvent(eventId: string): Promise<boolean>;
  setEventAnswer(eventId: string, answer: string): Promise<void>;
  eventAnswer(eventId: string): Promise<string | null | undefined>;
  /** An event's stored answer and whether its side effects are done; undefined when never seen. */
  eventState(eventId: string): Promise<EventState | undefined>;
  /** Stores an answer unless one is stored already (one conditional write); false when another attempt's answer is there. */
  storeEventAnswer(eventId: string, answer: string, done: boolean): Promise<boolean>;
  /** Marks an event done, with `answer` as its final answer when given. */
  finishEvent(eventId: string, answer?: string, unit?: UnitOfWork): Promise<void>;
  // TeXML simultaneous ring
  /**
   * Records that `to` answered the dial call `callId` waits on at step `seq` (a child leg's `answered` status
   * callback), one conditional write: the first leg recorded wins; false when one was recorded already.
   */
  recordDialAnswer(callId: string, seq: number, to: string, legCallId: string): Promise<boolean>;
  /** The number recorded by {@link Store.recordDialAnswer} for that call and step; undefined when none answered. */
  dialAnswer(callId: string, seq: number): Promise<string | undefined>;
  // httpRequest nodes (calls/http-runner.ts)
  /** Claims sending the request of a call's step (one conditional write): true for the one attempt that sends it. */
  claimHttpRequest(callId: string, seq: number, deadlineMs: number): Promise<boolean>;
  /** Keeps the claimed request's result (the first one written stays). */
  finishHttpRequest(callId: string, seq: number, result: HttpResult): Promise<void>;
  /** The request of a call's step: by when its sender gives up, and its result once in; undefined when never claimed. */
  httpRequest(callId: string, seq: number): Promise<{ deadlineMs: number; result?: HttpResult } | undefined>;
}
