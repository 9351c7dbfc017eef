import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from './connection.js';
import type { AccountStore, ApiKeyRow, AuditRow, InvitationRow, PersonRow, Role } from './account-types.js';
import type { Company } from './types.js';

type Row = Record<string, any>;
const personRow = (r: Row): PersonRow => ({
  id: r.id, companyId: r.company_id, email: r.email, name: r.name, role: r.role, hasPassword: r.password_hash !== null,
  createdAt: r.created_at, updatedAt: r.updated_at,
});
const companyRow = (r: Row): Company => ({ id: r.id, name: r.name, createdAt: r.created_at });
const inviteRow = (r: Row): InvitationRow => ({
  id: r.id, companyId: r.company_id, email: r.email, role: r.role, invitedBy: r.invited_by, createdAt: r.created_at, expiresAt: r.expires_at, acceptedAt: r.accepted_at,
});
const keyRow = (r: Row): ApiKeyRow => ({
  id: r.id, companyId: r.company_id, personId: r.person_id, role: r.role, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at,
});
const auditRow = (r: Row): AuditRow => ({
  id: r.id, companyId: r.company_id, at: r.at, personId: r.person_id, keyId: r.key_id, actor: r.actor, action: r.action, target: r.target,
  detail: r.detail === null ? null : JSON.parse(r.detail),
});

/** Lower-cased and trimmed: how emails are stored and compared. */
export const normalEmail = (e: string) => e.trim().toLowerCase();

