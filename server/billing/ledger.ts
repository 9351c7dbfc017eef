/**
 * Writes the usage ledger from events. Every charge names what caused it
 * (`ref`), so a retried webhook cannot charge twice (one conditional insert).
 */
import type { Ctx } from '../deps.js';
import type { CallLogRow } from '../store/types.js';
import { billedSeconds, DEFAULT_INCREMENT_SECONDS, effectiveRates, perMinute, type RateKind } from './rates.js';

/** `YYYY-MM` of an ISO time (UTC). */
export const monthOf = (iso: string) => iso.slice(0, 7);

/** The company's effective rates (overrides over defaults). */
export async function ratesOf(ctx: Ctx, companyId: string): Promise<Record<RateKind, number>> {
  return effectiveRates(await ctx.store.rateOverrides(companyId));
}

/** The company's billing increment in seconds. */
export async function incrementOf(ctx: Ctx, companyId: string): Promise<number> {
  return (await ctx.store.settings(companyId)).billingIncrementSeconds ?? DEFAULT_INCREMENT_SECONDS;
}

/** One ledger line to write; `ref` names its cause (charged once per company, kind and ref). */
export interface Charge { companyId: string; kind: RateKind; ref: string; quantity: number; unit: string; micros: number; detail?: string; month?: string }

/** Adds one ledger line (once per company, kind and ref). */
export async function charge(ctx: Ctx, c: Charge): Promise<boolean> {
  const at = ctx.now().toISOString();
  return ctx.store.addUsage({ companyId: c.companyId, ref: c.ref, kind: c.kind, quantity: c.quantity, unit: c.unit, micros: c.micros, month: c.month ?? monthOf(at), at, detail: c.detail ?? null });
}

/** A per-unit charge at the company's rate. */
export async function chargeUnits(ctx: Ctx, companyId: string, kind: RateKind, ref: string, quantity: number, unit: string, detail?: string): Promise<boolean> {
  const rates = await ratesOf(ctx, companyId);
  return charge(ctx, { companyId, kind, ref, quantity, unit, micros: rates[kind] * quantity, detail });
}

/** A per-minute charge for `seconds`, rounded up to the company's billing increment. */
export async function chargeSeconds(ctx: Ctx, companyId: string, kind: RateKind, ref: string, seconds: number, detail?: string, increment?: number): Promise<boolean> {
  const [rates, inc] = await Promise.all([ratesOf(ctx, companyId), increment ?? incrementOf(ctx, companyId)]);
  const billed = billedSeconds(seconds, inc);
  if (!billed) return false;
  return charge(ctx, { companyId, kind, ref, quantity: billed, unit: 'second', micros: perMinute(rates[kind], billed), detail });
}

/** Minutes of an ended call, in or out, from answer to hangup. */
export async function chargeCall(ctx: Ctx, call: CallLogRow): Promise<void> {
  if (!call.answeredAt || !call.endedAt) return;
  // An answered call is billed at least one increment, as carriers do.
  const seconds = Math.max(1, Math.round((Date.parse(call.endedAt) - Date.parse(call.answeredAt)) / 1000));
  const kind = call.direction === 'outbound' ? 'call_out_minute' : 'call_in_minute';
  await chargeSeconds(ctx, call.companyId, kind, call.callId, seconds, `${call.from ?? '?'} → ${call.to ?? '?'}`);
}
