import { Router } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'Use E.164, e.g. +13125550100');
const putBody = z.object({ flowId: z.string().min(1), mode: z.enum(['texml', 'call-control']) }).strict();

/** `/api/numbers`: list and point a number at a flow (local routing; Telnyx-side setup is the numbers work). */
export function numbersRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/numbers', async (_req, res) => {
    res.json({ numbers: await ctx.store.listNumbers(companyOf(res).id) });
  });
  r.put('/api/numbers/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const parsed = e164.safeParse(req.params.e164);
    if (!parsed.success) throw new AppError('bad_request', `e164: ${parsed.error.issues[0]!.message}`, ['e164']);
    const b = putBody.parse(req.body);
    if (!(await ctx.store.getFlow(company, b.flowId))) throw new AppError('not_found', `Flow ${b.flowId} not found`, ['flowId']);
    const number = await ctx.store.putNumber(company, parsed.data, b.flowId, b.mode);
    if (!number) throw notFound(`Number ${parsed.data}`);
    res.json({ number });
  });
  return r;
}