/** People, sessions, invitations, resets, per-person keys and the audit log on SQLite (tokens hashed with `hash`). */
export function accountRepo(db: Connection, iso: () => string, hash: (token: string) => string, newKey: () => string): AccountStore {
  const owners = (companyId: string) => (db.prepare("SELECT COUNT(*) AS n FROM people WHERE company_id = ? AND role = 'owner'").get(companyId) as { n: number }).n;
  const getPerson = (companyId: string, id: string) => db.prepare('SELECT * FROM people WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;

  const setRoleTx = db.transaction((companyId: string, id: string, role: Role) => {
    const p = getPerson(companyId, id);
    if (!p) return 'missing' as const;
    if (p.role === 'owner' && role !== 'owner' && owners(companyId) <= 1) return 'last_owner' as const;
    db.prepare('UPDATE people SET role = ?, updated_at = ? WHERE id = ?').run(role, iso(), id);
    return personRow(getPerson(companyId, id)!);
  });
  const removeTx = db.transaction((companyId: string, id: string) => {
    const p = getPerson(companyId, id);
    if (!p) return 'missing' as const;
    if (p.role === 'owner' && owners(companyId) <= 1) return 'last_owner' as const;
    db.prepare('DELETE FROM people WHERE id = ?').run(id);
    return personRow(p);
  });
  const acceptTx = db.transaction((token: string, at: string, p: { name: string; passwordHash: string }) => {
    const inv = db.prepare('SELECT * FROM invitations WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ?').get(hash(token), at) as Row | undefined;
    if (!inv) return 'invalid' as const;
    if (db.prepare('SELECT 1 FROM people WHERE email = ?').get(inv.email)) return 'email_taken' as const;
    const id = randomUUID();
    db.prepare('INSERT INTO people (id, company_id, email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, inv.company_id, inv.email, p.name, inv.role, p.passwordHash, at, at);
    db.prepare('UPDATE invitations SET accepted_at = ? WHERE id = ?').run(at, inv.id);
    return personRow(getPerson(inv.company_id, id)!);
  });
  const resetTx = db.transaction((token: string, at: string, passwordHash: string) => {
    const r = db.prepare('UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING person_id').get(at, hash(token), at) as Row | undefined;
    if (!r) return undefined;
    db.prepare('UPDATE people SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, at, r.person_id);
    db.prepare('DELETE FROM sessions WHERE person_id = ?').run(r.person_id);
    const p = db.prepare('SELECT * FROM people WHERE id = ?').get(r.person_id) as Row | undefined;
    return p && personRow(p);
  });

  return {
    async createPerson(p) {
      const id = randomUUID(), at = iso();
      const info = db.prepare('INSERT INTO people (id, company_id, email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(id, p.companyId, normalEmail(p.email), p.name, p.role, p.passwordHash, at, at);
      return info.changes ? personRow(getPerson(p.companyId, id)!) : undefined;
    },
    async personByEmail(email) {
      const r = db.prepare('SELECT * FROM people WHERE email = ?').get(normalEmail(email)) as Row | undefined;
      return r && { person: personRow(r), passwordHash: r.password_hash };
    },
    async person(companyId, id) { const r = getPerson(companyId, id); return r && personRow(r); },
    async listPeople(companyId) {
      return (db.prepare('SELECT * FROM people WHERE company_id = ? ORDER BY created_at, email').all(companyId) as Row[]).map(personRow);
    },
    async countPeople() { return (db.prepare('SELECT COUNT(*) AS n FROM people').get() as { n: number }).n; },
    async setRole(companyId, id, role) { return setRoleTx(companyId, id, role); },
    async removePerson(companyId, id) { return removeTx(companyId, id); },
    async setPassword(personId, passwordHash, keepSession) {
      db.transaction(() => {
        db.prepare('UPDATE people SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, iso(), personId);
        db.prepare('DELETE FROM sessions WHERE person_id = ? AND token_hash IS NOT ?').run(personId, keepSession === undefined ? null : hash(keepSession));
      })();
    },
    async setName(personId, name) { db.prepare('UPDATE people SET name = ?, updated_at = ? WHERE id = ?').run(name, iso(), personId); },
    async createWebSession(s) {
      db.prepare('INSERT INTO sessions (token_hash, person_id, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(hash(s.token), s.personId, s.csrf, s.at, s.at, s.expiresAt);
    },
    async webSessionByToken(token, at, idleSince) {
      const h = hash(token);
      const r = db.prepare(`SELECT s.csrf, s.last_seen_at, s.expires_at, p.*, c.id AS c_id, c.name AS c_name, c.created_at AS c_created
        FROM sessions s JOIN people p ON p.id = s.person_id JOIN companies c ON c.id = p.company_id WHERE s.token_hash = ?`).get(h) as Row | undefined;
      if (!r) return undefined;
      if (r.expires_at <= at || r.last_seen_at < idleSince) {
        db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(h);
        return undefined;
      }
      return { person: personRow(r), company: { id: r.c_id, name: r.c_name, createdAt: r.c_created }, csrf: r.csrf, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at };
    },
    async touchWebSession(token, at, ifBefore) {
      db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?').run(at, hash(token), ifBefore);
    },
    async deleteWebSession(token) { db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash(token)); },
    async createInvitation(i) {
      const id = randomUUID();
      db.prepare('INSERT INTO invitations (id, company_id, email, role, token_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, i.companyId, normalEmail(i.email), i.role, hash(i.token), i.invitedBy, i.at, i.expiresAt);
      return inviteRow(db.prepare('SELECT * FROM invitations WHERE id = ?').get(id) as Row);
    },
    async invitationByToken(token, at) {
      const r = db.prepare('SELECT * FROM invitations WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ?').get(hash(token), at) as Row | undefined;
      if (!r) return undefined;
      return { invitation: inviteRow(r), company: companyRow(db.prepare('SELECT * FROM companies WHERE id = ?').get(r.company_id) as Row) };
    },
    async listInvitations(companyId) {
      return (db.prepare('SELECT * FROM invitations WHERE company_id = ? AND accepted_at IS NULL ORDER BY created_at DESC').all(companyId) as Row[]).map(inviteRow);
    },
    async revokeInvitation(companyId, id) {
      const r = db.prepare('DELETE FROM invitations WHERE company_id = ? AND id = ? AND accepted_at IS NULL RETURNING *').get(companyId, id) as Row | undefined;
      return r && inviteRow(r);
    },
    async acceptInvitation(token, at, p) { return acceptTx(token, at, p); },
    async createPasswordReset(r) {
      db.prepare('INSERT INTO password_resets (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(hash(r.token), r.personId, r.at, r.expiresAt);
    },
    async completePasswordReset(token, at, passwordHash) { return resetTx(token, at, passwordHash); },
    async createPersonKey(k) {
      const key = newKey(), id = randomBytes(8).toString('hex'), at = iso();
      db.prepare('INSERT INTO api_keys (hash, company_id, created_at, id, person_id, role, name, prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(hash(key), k.companyId, at, id, k.personId, k.role, k.name, key.slice(0, 9));
      return { key, row: keyRow(db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as Row) };
    },
    async keyAuth(apiKey, at) {
      const h = hash(apiKey);
      const r = db.prepare(`SELECT k.*, c.name AS c_name, c.created_at AS c_created FROM api_keys k JOIN companies c ON c.id = k.company_id WHERE k.hash = ?`).get(h) as Row | undefined;
      if (!r) return undefined;
      // At most one write a minute per key, so scripts polling the API do not turn every read into a write.
      const minuteAgo = new Date(Date.parse(at) - 60_000).toISOString();
      if (!r.last_used_at || r.last_used_at < minuteAgo) db.prepare('UPDATE api_keys SET last_used_at = ? WHERE hash = ?').run(at, h);
      const p = r.person_id ? db.prepare('SELECT * FROM people WHERE id = ?').get(r.person_id) as Row | undefined : undefined;
      return { company: { id: r.company_id, name: r.c_name, createdAt: r.c_created }, key: keyRow(r), ...(p ? { person: personRow(p) } : {}) };
    },
    async listKeys(companyId, personId) {
      const rows = personId === undefined
        ? db.prepare('SELECT * FROM api_keys WHERE company_id = ? ORDER BY created_at DESC, id').all(companyId)
        : db.prepare('SELECT * FROM api_keys WHERE company_id = ? AND person_id = ? ORDER BY created_at DESC, id').all(companyId, personId);
      return (rows as Row[]).map(keyRow);
    },
    async revokeKeyById(companyId, id, personId) {
      const r = (personId === undefined
        ? db.prepare('DELETE FROM api_keys WHERE company_id = ? AND id = ? RETURNING *').get(companyId, id)
        : db.prepare('DELETE FROM api_keys WHERE company_id = ? AND id = ? AND person_id = ? RETURNING *').get(companyId, id, personId)) as Row | undefined;
      return r && keyRow(r);
    },
    async addAudit(a) {
      db.prepare('INSERT INTO audit_log (company_id, at, person_id, key_id, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(a.companyId, a.at, a.personId, a.keyId, a.actor, a.action, a.target, a.detail === null || a.detail === undefined ? null : JSON.stringify(a.detail));
    },
    async listAudit(companyId, f) {
      const where = ['company_id = ?'], args: unknown[] = [companyId];
      if (f.action) { where.push('action = ?'); args.push(f.action); }
      if (f.before !== undefined) { where.push('id < ?'); args.push(f.before); }
      return (db.prepare(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args, f.limit) as Row[]).map(auditRow);
    },
  };
}
