import { z } from 'zod';
import { defineNode, type Emit } from '../node-kind.js';
import { cardLine, phrases, SHARED_PORT_PHRASES } from './words.js';

/** Send a text message (SMS, or MMS with media) and carry on at once. */
export const sms = defineNode({
  type: 'sms',
  label: 'Send SMS',
  description: 'Send a text message, by default to the caller (in an SMS flow: the texter) from the number they called or texted.',
  schema: z.object({
    to: z.string().min(1, 'Give the number to text').default('{{caller.from}}'),
    from: z.string().min(1, 'Give the number to text from').default('{{caller.to}}'),
    text: z.string({ error: 'Write the message' }).min(1, 'Write the message').max(1600, 'Keep the message under 1600 characters'),
    mediaUrls: z.array(z.string().min(1, 'Give the address of the picture or file')).max(10, 'Attach at most 10 files').optional(),
  }),
  example: { to: '{{caller.from}}', from: '{{caller.to}}', text: 'Thanks for calling! Reply to this message if you need anything.' },
  ports: () => ['next'],
  ownNumberFields: ['from'],
  // TeXML has no SMS verb: the server sends it through the messaging API, so the call never waits.
  waits: () => false,
  channels: ['voice', 'sms'],
  noun: 'text message',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next }),
  accent: 'orange',
  summary: (d) => [cardLine(`SMS: ${d.text ?? ''}`)],
  sets: () => [],
  cost: (d) => ({ texts: [String(d.text ?? '')] }),
  enter: (d, ctx) => {
    const e: Emit = { verb: 'sms', to: ctx.fill(d.to), from: ctx.fill(d.from), text: ctx.fill(d.text) };
    if (d.mediaUrls?.length) e.mediaUrls = d.mediaUrls.map((u) => ctx.fill(u));
    return { emit: [e], port: 'next' };
  },
});
