import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import { phoneNumberId } from '../telnyx/numbers.js';
import { companyOf } from './auth.js';
import { telnyxError } from './telnyx-error.js';
import { audit } from './audit.js';

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'Use E.164, e.g. +13125550100');
const putBody = z.object({ flowId: z.string().min(1), mode: z.enum(['texml', 'call-control']) }).strict();

/**
 * `PUT /api/numbers/:e164`: points a number at a flow. A number the company
 * already holds (bought through us, or routed before) is re-pointed. Any
 * other number is routed only when the company's Telnyx account lists it
 * (checked through the API, so nobody claims a number by naming it) and no
 * other company here holds it: 404 when Telnyx does not list it, 409 when
 * another company holds it.
 */
export function numbersRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/numbers', async (_req, res) => {
    res.json({ numbers: await ctx.store.listNumbers(companyOf(res).id) });
  });
  r.put('/api/numbers/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const parsed = e164.safeParse(req.params.e164);
    if (!parsed.success) throw new AppError('bad_request', `e164: ${parsed.error.issues[0]!.message}`, ['e164']);
    const number = parsed.data;
    const b = putBody.parse(req.body);
    if (!(await ctx.store.getFlow(company, b.flowId))) throw new AppError('not_found', `Flow ${b.flowId} not found`, ['flowId']);
    const own = await ctx.store.bizNumber(company, number);
    if (own && own.status !== 'released') {
      const row = await ctx.store.putNumber(company, number, b.flowId, b.mode);
      await audit(ctx, res, 'number.route', number, { flowId: b.flowId, mode: b.mode });
      return void res.json({ number: row });
    }
    // Checked before asking Telnyx: another company's number is never routed here, whatever Telnyx says.
    const taken = new AppError('conflict', 'This number is held by another company on this server', ['e164']);
    if (await ctx.store.numberByE164(number)) throw taken;
    let id: string | undefined;
    try { id = await phoneNumberId(ctx.telnyx, number); } catch (err) { throw telnyxError(err, `Checking ${number} on your Telnyx account`); }
    if (!id) {
      throw new AppError('not_found', `${number} is not on your Telnyx account, so calls to it cannot reach this server. Buy it with POST /api/numbers, or add it to your Telnyx account first.`, ['e164']);
    }
    const claimed = await ctx.store.claimNumber(company, number, b.flowId, b.mode, id);
    if (!claimed) throw taken;
    const { e164: at, companyId, flowId, mode, updatedAt } = claimed;
    await audit(ctx, res, 'number.route', number, { flowId, mode });
    res.json({ number: { e164: at, companyId, flowId, mode, updatedAt } });
  });
  return r;
}
