/**
 * Telnyx messaging: `POST /v2/messages` answers with the queued message
 * object, then sends signed `message.sent` and `message.finalized` events.
 */
import { Router } from 'express';
import { sendEvent, type SandboxContext } from './context.js';
import { body, errors, isE164, requireE164, sendOwnError, uuid } from './util.js';

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€\f';

/** Encoding and number of parts, as carriers count them (GSM-7 153/160, UCS-2 67/70). */
export function segments(text: string): { encoding: 'GSM-7' | 'UCS-2'; parts: number; chars: number } {
  let septets = 0, gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXT.includes(ch)) septets += 2;
    else { gsm = false; break; }
  }
  if (gsm) return { encoding: 'GSM-7', parts: septets <= 160 ? 1 : Math.ceil(septets / 153), chars: septets };
  const units = text.length; // UTF-16 code units, which is what UCS-2 counts
  return { encoding: 'UCS-2', parts: units <= 70 ? 1 : Math.ceil(units / 67), chars: units };
}

export type SentMessage = Record<string, unknown> & { id: string; from: { phone_number: string; [k: string]: unknown }; to: { phone_number: string; status: string; [k: string]: unknown }[]; text: string | null };

/** Called for every message sent, so an active simulated call can show it. */
export type OnMessage = (m: SentMessage) => void;

export function messagesRouter(ctx: SandboxContext, sent: SentMessage[], onMessage: OnMessage): Router {
  const r = Router();
  r.post('/messages', (req, res) => {
    const b = body(req);
    const to = requireE164(b, 'to')!;
    const from = b.from;
    if ((from === undefined || from === '') && !b.messaging_profile_id) throw errors.missing('from');
    if (from !== undefined && from !== '' && (typeof from !== 'string' || (!isE164(from) && !/^[A-Za-z0-9 ]{1,11}$/.test(from)))) throw errors.invalid('from', "The 'from' parameter must be a +E.164 number, a short code or an alphanumeric sender ID.");
    const text = typeof b.text === 'string' ? b.text : null;
    const media = Array.isArray(b.media_urls) ? (b.media_urls as unknown[]) : [];
    if (!text && media.length === 0) throw errors.missing('text');
    if (text && text.length > 1600) throw errors.invalid('text', 'text must be at most 1600 characters.');
    if (b.webhook_url !== undefined && (typeof b.webhook_url !== 'string' || !/^https?:\/\//.test(b.webhook_url))) throw errors.invalid('webhook_url', 'The URL provided was invalid.');
    const seg = segments(text ?? '');
    const at = ctx.now().toISOString();
    const msg: SentMessage = {
      record_type: 'message', id: uuid(), direction: 'outbound', type: media.length ? 'MMS' : 'SMS',
      from: { phone_number: (from as string) || '+10000000000', carrier: 'Telnyx', line_type: 'VoIP' },
      to: [{ phone_number: to, status: 'queued', carrier: 'Sandbox Wireless', line_type: 'Wireless' }],
      cc: [], text, subject: (b.subject as string) ?? null,
      media: media.map((url) => ({ url, content_type: null, sha256: null, size: null })),
      parts: seg.parts, encoding: seg.encoding, num_chars: seg.chars,
      cost: { amount: (0.004 * seg.parts).toFixed(4), currency: 'USD' }, tags: Array.isArray(b.tags) ? b.tags : [],
      messaging_profile_id: (b.messaging_profile_id as string) ?? null, received_at: at, sent_at: null, completed_at: null,
      valid_until: null, webhook_url: (b.webhook_url as string) ?? null, webhook_failover_url: (b.webhook_failover_url as string) ?? null, errors: [],
    };
    sent.push(msg);
    onMessage(msg);
    res.json({ data: msg });
    void lifecycle(msg);
  });
  r.get('/messages/:id', (req, res) => {
    const m = sent.find((x) => x.id === req.params.id);
    if (!m) throw errors.notFound(`Message '${req.params.id}' not found.`);
    res.json({ data: m });
  });

  /** queued → sent → delivered, each change announced like Telnyx does. */
  async function lifecycle(msg: SentMessage): Promise<void> {
    const url = (msg.webhook_url as string | null) ?? `${ctx.publicUrl()}/webhooks/messaging`;
    msg.to[0]!.status = 'sent'; msg.sent_at = ctx.now().toISOString();
    await sendEvent(ctx, url, 'message.sent', structuredClone(msg));
    msg.to[0]!.status = 'delivered'; msg.completed_at = ctx.now().toISOString();
    await sendEvent(ctx, url, 'message.finalized', structuredClone(msg));
  }
  return r;
}

/**
 * Simulates a text sent by someone to one of your numbers: Telnyx's
 * `message.received` event, signed, to `/webhooks/messaging`; with `mediaUrls`, an MMS.
 */
export function inboundMessagesRouter(ctx: SandboxContext): Router {
  const r = Router();
  r.post('/messages', async (req, res) => {
    const b = body(req);
    const raw = b.mediaUrls ?? [];
    const mediaOk = Array.isArray(raw) && raw.length <= 10 && raw.every((u) => typeof u === 'string' && /^https?:\/\//.test(u));
    const media: string[] = mediaOk ? (raw as string[]) : [];
    const bad = !isE164(b.from) ? 'from' : !isE164(b.to) ? 'to' : typeof b.text !== 'string' || (!b.text && !media.length) ? 'text' : !mediaOk ? 'mediaUrls' : '';
    if (bad) {
      const why = bad === 'text' ? 'text is required' : bad === 'mediaUrls' ? 'mediaUrls must be at most 10 http(s) URLs' : `${bad} must be a phone number in E.164 format`;
      sendOwnError(res, 'bad_request', why, [bad]); return;
    }
    const seg = segments(b.text as string);
    const at = ctx.now().toISOString();
    const payload = {
      // An MMS carries its attachments as Telnyx does: media [{url, content_type, size, hash_sha256}].
      record_type: 'message', id: uuid(), direction: 'inbound', type: media.length ? 'MMS' : 'SMS', text: b.text,
      media: media.map((url) => ({ url, content_type: /\.png$/i.test(url) ? 'image/png' : 'image/jpeg', size: null, hash_sha256: null })),
      parts: seg.parts, encoding: seg.encoding,
      from: { phone_number: b.from, carrier: 'Sandbox Wireless', line_type: 'Wireless' },
      to: [{ phone_number: b.to, status: 'webhook_delivered', carrier: 'Telnyx', line_type: 'VoIP' }],
      messaging_profile_id: null, received_at: at, sent_at: null, completed_at: null, errors: [], tags: [],
    };
    const d = await sendEvent(ctx, `${ctx.publicUrl()}/webhooks/messaging`, 'message.received', payload);
    res.json({ id: payload.id, delivered: d.status !== null && d.status < 300, status: d.status, attempts: d.attempts });
  });
  return r;
}
