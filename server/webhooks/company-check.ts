import type { Ctx } from '../deps.js';

/**
 * The company check a call webhook passes before it acts on a stored call: the number the signed body names
 * for the call's own side (TeXML `To`, Call Control `to` of the call's own leg) must not be a number of
 * another company. A number no company holds any more (released mid-call) does not cut a live call short:
 * the call id itself came from the signed body. True when the call must be refused.
 */
export async function numberOfAnotherCompany(ctx: Ctx, companyId: string, e164: string | undefined): Promise<boolean> {
  if (!e164) return false;
  const n = await ctx.store.numberByE164(e164);
  return !!n && n.companyId !== companyId;
}

/**
 * The company check for a stored call's webhook, knowing both sides the signed body names: the call's own side
 * is `to` for an inbound call, and for an outbound flow call (server/calls/outbound-flow.ts) its caller ID `from`,
 * whose callee may well be another company's number. The outbound case costs a read only when `to` fails.
 */
export async function callOfAnotherCompany(ctx: Ctx, companyId: string, callId: string, to: string | undefined, from: string | undefined): Promise<boolean> {
  if (!(await numberOfAnotherCompany(ctx, companyId, to))) return false;
  return (await ctx.store.outboundByCallId(callId)) ? numberOfAnotherCompany(ctx, companyId, from) : true;
}
