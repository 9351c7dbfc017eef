import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { textVars } from '../messages.js';
import { phrases } from './words.js';

/** The longest a conversation waits for a reply: a week (Telnyx keeps no conversation state; ours is a row). */
export const MAX_REPLY_MINUTES = 7 * 24 * 60;

const schema = z.object({
  timeoutMinutes: z.number({ error: 'Give the minutes to wait for a reply' }).int('Use a whole number of minutes')
    .min(1, 'Wait at least 1 minute').max(MAX_REPLY_MINUTES, `Wait at most ${MAX_REPLY_MINUTES} minutes (a week)`).default(60),
});

/**
 * Wait for the texter's reply (an SMS flow's "Send & Wait For Reply" once an sms step has asked): the reply's
 * words go to `vars.reply` (and `vars.message`, `vars.media` for MMS) and the flow leaves by `reply`; after
 * `timeoutMinutes` without one, by `timeout`. The step emits `reply.await`; the server's sweeper brings the
 * `input.timeout` (server/messaging/conversations.ts). In a call there is nobody texting: it leaves by `timeout` at once.
 */
export const waitForReply = defineNode({
  type: 'waitForReply',
  label: 'Wait for reply',
  description: 'SMS flows: wait for the texter to answer. The answer is in {{vars.reply}} (branch or keyword menu on it); no answer in time leaves by timeout.',
  schema,
  example: { timeoutMinutes: 60 },
  ports: () => ['reply', 'timeout'],
  reachablePorts: () => ['reply', 'timeout'],
  channels: ['sms'],
  waits: (_d, mode) => mode === 'sms',
  noun: 'wait for a reply',
  portPhrase: phrases({ reply: 'for when the texter replies', timeout: 'for when the texter does not reply in time' }),
  accent: 'orange',
  summary: (d) => [`waits ${d.timeoutMinutes ?? 60} min for a reply → {{vars.reply}}`],
  sets: () => ['reply', 'message', 'media'],
  // The texts are the sms steps' (their segments); waiting costs nothing.
  cost: () => ({}),
  enter: (d, ctx) => (ctx.mode === 'sms' ? { emit: [{ verb: 'reply.await', minutes: d.timeoutMinutes }] } : { port: 'timeout' }),
  on: (_d, ev) => {
    if (ev.type === 'message.received') {
      const v = textVars(ev);
      return { vars: { ...v, reply: v.message! }, port: 'reply' };
    }
    if (ev.type === 'input.timeout') return { port: 'timeout' };
    return undefined;
  },
});
