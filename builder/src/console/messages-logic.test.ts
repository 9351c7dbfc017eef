import { describe, expect, it } from 'vitest';
import { deliveryOf, outgoing, preview } from './messages-logic.js';

describe('delivery status', () => {
  it('reads each state, with the carrier error when a message failed', () => {
    expect((['queued', 'sent', 'delivered', 'received'] as const).map((status) => deliveryOf({ status, error: null, direction: 'outbound' }).text))
      .toEqual(['Queued', 'Sent', 'Delivered', 'Received']);
    expect(deliveryOf({ status: 'failed', error: '40300 Blocked as spam', direction: 'outbound' })).toEqual({ text: 'Failed: 40300 Blocked as spam', tone: 'err' });
    expect(deliveryOf({ status: 'delivered', error: null, direction: 'outbound' }).tone).toBe('ok');
  });
});

describe('the send box', () => {
  it('sends trimmed text, media URLs for an MMS, or nothing when empty', () => {
    expect(outgoing('+1', '+2', '  hi  ', '')).toEqual({ from: '+1', to: '+2', text: 'hi' });
    expect(outgoing('+1', '+2', '', 'https://a.test/1.jpg, https://a.test/2.jpg\nhttps://a.test/3.jpg'))
      .toEqual({ from: '+1', to: '+2', mediaUrls: ['https://a.test/1.jpg', 'https://a.test/2.jpg', 'https://a.test/3.jpg'] });
    expect(outgoing('+1', '+2', 'menu', ' https://a.test/m.jpg ')).toEqual({ from: '+1', to: '+2', text: 'menu', mediaUrls: ['https://a.test/m.jpg'] });
    expect(outgoing('+1', '+2', '   ', ' ')).toBeUndefined();
  });
  it('previews the last message, saying who wrote it', () => {
    expect(preview({ direction: 'outbound', text: 'See you', media: [] })).toBe('You: See you');
    expect(preview({ direction: 'inbound', text: null, media: ['a', 'b'] })).toBe('2 attachments');
  });
});
