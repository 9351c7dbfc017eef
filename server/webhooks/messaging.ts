import { Router } from 'express';
import type { Ctx } from '../deps.js';
import { rawBody, webhook, type Answer, type Incoming } from './capture.js';
import { onMessagingEvent, type MessagePayload } from '../messaging/inbound.js';
import { DELETED_TEXT } from '../store/sqlite-voicemail-delete.js';

interface MessageEnvelope { data?: { id?: string; event_type?: string; payload?: { id?: string; text?: string; to?: { phone_number?: string }[] } } }

const answer = (status: number, body: unknown, extra: Partial<Answer> = {}): Answer => ({ status, contentType: 'application/json', body: JSON.stringify(body), ...extra });

/** message.received / sent / finalized: verified, stored and processed once (the messages work acts on them). */
async function messaging(ctx: Ctx, inc: Incoming): Promise<Answer> {
  let env: MessageEnvelope;
  try { env = JSON.parse(inc.raw) as MessageEnvelope; } catch {
    return answer(400, { error: { code: 'bad_request', message: 'Body is not JSON', path: [] } });
  }
  const id = env.data?.id;
  if (!id || !env.data?.event_type) return answer(400, { error: { code: 'bad_request', message: 'data.id and data.event_type are required', path: ['data'] } });
  const first = await ctx.store.claimEvent(`msg:${id}`);
  // Stored, threaded, keywords and delivery status: only the first delivery of an event acts.
  const companyId = first ? await onMessagingEvent(ctx, env.data.event_type, (env.data.payload ?? {}) as MessagePayload) : undefined;
  const to = env.data.payload?.to?.[0]?.phone_number;
  const number = companyId ? undefined : to ? await ctx.store.numberByE164(to) : undefined;
  return answer(200, { ok: true, duplicate: !first }, { eventId: id, companyId: companyId ?? number?.companyId ?? null, logBody: await redacted(ctx, inc.raw, env) });
}

/**
 * A delivery receipt (message.sent / finalized, first or again) quotes the message's text. When we have since
 * redacted that text (a deleted voicemail's words in the owner's notification SMS), the log keeps our redacted
 * text, not Telnyx's copy: a receipt arriving after the delete must not put the words back in the database.
 */
async function redacted(ctx: Ctx, raw: string, env: MessageEnvelope): Promise<string | undefined> {
  const p = env.data?.payload;
  if (!p?.id || !p.text || (env.data?.event_type !== 'message.sent' && env.data?.event_type !== 'message.finalized')) return undefined;
  const stored = (await ctx.store.messageByTelnyxId(p.id))?.text;
  if (!stored || stored === p.text || !stored.includes(DELETED_TEXT)) return undefined;
  const inJson = (t: string) => JSON.stringify(t).slice(1, -1);
  return raw.split(inJson(p.text)).join(inJson(stored));
}

/** POST /webhooks/messaging. */
export function messagingRouter(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): Router {
  const r = Router();
  r.post('/webhooks/messaging', rawBody, webhook(ctx, 'messaging', check, (i) => messaging(ctx, i), () => answer(200, { ok: false })));
  return r;
}
