import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { cardLine, phrases, SHARED_PORT_PHRASES } from './words.js';
import { speechSeconds } from './cost.js';

/** Speak text to the caller, then continue. */
export const say = defineNode({
  type: 'say',
  label: 'Say',
  description: 'Speak a message to the caller with text-to-speech.',
  schema: z.object({
    text: z.string().min(1, 'Write what the caller hears'),
    voice: z.string().optional(),
    language: z.string().optional(),
    loop: z.number().int().min(1).max(10).default(1),
  }),
  example: { text: 'Thanks for calling.', loop: 1 },
  ports: () => ['next'],
  // In Call Control mode speech is asynchronous: wait for call.speak.ended.
  waits: (_d, mode) => mode === 'call-control',
  enter: (d, ctx) => ({
    emit: [{ verb: 'say', text: ctx.fill(d.text), voice: d.voice, language: d.language, loop: d.loop }],
    port: ctx.mode === 'texml' ? 'next' : undefined,
  }),
  on: (_d, ev) => (ev.type === 'prompt.ended' ? { port: 'next' } : undefined),
  noun: 'message',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next }),
  accent: 'blue',
  summary: (d) => [cardLine(`“${d.text ?? ''}”`)],
  sets: () => [],
  cost: (d) => ({ seconds: speechSeconds(d.text) * (d.loop || 1) }),
});
