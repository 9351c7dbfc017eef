import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';

const listQuery = z.object({
  flowId: z.string().min(1).max(200).optional(),
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();

/**
 * `GET /api/queues[?flowId=&active=true&limit=]`: the company's hold-queue entries (engine/nodes/queue.ts), newest
 * first: who is in line at which queue node (`waiting`, `callback`: hung up and waiting for a call back,
 * `calling`: the call back is placed) and how those who left did (`connected` with the agent, `timeout`,
 * `abandoned`, `missed`). `position` is the place in line of an active entry (1 = next), null for the others.
 */
export function queuesRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/queues', async (req, res) => {
    const q = listQuery.parse(req.query);
    const company = companyOf(res).id;
    const rows = await ctx.store.queueEntries(company, { ...(q.flowId ? { flowId: q.flowId } : {}), active: q.active === 'true', limit: q.limit });
    const active = new Set(['waiting', 'callback', 'calling']);
    const entries = await Promise.all(rows.map(async (e) => ({
      id: e.id, flowId: e.flowId, node: e.nodeId, callId: e.callId, firstCallId: e.firstCallId, state: e.state,
      position: active.has(e.state) ? (await ctx.store.queueAhead(company, e.flowId, e.nodeId, e.callId)) + 1 : null,
      callbackTo: e.callbackTo, agent: e.agent, joinedAt: e.joinedAt, leftAt: e.leftAt,
    })));
    res.json({ entries });
  });
  return r;
}
