import { z } from 'zod';
import { defineNode, type Emit } from '../node-kind.js';
import type { DialStatus } from '../types.js';
import { destinationSchema, secondsSchema } from './common.js';
import { phrases, SHARED_PORT_PHRASES } from './words.js';
import { dialCost } from './cost.js';
import { lintScreen, screenLine, screenSchema, toScreen, withScreen } from './screen.js';

/** The port each dial outcome leaves by. */
export const DIAL_PORTS: Record<DialStatus, string> = { connected: 'connected', 'no-answer': 'noAnswer', busy: 'busy', failed: 'failed' };

const FILLED_DESTINATION = /^(\+[1-9]\d{6,14}|sips?:[^\s@]+@\S+)$/;

/** Connect the caller to a phone number or SIP address. */
export const transfer = defineNode({
  type: 'transfer',
  label: 'Transfer',
  description: 'Connect the caller to a phone number or SIP address. Screening (optional): whoever answers hears a whisper and presses a key to take the call; a voicemail that answers counts as no answer.',
  schema: z.object({
    to: destinationSchema,
    ringSeconds: secondsSchema(5, 600).default(30),
    callerId: z.string().optional(),
    record: z.boolean().default(false),
    /** Call screening: a whisper, and a key the person who answers must press (optional). */
    screen: screenSchema.optional(),
  }),
  example: { to: '+13125550100', ringSeconds: 30, record: false },
  ports: () => ['connected', 'noAnswer', 'busy', 'failed'],
  reachablePorts: () => ['noAnswer', 'busy', 'failed'],
  ownNumberFields: ['callerId'],
  waits: () => true,
  noun: 'transfer',
  portPhrase: phrases({ connected: SHARED_PORT_PHRASES.connected, noAnswer: SHARED_PORT_PHRASES.noAnswer, busy: SHARED_PORT_PHRASES.busy, failed: SHARED_PORT_PHRASES.failed }),
  accent: 'green',
  summary: (d) => [`→ ${d.to ?? ''}`, ...screenLine(d.screen)],
  sets: () => [],
  cost: (d, port) => withScreen(dialCost(d, port), d.screen, port),
  lint: (d) => lintScreen(d.screen),
  enter: (d, ctx) => {
    const to = ctx.fill(d.to).trim();
    // A template that fills to nothing dialable fails at once rather than sending a bad dial to Telnyx.
    if (!FILLED_DESTINATION.test(to)) return { port: 'failed' };
    const e: Emit = { verb: 'dial', targets: [to], ring: 'sequential', timeoutSeconds: d.ringSeconds, record: d.record };
    if (d.callerId) e.callerId = ctx.fill(d.callerId);
    const screen = toScreen(d.screen, ctx.fill);
    if (screen) e.screen = screen;
    return { emit: [e] };
  },
  on: (d, ev, ctx) => {
    if (ev.type !== 'dial.ended') return undefined;
    // A connected dial ends with the conversation: whoever was reached there (a team member's number) is free again.
    if (ev.status === 'connected') return { emit: [{ verb: 'member.release', to: ctx.fill(d.to).trim() }], port: 'connected' };
    return { port: DIAL_PORTS[ev.status] ?? 'failed' };
  },
});
