import { Router } from 'express';
import type { AvailablePhoneNumberListParams } from 'telnyx/resources/available-phone-numbers';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { Mode } from '../../engine/types.js';
import { companyOf } from './auth.js';
import { e164 } from './messages.js';
import { telnyxError } from './telnyx-error.js';
import { learnTelnyxIds, releaseAtTelnyx, withTelnyxId, type ReleaseOutcome } from './numbers-telnyx.js';
import { monthOf, ratesOf } from '../billing/ledger.js';
import { holdBudget } from '../billing/budget.js';
import { chargeNumberMonth, feeKind } from '../billing/fees.js';
import type { BizNumber } from '../store/business-types.js';
import { audit } from './audit.js';

const FEATURES = ['sms', 'mms', 'voice', 'fax', 'emergency', 'hd_voice', 'international_sms', 'local_calling'] as const;
const searchQuery = z.object({
  areaCode: z.string().regex(/^[2-9]\d{2}$/, 'A 3-digit area code').optional(),
  locality: z.string().min(1).max(100).optional(),
  country: z.string().regex(/^[A-Z]{2}$/).default('US'),
  type: z.enum(['local', 'toll_free', 'mobile', 'national']).optional(),
  features: z.string().optional().transform((s) => (s ? s.split(',').map((f) => f.trim()).filter(Boolean) : [])).pipe(z.array(z.enum(FEATURES))),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
const purchaseBody = z.object({ phoneNumber: e164, flowId: z.string().min(1).optional(), mode: z.enum(['texml', 'call-control']).default('texml') }).strict();
const configureBody = z.object({ flowId: z.string().min(1).nullable().optional(), mode: z.enum(['texml', 'call-control']).optional(), voicemail: z.boolean().optional() }).strict();
const connectionsBody = z.object({ texmlConnectionId: z.string().min(1).optional(), callControlConnectionId: z.string().min(1).optional(), messagingProfileId: z.string().min(1).optional() }).strict();

const micros = (usd: string | undefined) => (usd ? Math.round(Number(usd) * 1_000_000) : null);

/** The Telnyx connection a mode routes to: the company's setting, else the server's (TELNYX_TEXML_APP_ID / TELNYX_CONNECTION_ID, or the sandbox's). */
export async function connectionFor(ctx: Ctx, companyId: string, mode: Mode): Promise<string | undefined> {
  const s = await ctx.store.settings(companyId);
  return mode === 'call-control' ? s.callControlConnectionId ?? ctx.connections.callControl : s.texmlConnectionId ?? ctx.connections.texml;
}

async function mine(ctx: Ctx, companyId: string, raw: string): Promise<BizNumber> {
  const parsed = e164.safeParse(raw);
  if (!parsed.success) throw new AppError('bad_request', `e164: ${parsed.error.issues[0]!.message}`, ['e164']);
  const n = await ctx.store.bizNumber(companyId, parsed.data);
  if (!n) throw notFound(`Number ${parsed.data}`);
  return n;
}

/** `/api/numbers`: search Telnyx's inventory, purchase, list with counters, configure, release. */
export function numbersMarketRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/numbers/search', async (req, res) => {
    const q = searchQuery.parse(req.query);
    const filter: AvailablePhoneNumberListParams.Filter = {
      country_code: q.country, limit: q.limit, ...(q.areaCode ? { national_destination_code: q.areaCode } : {}),
      ...(q.locality ? { locality: q.locality } : {}), ...(q.type ? { phone_number_type: q.type } : {}), ...(q.features.length ? { features: q.features } : {}),
    };
    let data;
    try { data = (await ctx.telnyx.availablePhoneNumbers.list({ filter })).data ?? []; } catch (err) { throw telnyxError(err, 'Searching numbers'); }
    res.json({ numbers: data.map((n) => ({
      phoneNumber: n.phone_number, type: (n as { phone_number_type?: string }).phone_number_type ?? q.type ?? 'local',
      features: (n.features ?? []).map((f) => f.name), monthlyMicros: micros(n.cost_information?.monthly_cost), upfrontMicros: micros(n.cost_information?.upfront_cost),
      region: (n.region_information ?? []).map((x) => x.region_name).filter(Boolean),
    })) });
  });
  r.post('/api/numbers', async (req, res) => {
    const company = companyOf(res).id;
    const b = purchaseBody.parse(req.body);
    if (b.flowId && !(await ctx.store.getFlow(company, b.flowId))) throw new AppError('not_found', `Flow ${b.flowId} not found`, ['flowId']);
    const held = await ctx.store.bizNumber(company, b.phoneNumber);
    if (held && held.status !== 'released') throw new AppError('conflict', `${b.phoneNumber} is already ${held.status} for this company`, ['phoneNumber']);
    if (!held && (await ctx.store.numberByE164(b.phoneNumber))) throw new AppError('conflict', `${b.phoneNumber} belongs to another company`, ['phoneNumber']);
    const fee = (await ratesOf(ctx, company))[feeKind(b.phoneNumber)];
    const hold = await holdBudget(ctx, company, fee, `Buying ${b.phoneNumber}`);
    let order;
    try {
      const connection = await connectionFor(ctx, company, b.mode);
      const profile = (await ctx.store.settings(company)).messagingProfileId;
      try {
        order = (await ctx.telnyx.numberOrders.create({ phone_numbers: [{ phone_number: b.phoneNumber }], ...(connection ? { connection_id: connection } : {}), ...(profile ? { messaging_profile_id: profile } : {}), customer_reference: company })).data;
      } catch (err) { throw telnyxError(err, `Ordering ${b.phoneNumber}`); }
      if (!order?.id) throw new AppError('telnyx', 'Telnyx returned no number order id');
      if (!(await ctx.store.addPendingNumber({ companyId: company, e164: b.phoneNumber, orderId: order.id, monthlyMicros: fee, flowId: b.flowId ?? null, mode: b.mode }))) {
        throw new AppError('conflict', `${b.phoneNumber} belongs to another company`, ['phoneNumber']);
      }
      // The order may already have completed (its webhook raced this answer): then its first month is charged now.
      if (order.status === 'success') {
        const activated = await ctx.store.activateOrder(order.id);
        for (const n of activated) await chargeNumberMonth(ctx, n, monthOf(ctx.now().toISOString()));
        await learnTelnyxIds(ctx, activated);
      }
    } finally {
      hold.release(); // from here the number counts as on order (pending) or in the ledger (active)
    }
    await audit(ctx, res, 'number.buy', b.phoneNumber, { order: order.id, monthlyMicros: fee, flowId: b.flowId ?? null });
    res.status(202).json({ number: await ctx.store.bizNumber(company, b.phoneNumber), order: { id: order.id, status: order.status } });
  });
  r.get('/api/numbers', async (_req, res) => {
    res.json({ numbers: await ctx.store.listBizNumbers(companyOf(res).id) });
  });
  r.get('/api/numbers/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const n = await mine(ctx, company, req.params.e164);
    const counters = (await ctx.store.listBizNumbers(company)).find((x) => x.e164 === n.e164)?.counters;
    res.json({ number: { ...n, ...(counters ? { counters } : {}) } });
  });
  r.put('/api/numbers/connections', async (req, res) => {
    const company = companyOf(res).id;
    const b = connectionsBody.parse(req.body);
    const s = { ...(await ctx.store.settings(company)), ...b };
    await ctx.store.saveSettings(company, s);
    await audit(ctx, res, 'number.connections', null, b);
    res.json({ connections: { texmlConnectionId: s.texmlConnectionId ?? null, callControlConnectionId: s.callControlConnectionId ?? null, messagingProfileId: s.messagingProfileId ?? null } });
  });
  r.patch('/api/numbers/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const n = await mine(ctx, company, req.params.e164);
    const b = configureBody.parse(req.body);
    if (n.status === 'released') throw new AppError('conflict', `${n.e164} was released`, ['e164']);
    if (b.flowId && !(await ctx.store.getFlow(company, b.flowId))) throw new AppError('not_found', `Flow ${b.flowId} not found`, ['flowId']);
    let telnyxId: string | undefined;
    if (b.mode && b.mode !== n.mode && n.status === 'active') {
      // Which connection answers the number decides TeXML or Call Control at Telnyx.
      const connection = await connectionFor(ctx, company, b.mode);
      if (connection) {
        try {
          telnyxId = await withTelnyxId(ctx, n, async (id) => { await ctx.telnyx.phoneNumbers.update(id, { connection_id: connection }); return id; });
        } catch (err) { throw telnyxError(err, `Moving ${n.e164} to ${b.mode}`); }
      }
    }
    const configured = await ctx.store.configureNumber(company, n.e164, { ...b, telnyxId });
    await audit(ctx, res, 'number.configure', n.e164, b);
    res.json({ number: configured });
  });
  r.delete('/api/numbers/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const n = await mine(ctx, company, req.params.e164);
    if (n.status === 'released') return void res.json({ number: n });
    // An order still pending completes at Telnyx anyway (and is billed): released here now, it would be billed unseen.
    if (n.status === 'pending') throw new AppError('conflict', `${n.e164} is still on order at Telnyx: release it once the order completed and the number is active`, ['e164']);
    // Released here only once Telnyx no longer holds it: a refusal throws, and the number stays active and billed.
    const telnyx: ReleaseOutcome | undefined = n.status === 'active' ? await releaseAtTelnyx(ctx, n) : undefined;
    const released = await ctx.store.releaseNumber(company, n.e164);
    await audit(ctx, res, 'number.release', n.e164, telnyx ? { telnyx } : null);
    res.json({ number: released, ...(telnyx ? { telnyx } : {}) });
  });
  return r;
}
