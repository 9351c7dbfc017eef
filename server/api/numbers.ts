import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import { phoneNumberId } from '../telnyx/numbers.js';
import { companyOf } from './auth.js';
import { telnyxError } from './telnyx-error.js';
import { audit } from './audit.js';

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'Use E.164, e.g. +13125550100');
const putBody = z.object({
  flowId: z.string().min(1).optional(), mode: z.enum(['texml', 'call-control']).optional(),
  smsFlowId: z.string().min(1).nullable().optional(),
}).strict()
  .refine((b) => (b.flowId === undefined) === (b.mode === undefined), { message: 'Give flowId and mode together (the flow a call runs, and how)', path: ['mode'] })
  .refine((b) => b.flowId !== undefined || b.smsFlowId !== undefined, { message: 'Give flowId and mode (calls), smsFlowId (texts), or both', path: ['flowId'] });

/**
 * A flow a number may run: it exists (404), and its channel fits (400): a call's `flowId` is not an SMS flow;
 * an `smsFlowId` is published (the version a text runs) and its published version has `"channel": "sms"`.
 */
async function checkFlow(ctx: Ctx, company: string, id: string, channel: 'voice' | 'sms', path: string[]): Promise<void> {
  const flow = await ctx.store.getFlow(company, id);
  if (!flow) throw new AppError('not_found', `Flow ${id} not found`, path);
  const published = flow.publishedVersion ? (await ctx.store.getVersion(company, id, flow.publishedVersion))?.doc : undefined;
  const channelOf = (doc: unknown) => ((doc as { channel?: unknown } | undefined)?.channel === 'sms' ? 'sms' : 'voice');
  if (channel === 'voice') {
    if (channelOf(published ?? flow.doc) === 'sms') throw new AppError('bad_request', `${path[0]}: flow ${id} is started by a text ("channel": "sms"); give it as smsFlowId`, path);
    return;
  }
  if (!published) throw new AppError('bad_request', `${path[0]}: flow ${id} has no published version yet; publish it first (a text runs the published version)`, path);
  if (channelOf(published) !== 'sms') throw new AppError('bad_request', `${path[0]}: flow ${id} is a call flow; an SMS flow has "channel": "sms" (its steps: Send SMS, Wait for reply, Keyword menu, Branch, ...)`, path);
}

/**
 * `PUT /api/numbers/:e164`: points a number at a flow. A number the company
 * already holds (bought through us, or routed before) is re-pointed. Any
 * other number is routed only when the company's Telnyx account lists it
 * (checked through the API, so nobody claims a number by naming it) and no
 * other company here holds it: 404 when Telnyx does not list it, 409 when
 * another company holds it. `smsFlowId` (a published SMS flow, or null to clear it) is what an inbound text
 * runs (server/messaging/conversations.ts); on a number the company holds it may be sent alone.
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
    if (b.flowId !== undefined) await checkFlow(ctx, company, b.flowId, 'voice', ['flowId']);
    if (b.smsFlowId) await checkFlow(ctx, company, b.smsFlowId, 'sms', ['smsFlowId']);
    const own = await ctx.store.bizNumber(company, number);
    if (own && own.status !== 'released') {
      if (b.smsFlowId !== undefined) {
        await ctx.store.setSmsFlow(company, number, b.smsFlowId);
        await audit(ctx, res, 'number.route', number, { smsFlowId: b.smsFlowId });
      }
      const row = b.flowId !== undefined ? await ctx.store.putNumber(company, number, b.flowId, b.mode!) : (await ctx.store.listNumbers(company)).find((n) => n.e164 === number);
      if (b.flowId !== undefined) await audit(ctx, res, 'number.route', number, { flowId: b.flowId, mode: b.mode });
      return void res.json({ number: { ...row, smsFlowId: (await ctx.store.bizNumber(company, number))?.smsFlowId ?? null } });
    }
    if (b.flowId === undefined) throw new AppError('not_found', `${number} is not a number of this company yet: route it with flowId and mode first (or together with smsFlowId)`, ['e164']);
    // Checked before asking Telnyx: another company's number is never routed here, whatever Telnyx says.
    const taken = new AppError('conflict', 'This number is held by another company on this server', ['e164']);
    if (await ctx.store.numberByE164(number)) throw taken;
    let id: string | undefined;
    try { id = await phoneNumberId(ctx.telnyx, number); } catch (err) { throw telnyxError(err, `Checking ${number} on your Telnyx account`); }
    if (!id) {
      throw new AppError('not_found', `${number} is not on your Telnyx account, so calls to it cannot reach this server. Buy it with POST /api/numbers, or add it to your Telnyx account first.`, ['e164']);
    }
    const claimed = await ctx.store.claimNumber(company, number, b.flowId, b.mode!, id);
    if (!claimed) throw taken;
    const { e164: at, companyId, flowId, mode, updatedAt } = claimed;
    await audit(ctx, res, 'number.route', number, { flowId, mode });
    if (b.smsFlowId !== undefined) {
      await ctx.store.setSmsFlow(company, number, b.smsFlowId);
      await audit(ctx, res, 'number.route', number, { smsFlowId: b.smsFlowId });
    }
    res.json({ number: { e164: at, companyId, flowId, mode, updatedAt, smsFlowId: b.smsFlowId ?? null } });
  });
  return r;
}
