/**
 * A call refused before it is answered (the reject kind, engine/nodes/reject.ts): Telnyx bills nothing and the
 * caller hears a refusal or busy, but only when the refusal comes first. TeXML answers the call as it fetches the
 * first document, whose first verb is then `<Reject>`; Call Control answers only when told to, so for a flow that
 * has a reject the server looks at the flow's first step on `call.initiated`, before it answers.
 *
 * The look is the engine's pure step on the call's first event, thrown away (nothing stored): the real first
 * step is taken by `advance` as for every call, from the same data. A flow without a reject step is not stepped.
 */
import { step } from '../../engine/step.js';
import { mayReject, unansweredReject } from '../../engine/nodes/reject.js';
import type { Ctx } from '../deps.js';
import type { Mode } from '../../engine/types.js';
import { flowFor, versionKey } from './runner.js';

/** Does this call's first step refuse it (a reject before anything answers)? */
export async function rejectsFirst(ctx: Ctx, v: { companyId: string; flowId: string; version: number; mode: Mode }, call: { callId: string; from: string; to: string }): Promise<boolean> {
  // A version that cannot run is not refused here: the call goes the usual way, to the apology and the log line.
  const flow = await flowFor(ctx, v).catch(() => undefined);
  if (!flow || !mayReject(flow)) return false;
  const company = await ctx.store.company(v.companyId);
  const env = { now: ctx.now().toISOString(), mode: v.mode, company: { name: company?.name ?? '', id: v.companyId } };
  const r = step(flow, null, { type: 'call.started', from: call.from, to: call.to, callId: call.callId, direction: 'inbound' }, env, { version: versionKey(v.companyId, v.flowId, v.version) });
  return unansweredReject(r.instructions, { callId: call.callId, clientState: '' }) !== undefined;
}
