/**
 * Rows and repository methods of accounts (issue #14 item 8): people, sessions, invitations, password resets,
 * per-person API keys and the audit log. `Store` extends {@link AccountStore}. Tokens go in as sent and are
 * stored as sha256 hex only (like API keys), so a copy of the database signs nobody in.
 */
import type { Company } from './types.js';

/** Highest first: an owner can do everything an admin can, and so on. */
export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'viewer'];

export interface PersonRow { id: string; companyId: string; email: string; name: string; role: Role; hasPassword: boolean; createdAt: string; updatedAt: string }

export interface SessionInfo { person: PersonRow; company: Company; csrf: string; lastSeenAt: string; expiresAt: string }

export interface InvitationRow {
  id: string; companyId: string; email: string; role: Role; invitedBy: string | null;
  createdAt: string; expiresAt: string; acceptedAt: string | null;
}

/** An API key as listed: never the key itself. `personId` null = a key of no one (admin CLI, before accounts): it acts as an owner. */
export interface ApiKeyRow {
  id: string; companyId: string; personId: string | null; role: Role | null; name: string | null;
  /** The key's first characters (`cf_AbCd12`), for telling keys apart; null for keys made before accounts. */
  prefix: string | null; createdAt: string; lastUsedAt: string | null;
}

export interface AuditRow {
  id: number; companyId: string; at: string; personId: string | null; keyId: string | null;
  actor: string; action: string; target: string | null; detail: unknown;
}

/** Why a change to people was refused: the company would be left without an owner, or there is no such person. */
export type PeopleRefusal = 'last_owner' | 'missing';

export interface AccountStore {
  /** A new person; undefined when the email is taken (emails are unique across the server, compared lower-cased). */
  createPerson(p: { companyId: string; email: string; name: string; role: Role; passwordHash: string | null }): Promise<PersonRow | undefined>;
  /** The person with this email (any company) and their password hash (null until set). */
  personByEmail(email: string): Promise<{ person: PersonRow; passwordHash: string | null } | undefined>;
  person(companyId: string, id: string): Promise<PersonRow | undefined>;
  listPeople(companyId: string): Promise<PersonRow[]>;
  countPeople(): Promise<number>;
  /** Changes a role in one transaction that refuses to leave the company without an owner. */
  setRole(companyId: string, id: string, role: Role): Promise<PersonRow | PeopleRefusal>;
  /** Removes a person (their sessions and keys go too), refusing to remove the last owner. */
  removePerson(companyId: string, id: string): Promise<PersonRow | PeopleRefusal>;
  /** Sets a password hash and ends the person's sessions except `keepSession` (a token). */
  setPassword(personId: string, passwordHash: string, keepSession?: string): Promise<void>;
  setName(personId: string, name: string): Promise<void>;
  // sessions
  createWebSession(s: { token: string; personId: string; csrf: string; at: string; expiresAt: string }): Promise<void>;
  /** The session of a token, unless it expired or sat idle since before `idleSince` (then it is deleted). */
  webSessionByToken(token: string, at: string, idleSince: string): Promise<SessionInfo | undefined>;
  /** Moves last_seen_at to `at` when it is older than `ifBefore` (one conditional write, not one per request). */
  touchWebSession(token: string, at: string, ifBefore: string): Promise<void>;
  deleteWebSession(token: string): Promise<void>;
  // invitations
  createInvitation(i: { companyId: string; email: string; role: Role; token: string; invitedBy: string; at: string; expiresAt: string }): Promise<InvitationRow>;
  /** A pending invitation (not accepted, not expired at `at`) and its company. */
  invitationByToken(token: string, at: string): Promise<{ invitation: InvitationRow; company: Company } | undefined>;
  /** Invitations not accepted yet (expired ones included, marked by their expiresAt). */
  listInvitations(companyId: string): Promise<InvitationRow[]>;
  revokeInvitation(companyId: string, id: string): Promise<InvitationRow | undefined>;
  /** Accepts once: the person is created with the invitation's email and role; 'invalid' (used, expired, unknown) or 'email_taken'. */
  acceptInvitation(token: string, at: string, p: { name: string; passwordHash: string }): Promise<PersonRow | 'invalid' | 'email_taken'>;
  // password resets
  createPasswordReset(r: { token: string; personId: string; at: string; expiresAt: string }): Promise<void>;
  /** Uses a reset link once: sets the password and ends every session of the person; undefined when used, expired or unknown. */
  completePasswordReset(token: string, at: string, passwordHash: string): Promise<PersonRow | undefined>;
  // API keys
  /** A new key of a person (the key is returned once; only its hash is kept). */
  createPersonKey(k: { companyId: string; personId: string | null; role: Role | null; name: string | null }): Promise<{ key: string; row: ApiKeyRow }>;
  /** The key's company, row and person (undefined for a key of no one); stamps lastUsedAt at most once a minute. */
  keyAuth(apiKey: string, at: string): Promise<{ company: Company; key: ApiKeyRow; person?: PersonRow } | undefined>;
  /** A company's keys, newest first; only one person's with `personId`. */
  listKeys(companyId: string, personId?: string): Promise<ApiKeyRow[]>;
  /** Revokes a key by id (only that person's with `personId`); the row it was, undefined when none. */
  revokeKeyById(companyId: string, id: string, personId?: string): Promise<ApiKeyRow | undefined>;
  // audit log
  addAudit(a: Omit<AuditRow, 'id'>): Promise<void>;
  /** Newest first; `before` = an id from a previous page. */
  listAudit(companyId: string, f: { action?: string; before?: number; limit: number }): Promise<AuditRow[]>;
}
