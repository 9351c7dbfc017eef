import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../deps.js';
import { actorOf, companyOf } from './auth.js';

/** Every action the log records (the audit page offers them as its filter). */
export const AUDIT_ACTIONS = [
  'flow.publish', 'flow.rollback', 'flow.delete', 'number.buy', 'number.release', 'number.route', 'number.configure',
  'number.connections', 'usage.budget', 'usage.rates', 'voicemail.delete', 'voicemail.restore', 'smtp.change',
  'person.invite', 'person.role', 'person.remove', 'invitation.revoke', 'invitation.accept', 'key.create', 'key.revoke',
  'schedule.change', 'schedule.delete', 'schedule.override',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Records that the request's caller did `action` to `target`, after it succeeded. One small call in a route:
 * `await audit(ctx, res, 'flow.publish', flow.id, { version })`. The actor's email (or key prefix) is kept as
 * text, so the entry still reads right once that person is removed.
 */
export async function audit(ctx: Ctx, res: Response, action: AuditAction, target: string | null, detail: unknown = null): Promise<void> {
  const a = actorOf(res);
  await ctx.store.addAudit({
    companyId: companyOf(res).id, at: ctx.now().toISOString(), personId: a.person?.id ?? null, keyId: a.key?.id ?? null,
    actor: a.label, action, target, detail,
  });
}

const listQuery = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `GET /api/audit?action=&before=&limit=` (admin and owner): newest first; `next` is the `before` of the next page. */
export function auditRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/audit', async (req, res) => {
    const q = listQuery.parse(req.query);
    const rows = await ctx.store.listAudit(companyOf(res).id, { ...q, limit: q.limit + 1 });
    const entries = rows.slice(0, q.limit);
    res.json({ entries, next: rows.length > q.limit ? entries.at(-1)!.id : null, actions: AUDIT_ACTIONS });
  });
  return r;
}
