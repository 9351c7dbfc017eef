/**
 * Sends one SMS/MMS for a company through the official SDK: checks the
 * sender is the company's active number, the recipient has not opted out
 * and the budget allows it; stores the message and charges its segments.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../deps.js';
import { AppError } from '../errors.js';
import { telnyxError } from '../api/telnyx-error.js';
import { chargeUnits, ratesOf } from '../billing/ledger.js';
import { assertBudget, holdBudget, type BudgetHold } from '../billing/budget.js';
import type { MessageRow } from '../store/business-types.js';
import { countSegments } from './segments.js';

/** A message to send (E.164 numbers, checked by the caller's zod schema). */
export interface OutgoingMessage { from: string; to: string; text?: string; mediaUrls?: string[] }
/** Exceptions for messages the server owes rather than ones a user asked for. */
export interface SendOptions {
  /** Keyword replies (STOP confirmations) go out even to an opted-out number. */
  ignoreOptOut?: boolean;
  /** Notifications the server owes (voicemail, keyword replies) are not refused by the budget. */
  ignoreBudget?: boolean;
}

/** The ledger kind and quantity of a message: segments for SMS, one message for MMS. */
export function messageCharge(text: string, media: number, direction: 'in' | 'out') {
  const seg = countSegments(text);
  return media > 0
    ? { kind: direction === 'out' ? 'mms_out_message' as const : 'mms_in_message' as const, quantity: 1, unit: 'message', seg }
    : { kind: direction === 'out' ? 'sms_out_segment' as const : 'sms_in_segment' as const, quantity: seg.segments, unit: 'segment', seg };
}

/** Sends and stores one message; 400 (sender), 409 (opted out), 402 (budget) or 502 (Telnyx) otherwise. */
export async function sendMessage(ctx: Ctx, companyId: string, m: OutgoingMessage, o: SendOptions = {}): Promise<MessageRow> {
  const number = await ctx.store.bizNumber(companyId, m.from);
  if (!number || number.status !== 'active') throw new AppError('bad_request', `from: ${m.from} is not an active number of this company`, ['from']);
  if (!o.ignoreOptOut && (await ctx.store.isOptedOut(companyId, m.to))) {
    throw new AppError('conflict', `to: ${m.to} has opted out (replied STOP); it can be messaged again once it replies START`, ['to'], { reason: 'opted_out' });
  }
  const media = m.mediaUrls ?? [];
  const c = messageCharge(m.text ?? '', media.length, 'out');
  let hold: BudgetHold | undefined;
  if (!o.ignoreBudget) {
    const rates = await ratesOf(ctx, companyId);
    hold = await holdBudget(ctx, companyId, rates[c.kind] * c.quantity, 'This message');
  }
  let telnyxId: string;
  try {
    const profile = (await ctx.store.settings(companyId)).messagingProfileId;
    try {
      const res = await ctx.telnyx.messages.send({
        from: m.from, to: m.to, ...(m.text ? { text: m.text } : {}), ...(media.length ? { media_urls: media } : {}),
        ...(profile ? { messaging_profile_id: profile } : {}),
      });
      telnyxId = String(res.data?.id ?? '');
    } catch (err) {
      throw telnyxError(err, 'Sending the message');
    }
    const t = ctx.now().toISOString();
    const row: MessageRow = {
      id: randomUUID(), companyId, telnyxId: telnyxId || null, direction: 'outbound', ourNumber: m.from, customer: m.to,
      text: m.text ?? null, media, segments: c.seg.segments, encoding: c.seg.encoding, status: 'queued', error: null, createdAt: t, updatedAt: t,
    };
    // A delivery webhook may have stored the message first (it raced the SDK's answer): keep that row.
    await ctx.store.insertMessage(row);
    if (telnyxId) await chargeUnits(ctx, companyId, c.kind, telnyxId, c.quantity, c.unit, `${m.from} → ${m.to}`);
    const stored = (await ctx.store.listMessages(companyId, { customer: m.to })).find((x) => x.telnyxId === telnyxId);
    return stored ?? row;
  } finally {
    hold?.release(); // the charge is in the ledger now (or nothing was spent)
  }
}

/**
 * Why a flow's sms node must not send to `to` (opted out, or past the budget),
 * or undefined when it may. The call itself goes on either way.
 */
export async function flowSmsBlocked(ctx: Ctx, companyId: string, to: string, text: string, media: number): Promise<string | undefined> {
  if (await ctx.store.isOptedOut(companyId, to)) return 'opted_out';
  const c = messageCharge(text, media, 'out');
  try {
    await assertBudget(ctx, companyId, (await ratesOf(ctx, companyId))[c.kind] * c.quantity, 'This message');
  } catch {
    return 'budget_exceeded';
  }
  return undefined;
}
