import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { cardLine, exitPhrase } from './words.js';

/** End the call. No ports: the step marks the call ended. */
export const hangup = defineNode({
  type: 'hangup',
  label: 'Hang up',
  description: 'End the call (in an SMS flow: end the conversation; the next text starts the flow again).',
  schema: z.object({ reason: z.string().optional() }),
  example: {},
  ports: () => [],
  // It ends the call: nothing is awaited (and with no ports it can never be part of a loop).
  waits: () => false,
  channels: ['voice', 'sms'],
  noun: 'hang-up',
  portPhrase: exitPhrase, // no ports
  accent: 'red',
  summary: (d) => [d.reason ? cardLine(d.reason) : 'end the call'],
  sets: () => [],
  cost: () => ({}),
  enter: (d) => ({ emit: [{ verb: 'hangup', reason: d.reason }] }),
});
