import { Router } from 'express';
import { z } from 'zod';
import { hoursSchema } from '../../engine/nodes/hours.js';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { effectiveStatus, memberUses, type MemberUse } from '../calls/team.js';
import type { MemberRow } from '../store/business-types.js';
import { serveCallbacks } from '../calls/queue.js';

// The businessHours node's own schema (ranges past midnight, 24:00, days off, one-day changes), so what the
// hours editor draws for a member is what a flow's hours node accepts, and atWork reads it by the same rules.
const workingHours = z.object({
  timezone: z.string().refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'Unknown IANA time zone'),
  weekly: hoursSchema.shape.weekly,
  holidays: hoursSchema.shape.holidays,
  overrides: hoursSchema.shape.overrides,
});
const memberBody = z.object({
  name: z.string().min(1).max(100),
  to: z.string().regex(/^(\+[1-9]\d{6,14}|sips?:\S+)$/, 'E.164 number or sip: URI'),
  status: z.enum(['available', 'busy', 'offline']).default('available'),
  workingHours: workingHours.nullable().optional(),
  /** The person (account) this member is: an owner's or admin's texts from `to` can change shared schedules. */
  personId: z.string().min(1).nullable().optional(),
}).strict();
const statusBody = z.object({ status: z.enum(['available', 'busy', 'offline']) }).strict();
const memberId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _');

/** Each flow's draft and published documents, for {@link memberUses}. */
async function flowDocs(ctx: Ctx, company: string) {
  return Promise.all((await ctx.store.listFlows(company)).map(async (f) => {
    const live = f.publishedVersion ? (await ctx.store.getVersion(company, f.id, f.publishedVersion))?.doc : undefined;
    return { id: f.id, name: f.name, docs: live ? [f.doc, live] : [f.doc] };
  }));
}

/**
 * `/api/team`: members and availability. `GET` keeps the shape the builder's
 * round-robin picker reads: `{members:[{id, name, to, status}]}` (plus extras);
 * `status` is what roundRobin sees now (outside working hours: offline); `usedBy` lists the flows that ring them.
 */
export function teamRouter(ctx: Ctx): Router {
  const r = Router();
  const view = (m: MemberRow, usedBy?: MemberUse[]) => ({ id: m.id, name: m.name, to: m.to, status: effectiveStatus(m, ctx.now()), setStatus: m.status,
    workingHours: m.workingHours, personId: m.personId ?? null, lastCallEndedAt: m.lastCallEndedAt, onCall: m.busyCallId, ...(usedBy ? { usedBy } : {}) });
  r.get('/api/team', async (_req, res) => {
    const company = companyOf(res).id;
    const members = await ctx.store.listMembers(company);
    const uses = memberUses(await flowDocs(ctx, company), members);
    res.json({ members: members.map((m) => view(m, uses.get(m.id) ?? [])) });
  });
  r.put('/api/team/:id', async (req, res) => {
    const id = memberId.parse(req.params.id);
    const b = memberBody.parse(req.body);
    if (b.personId && !(await ctx.store.person(companyOf(res).id, b.personId))) throw new AppError('bad_request', `personId: no person ${b.personId} in this company`, ['personId']);
    const m = await ctx.store.putMember({ companyId: companyOf(res).id, id, name: b.name, to: b.to, status: b.status, workingHours: b.workingHours ?? null, personId: b.personId ?? null });
    res.json({ member: view(m) });
  });
  r.patch('/api/team/:id', async (req, res) => {
    const company = companyOf(res).id;
    const b = statusBody.parse(req.body);
    const old = (await ctx.store.listMembers(company)).find((m) => m.id === req.params.id);
    if (!old) throw notFound(`Member ${req.params.id}`);
    const m = await ctx.store.putMember({ ...old, status: b.status });
    // A member now available may take a caller waiting for a call back (server/calls/queue.ts); placed after the answer.
    if (m.status === 'available') void serveCallbacks(ctx, company).catch((err) => ctx.log.error({ err }, 'queue callbacks failed'));
    res.json({ member: view(m) });
  });
  r.delete('/api/team/:id', async (req, res) => {
    if (!(await ctx.store.deleteMember(companyOf(res).id, req.params.id))) throw notFound(`Member ${req.params.id}`);
    res.status(204).end();
  });
  return r;
}
