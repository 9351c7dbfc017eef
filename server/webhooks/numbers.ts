import { Router } from 'express';
import type { Ctx } from '../deps.js';
import { rawBody, webhook, type Answer, type Incoming } from './capture.js';
import { chargeNumberMonth } from '../billing/fees.js';
import { learnTelnyxIds } from '../api/numbers-telnyx.js';

interface OrderEnvelope { data?: { id?: string; event_type?: string; payload?: { id?: string; status?: string; phone_numbers?: { phone_number?: string; status?: string }[] } } }

const answer = (status: number, body: unknown, extra: Partial<Answer> = {}): Answer => ({ status, contentType: 'application/json', body: JSON.stringify(body), ...extra });

/** number_order.complete: the order's pending numbers become active (once) and their first month is charged. */
async function numbers(ctx: Ctx, inc: Incoming): Promise<Answer> {
  let env: OrderEnvelope;
  try { env = JSON.parse(inc.raw) as OrderEnvelope; } catch {
    return answer(400, { error: { code: 'bad_request', message: 'Body is not JSON', path: [] } });
  }
  const id = env.data?.id, type = env.data?.event_type, order = env.data?.payload;
  if (!id || !type) return answer(400, { error: { code: 'bad_request', message: 'data.id and data.event_type are required', path: ['data'] } });
  if (!(await ctx.store.claimEvent(`num:${id}`))) return answer(200, { ok: true, duplicate: true }, { eventId: id });
  if (type !== 'number_order.complete' || !order?.id) return answer(200, { ok: true, ignored: type }, { eventId: id });
  if (order.status !== 'success') {
    if (order.status === 'pending') return answer(200, { ok: true, activated: [] }, { eventId: id });
    const failed = await ctx.store.failOrder(order.id);
    ctx.log.warn({ order: order.id, status: order.status, numbers: failed.map((n) => n.e164) }, 'number order failed; its numbers were not bought');
    return answer(200, { ok: true, failed: failed.map((n) => n.e164) }, { eventId: id, companyId: failed[0]?.companyId ?? null });
  }
  // The order names its own entries (`phone_numbers[].id` is not the number's id): the ids are looked up.
  const activated = await ctx.store.activateOrder(order.id);
  for (const n of activated) await chargeNumberMonth(ctx, n, ctx.now().toISOString().slice(0, 7));
  await learnTelnyxIds(ctx, activated);
  return answer(200, { ok: true, activated: activated.map((n) => n.e164) }, { eventId: id, companyId: activated[0]?.companyId ?? null });
}

/** POST /webhooks/numbers (number order status), verified like every Telnyx webhook. */
export function numbersWebhookRouter(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): Router {
  const r = Router();
  r.post('/webhooks/numbers', rawBody, webhook(ctx, 'numbers', check, (i) => numbers(ctx, i), () => answer(200, { ok: false })));
  return r;
}
