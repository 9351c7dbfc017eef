/**
 * `/api/schedules` (issue #13 item 4): a company's shared schedules, which businessHours nodes follow by
 * `scheduleId`. List, get, create, update with a revision check, delete (refused while a flow follows it), a
 * temporary change (`POST …/override`, `DELETE …/override`) and "what at T" (`GET …/at?t=`).
 */
import { Router } from 'express';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { hoursSchema } from '../../engine/nodes/hours.js';
import { SCHEDULE_ID } from '../../engine/nodes/business-hours.js';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { ScheduleRow } from '../store/schedule-types.js';
import { flowsUsing } from '../calls/schedules.js';
import { activeTemporary, scheduleAt, untilInstant } from '../calls/schedule-override.js';
import { actorOf, companyOf } from './auth.js';
import { audit } from './audit.js';

const fields = {
  name: z.string().trim().min(1, 'Give the schedule a name').max(100),
  timezone: z.string({ error: 'Pick a time zone like America/New_York' }).refine((tz) => IANAZone.isValidZone(tz), 'Not a time zone we know: use a name like America/New_York'),
  weekly: hoursSchema.shape.weekly,
  holidays: hoursSchema.shape.holidays,
  overrides: hoursSchema.shape.overrides,
};
/** A new schedule: the POST body, and a file in flows/schedules/ (server/seed.ts). */
export const createBody = z.strictObject({ id: z.string().regex(SCHEDULE_ID, 'lower-case letters, digits and -, like main-office'), ...fields });
const updateBody = z.strictObject({ revision: z.number().int().min(1), ...fields });
const overrideBody = z.strictObject({
  state: z.enum(['open', 'closed'], { error: 'state is "open" or "closed"' }),
  until: z.string({ error: 'Give until: a local time like 15:00, "end-of-day", or a date and time with its offset' }),
  note: z.string().max(200).optional(),
});

type Hours = z.output<typeof createBody>;
export const hoursOf = (b: Pick<Hours, 'timezone' | 'weekly' | 'holidays' | 'overrides'>) => ({ timezone: b.timezone, weekly: b.weekly, holidays: b.holidays, overrides: b.overrides });

/** `/api/schedules…` (reads: viewer; changes: editor; delete: admin, server/accounts/roles.ts). */
export function schedulesRouter(ctx: Ctx): Router {
  const r = Router();
  const view = (s: ScheduleRow, extra: Record<string, unknown> = {}) => {
    const now = ctx.now();
    return { id: s.id, name: s.name, revision: s.revision, ...s.hours, temporary: activeTemporary(s, now), updatedAt: s.updatedAt, now: scheduleAt(s, now.toISOString()), ...extra };
  };
  const must = async (company: string, id: string) => {
    const s = await ctx.store.getSchedule(company, id);
    if (!s) throw notFound(`Schedule ${id}`);
    return s;
  };

  r.get('/api/schedules', async (_req, res) => {
    res.json({ schedules: (await ctx.store.listSchedules(companyOf(res).id)).map((s) => view(s)) });
  });
  r.post('/api/schedules', async (req, res) => {
    const b = createBody.parse(req.body);
    const s = await ctx.store.createSchedule({ companyId: companyOf(res).id, id: b.id, name: b.name, hours: hoursOf(b) });
    if (!s) throw new AppError('conflict', `A schedule with id ${b.id} exists already`, ['id']);
    await audit(ctx, res, 'schedule.change', s.id, { created: true });
    res.status(201).json({ schedule: view(s) });
  });
  r.get('/api/schedules/:id', async (req, res) => {
    const company = companyOf(res).id;
    const s = await must(company, req.params.id);
    res.json({ schedule: view(s, { usedBy: await flowsUsing(ctx, company, s.id) }) });
  });
  r.put('/api/schedules/:id', async (req, res) => {
    const company = companyOf(res).id;
    const b = updateBody.parse(req.body);
    const current = await must(company, req.params.id);
    const s = await ctx.store.updateSchedule(company, current.id, b.revision, { name: b.name, hours: hoursOf(b) });
    if (!s) throw new AppError('conflict', `The schedule changed since revision ${b.revision}; reload it (current revision ${(await ctx.store.getSchedule(company, current.id))?.revision ?? current.revision})`, ['revision'], { currentRevision: current.revision });
    await audit(ctx, res, 'schedule.change', s.id, { revision: s.revision });
    res.json({ schedule: view(s) });
  });
  r.delete('/api/schedules/:id', async (req, res) => {
    const company = companyOf(res).id;
    const s = await must(company, req.params.id);
    const usedBy = await flowsUsing(ctx, company, s.id);
    if (usedBy.length) {
      throw new AppError('conflict', `"${s.name}" is followed by ${usedBy.map((f) => `"${f.name}"`).join(', ')}: change ${usedBy.length === 1 ? 'that flow' : 'those flows'} (draft and published version) first`, undefined, { usedBy });
    }
    if (!(await ctx.store.deleteSchedule(company, s.id))) throw notFound(`Schedule ${s.id}`);
    await audit(ctx, res, 'schedule.delete', s.id, { name: s.name });
    res.status(204).end();
  });
  r.post('/api/schedules/:id/override', async (req, res) => {
    const company = companyOf(res).id;
    const b = overrideBody.parse(req.body);
    const s = await must(company, req.params.id);
    const now = ctx.now();
    const until = untilInstant(b.until, s.hours.timezone, now);
    if ('refused' in until) throw new AppError('bad_request', `until: ${until.refused}`, ['until']);
    const out = await ctx.store.setScheduleTemporary(company, s.id, { state: b.state, until: until.at, ...(b.note ? { note: b.note } : {}), setBy: actorOf(res).label, setAt: now.toISOString() });
    if (!out) throw notFound(`Schedule ${s.id}`);
    await audit(ctx, res, 'schedule.override', s.id, { state: b.state, until: until.at });
    res.json({ schedule: view(out) });
  });
  r.delete('/api/schedules/:id/override', async (req, res) => {
    const company = companyOf(res).id;
    const s = await must(company, req.params.id);
    const out = await ctx.store.setScheduleTemporary(company, s.id, null);
    if (!out) throw notFound(`Schedule ${s.id}`);
    await audit(ctx, res, 'schedule.override', s.id, { cleared: true });
    res.json({ schedule: view(out) });
  });
  // "What at T": where the schedule puts a call at the instant `t` (default now), and why.
  r.get('/api/schedules/:id/at', async (req, res) => {
    const s = await must(companyOf(res).id, req.params.id);
    const t = typeof req.query.t === 'string' && req.query.t ? req.query.t : ctx.now().toISOString();
    if (!DateTime.fromISO(t, { setZone: true }).isValid) throw new AppError('bad_request', 't: give an instant like 2026-12-24T10:00:00-05:00', ['t']);
    res.json({ at: t, ...scheduleAt(s, t) });
  });
  return r;
}

/** The company's schedule ids, for lint (engine/lint-schedules.ts). */
export async function scheduleIds(ctx: Ctx, companyId: string): Promise<string[]> {
  return (await ctx.store.listSchedules(companyId)).map((s) => s.id);
}
