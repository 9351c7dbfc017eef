/** The Messages page's pure parts: how a message's delivery state reads, and what the send box sends. */

/** One message (GET /api/messages…). */
export interface Message {
  id: string; direction: 'inbound' | 'outbound'; ourNumber: string; customer: string; text: string | null; media: string[];
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'received'; error: string | null; createdAt: string; updatedAt: string;
}
/** One row of GET /api/messages/conversations. */
export interface Conversation { customer: string; ourNumber: string; last: Message; count: number; unread: number; optedOut: boolean }

/** How a message's state reads beside it, and its badge class. */
export function deliveryOf(m: Pick<Message, 'status' | 'error' | 'direction'>): { text: string; tone: 'ok' | 'warn' | 'err' | '' } {
  switch (m.status) {
    case 'queued': return { text: 'Queued', tone: '' };
    case 'sent': return { text: 'Sent', tone: 'warn' };
    case 'delivered': return { text: 'Delivered', tone: 'ok' };
    case 'failed': return { text: m.error ? `Failed: ${m.error}` : 'Failed', tone: 'err' };
    default: return { text: 'Received', tone: '' };
  }
}

export const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The body of POST /api/messages from the send box: the text (trimmed; none when empty) and the media URLs
 * (one or more, separated by spaces, commas or new lines: an MMS). Undefined when there is nothing to send.
 */
export function outgoing(from: string, to: string, text: string, media: string): { from: string; to: string; text?: string; mediaUrls?: string[] } | undefined {
  const urls = media.split(/[\s,]+/).map((u) => u.trim()).filter(Boolean);
  const t = text.trim();
  if (!t && !urls.length) return undefined;
  return { from, to, ...(t ? { text: t } : {}), ...(urls.length ? { mediaUrls: urls } : {}) };
}

/** The preview of a conversation's last message in the list. */
export function preview(m: Pick<Message, 'direction' | 'text' | 'media'>): string {
  const body = m.text ?? (m.media.length ? `${m.media.length} attachment${m.media.length > 1 ? 's' : ''}` : '');
  return `${m.direction === 'outbound' ? 'You: ' : ''}${body}`;
}
