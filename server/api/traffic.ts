import { Router } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { addCalls, emptyTraffic } from '../calls/traffic.js';

const DAY = 86_400_000;
const PAGE = 1000;
/** An instant: ISO 8601 with a date (a bare date is that day's midnight UTC). */
const instant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'Use an ISO 8601 date or date-time');
const query = z.object({
  from: instant.optional(),
  to: instant.optional(),
  version: z.coerce.number().int().min(1).optional(),
});

/**
 * `GET /api/flows/:id/traffic?from=&to=&version=`: per node, how many calls reached it, each port's count and
 * the drop-off, over calls started in [from, to) (default: the last 7 days up to now), of one version or all.
 * A flow of another company is a 404, as a missing one.
 */
export function trafficRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/flows/:id/traffic', async (req, res) => {
    const company = companyOf(res).id;
    const q = query.parse(req.query);
    if (!(await ctx.store.getFlow(company, req.params.id))) throw notFound(`Flow ${req.params.id}`);
    const to = q.to ? new Date(q.to) : ctx.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * DAY);
    if (from >= to) throw new AppError('bad_request', 'to: must be after from', ['to']);
    const range = { from: from.toISOString(), to: to.toISOString(), ...(q.version ? { version: q.version } : {}) };
    const total = emptyTraffic();
    // Page by page, letting webhooks in between: a month of a busy line is ~1 s of reading and counting.
    for (let after: { startedAt: string; callId: string } | undefined; ;) {
      const page = await ctx.store.callPaths(company, req.params.id, { ...range, limit: PAGE, ...(after ? { after } : {}) });
      addCalls(total, page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!;
      await nextTurn();
    }
    res.json({ flowId: req.params.id, ...range, version: q.version ?? null, ...total });
  });
  return r;
}
