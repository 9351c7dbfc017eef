/**
 * The monthly budget cap: spends a user asks for (messages, outbound calls,
 * numbers) reserve their cost before they happen, so concurrent requests
 * cannot pass the cap together.
 */
import type { Ctx } from '../deps.js';
import { AppError } from '../errors.js';
import { chargeMonthlyFees } from './fees.js';
import { monthOf } from './ledger.js';

/** Spend promised to requests that passed the budget check and have not reached the ledger yet, per company (this process). */
const holds = new Map<string, number>();

/** A reservation of part of the monthly budget; release it once the charge is in the ledger, or the spend failed. */
export interface BudgetHold { release(): void }

/**
 * Reserves `micros` of the company's monthly budget for a spend about to
 * happen, or refuses it (402 budget_exceeded) when the month's ledger, the
 * fees of numbers still on order and the spends other requests are making
 * right now would pass the cap. The hold is taken before anything is awaited,
 * so two sends racing for the last cents cannot both pass: the later one
 * counts the earlier one's hold. Inbound calls never come through here.
 */
export async function holdBudget(ctx: Ctx, companyId: string, micros: number, what: string): Promise<BudgetHold> {
  const others = holds.get(companyId) ?? 0;
  holds.set(companyId, others + micros);
  let released = false;
  const hold: BudgetHold = {
    release() {
      if (released) return;
      released = true;
      const left = (holds.get(companyId) ?? 0) - micros;
      if (left > 0) holds.set(companyId, left);
      else holds.delete(companyId);
    },
  };
  try {
    const cap = (await ctx.store.settings(companyId)).budgetMicros;
    if (cap === null || cap === undefined) return hold;
    const month = monthOf(ctx.now().toISOString());
    // This month's number fees are charged when first needed (idempotent): the check must see them.
    await chargeMonthlyFees(ctx, companyId, month);
    const [ledger, numbers] = await Promise.all([ctx.store.monthTotal(companyId, month), ctx.store.listBizNumbers(companyId)]);
    // A number on order is charged its first month when the order completes: count it already.
    const onOrder = numbers.reduce((sum, n) => sum + (n.status === 'pending' ? n.monthlyMicros ?? 0 : 0), 0);
    const spent = ledger + onOrder + others;
    if (spent + micros > cap) {
      throw new AppError('budget_exceeded', `${what} would cost ${micros} µ$ and pass the monthly budget (${spent} of ${cap} µ$ spent or committed)`, ['budget'],
        { budgetMicros: cap, spentMicros: spent, requiredMicros: micros });
    }
    return hold;
  } catch (err) {
    hold.release();
    throw err;
  }
}

/** Refuses (402 budget_exceeded) a spend that would pass the cap, without reserving anything (a check for spends made elsewhere). */
export async function assertBudget(ctx: Ctx, companyId: string, micros: number, what: string): Promise<void> {
  (await holdBudget(ctx, companyId, micros, what)).release();
}
