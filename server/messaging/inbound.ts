/**
 * Acts on verified messaging webhooks (once per event id): inbound messages
 * are stored in their conversation and keywords honoured; delivery updates
 * move outbound messages forward (queued → sent → delivered | failed).
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../deps.js';
import type { MessageRow, MessageStatus } from '../store/business-types.js';
import { chargeUnits } from '../billing/ledger.js';
import { keywordOf, keywordReply } from './keywords.js';
import { messageCharge, sendMessage } from './send.js';
import { conversationText } from './conversations.js';
import { scheduleCommandSms } from './schedule-sms.js';

/** The fields of Telnyx's message object this server reads. */
export interface MessagePayload {
  id?: string; direction?: string; text?: string | null;
  from?: { phone_number?: string }; to?: { phone_number?: string; status?: string }[];
  media?: { url?: string }[]; errors?: { code?: string; title?: string; detail?: string }[];
}

/** Telnyx's per-recipient status → ours. */
export function statusOf(s: string | undefined): MessageStatus | undefined {
  switch (s) {
    case 'queued': case 'sending': return 'queued';
    case 'sent': case 'delivery_unconfirmed': return 'sent';
    case 'delivered': return 'delivered';
    case 'sending_failed': case 'delivery_failed': case 'expired': return 'failed';
    default: return undefined;
  }
}

function row(companyId: string, p: MessagePayload, direction: 'inbound' | 'outbound', status: MessageStatus, at: string): MessageRow {
  const text = p.text ?? null, media = (p.media ?? []).map((m) => m.url).filter((u): u is string => !!u);
  const c = messageCharge(text ?? '', media.length, direction === 'inbound' ? 'in' : 'out');
  const ours = direction === 'inbound' ? p.to?.[0]?.phone_number : p.from?.phone_number;
  const theirs = direction === 'inbound' ? p.from?.phone_number : p.to?.[0]?.phone_number;
  return { id: randomUUID(), companyId, telnyxId: p.id ?? null, direction, ourNumber: ours ?? '', customer: theirs ?? '', text, media,
    segments: c.seg.segments, encoding: c.seg.encoding, status, error: null, createdAt: at, updatedAt: at };
}

async function received(ctx: Ctx, p: MessagePayload): Promise<string | undefined> {
  const ours = p.to?.[0]?.phone_number, theirs = p.from?.phone_number;
  const number = ours ? await ctx.store.numberByE164(ours) : undefined;
  if (!number || !theirs) return undefined;
  const m = row(number.companyId, p, 'inbound', 'received', ctx.now().toISOString());
  if (!(await ctx.store.insertMessage(m))) return number.companyId; // seen already
  const c = messageCharge(m.text ?? '', m.media.length, 'in');
  if (p.id) await chargeUnits(ctx, number.companyId, c.kind, p.id, c.quantity, c.unit, `${theirs} → ${ours}`);
  // An owner's "CLOSED UNTIL 15:00" changes a shared schedule and is answered; anyone else's text goes on below.
  if (await scheduleCommandSms(ctx, number.companyId, theirs, ours!, m.text)) return number.companyId;
  const k = keywordOf(m.text);
  if (k) {
    if (k !== 'help') await ctx.store.setOptOut(number.companyId, theirs, k === 'stop');
    const company = await ctx.store.company(number.companyId);
    try {
      await sendMessage(ctx, number.companyId, { from: ours!, to: theirs, text: keywordReply(k, company?.name ?? 'We') }, { ignoreOptOut: true, ignoreBudget: true });
    } catch (err) {
      ctx.log.warn({ err, keyword: k }, 'keyword reply failed');
    }
  }
  // The number's SMS flow (after the keyword rules, which win over it): STOP ends the texter's conversation.
  await conversationText(ctx, number.companyId, m, k);
  return number.companyId;
}

async function delivery(ctx: Ctx, p: MessagePayload): Promise<string | undefined> {
  const status = statusOf(p.to?.[0]?.status);
  if (!p.id || !status) return undefined;
  const err = p.errors?.[0];
  const updated = await ctx.store.advanceMessage(p.id, status, err ? `${err.code ?? ''} ${err.detail ?? err.title ?? ''}`.trim() : null);
  if (updated) return updated.companyId;
  // Not sent through the API (a flow's sms node), or the webhook beat the SDK's answer: store it from the event.
  const from = p.from?.phone_number;
  const number = from ? await ctx.store.numberByE164(from) : undefined;
  if (!number) return undefined;
  await ctx.store.insertMessage(row(number.companyId, p, 'outbound', status, ctx.now().toISOString()));
  const c = messageCharge(p.text ?? '', (p.media ?? []).length, 'out');
  await chargeUnits(ctx, number.companyId, c.kind, p.id, c.quantity, c.unit, `${from} → ${p.to?.[0]?.phone_number ?? '?'}`);
  return number.companyId;
}

/** Handles one messaging event; returns the company it belongs to, when known. */
export async function onMessagingEvent(ctx: Ctx, type: string, p: MessagePayload): Promise<string | undefined> {
  if (type === 'message.received') return received(ctx, p);
  if (type === 'message.sent' || type === 'message.finalized') return delivery(ctx, p);
  return undefined;
}
