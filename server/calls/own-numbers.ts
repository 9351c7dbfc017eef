/**
 * The run-time half of "numbers not owned" (lint catches literal ones before publishing): a step's SMS `from`
 * and dial `callerId`, once templates are filled, must be active numbers of the flow's company. Refused ones
 * are logged and the call goes on: an SMS is not sent (so not billed), a dial goes out with the call's own
 * number (the company's number on this call) as its caller ID, or with none when even that is not the company's.
 */
import { compactNumber } from '../../engine/lint-numbers.js';
import type { Instruction } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { SessionRow } from '../store/types.js';

/** Whether `e164` is an active number of the company. */
export async function owned(ctx: Ctx, companyId: string, e164: string | undefined): Promise<boolean> {
  if (!e164) return false;
  return (await ctx.store.numberByE164(compactNumber(e164)))?.companyId === companyId;
}

/** The company's number on this call: the number dialled for an inbound call, the caller ID of an outbound one. */
async function callsOwnNumber(ctx: Ctx, session: SessionRow): Promise<string | undefined> {
  const call = await ctx.store.callById(session.callId);
  const own = call?.direction === 'outbound' ? call.from : call?.to;
  return own && (await owned(ctx, session.companyId, own)) ? own : undefined;
}

/**
 * The instructions with every SMS from, and every dial callerId, checked against the company's numbers
 * (module comment). The same array when there is nothing to check (no read at all), else a new one.
 */
export async function ownNumbersOnly(ctx: Ctx, session: SessionRow, instructions: Instruction[]): Promise<Instruction[]> {
  if (!instructions.some((i) => i.verb === 'sms' || (i.verb === 'dial' && i.callerId))) return instructions;
  const out: Instruction[] = [];
  for (const i of instructions) {
    if (i.verb === 'sms' && !(await owned(ctx, session.companyId, i.from))) {
      ctx.log.warn({ callId: session.callId, node: i.node, from: i.from }, 'sms from flow not sent: its from is not a number of the company');
      continue;
    }
    if (i.verb === 'dial' && i.callerId && !(await owned(ctx, session.companyId, i.callerId))) {
      const own = await callsOwnNumber(ctx, session);
      ctx.log.warn({ callId: session.callId, node: i.node, callerId: i.callerId, instead: own ?? null }, 'dial caller ID is not a number of the company; the call\'s own number is used');
      const { callerId: _refused, ...rest } = i;
      out.push(own ? { ...rest, callerId: own } : rest);
      continue;
    }
    out.push(i);
  }
  return out;
}
