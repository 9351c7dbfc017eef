/** Monthly number fees: charged once per number and month (ref `e164:YYYY-MM`). */
import type { Ctx } from '../deps.js';
import type { BizNumber } from '../store/business-types.js';
import { charge, ratesOf } from './ledger.js';
import type { RateKind } from './rates.js';

const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)/;

/** The rate kind of a number's monthly fee. */
export const feeKind = (e164: string): RateKind => (TOLL_FREE.test(e164) ? 'number_toll_free_month' : 'number_local_month');

/** Charges one number's fee for `month` (a no-op when already charged). */
export async function chargeNumberMonth(ctx: Ctx, n: BizNumber, month: string): Promise<void> {
  const kind = feeKind(n.e164);
  const micros = (await ratesOf(ctx, n.companyId))[kind];
  await charge(ctx, { companyId: n.companyId, kind, ref: `${n.e164}:${month}`, quantity: 1, unit: 'month', micros, detail: n.e164, month });
}

/** Charges the month's fee of every number held that month (idempotent; run when a statement is read). */
export async function chargeMonthlyFees(ctx: Ctx, companyId: string, month: string): Promise<void> {
  if (month > ctx.now().toISOString().slice(0, 7)) return;
  for (const n of await ctx.store.listBizNumbers(companyId)) {
    const held = n.status === 'active' || (n.status === 'released' && (n.releasedAt ?? '').slice(0, 7) >= month);
    if (held && (n.purchasedAt ?? n.updatedAt).slice(0, 7) <= month) await chargeNumberMonth(ctx, n, month);
  }
}
