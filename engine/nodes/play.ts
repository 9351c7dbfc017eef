import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { loopSchema } from './common.js';
import { cardLine, phrases, SHARED_PORT_PHRASES } from './words.js';
import { COST_ASSUMPTIONS } from './cost.js';

const FETCHABLE = /^(https?:\/\/|\{\{)/;

/** Play an audio file to the caller, then continue. */
export const play = defineNode({
  type: 'play',
  label: 'Play audio',
  description: 'Play a recording (an MP3 or WAV URL) to the caller.',
  schema: z.object({
    url: z.string({ error: 'Give the address of an audio file' }).min(1, 'Give the address of an audio file'),
    loop: loopSchema,
  }),
  example: { url: 'https://example.com/hold-music.mp3', loop: 1 },
  ports: () => ['next'],
  // In Call Control mode playback is asynchronous: wait for call.playback.ended.
  waits: (_d, mode) => mode === 'call-control',
  enter: (d, ctx) => ({
    emit: [{ verb: 'play', url: ctx.fill(d.url), loop: d.loop }],
    port: ctx.mode === 'texml' ? 'next' : undefined,
  }),
  on: (_d, ev) => (ev.type === 'prompt.ended' ? { port: 'next' } : undefined),
  noun: 'audio step',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next }),
  accent: 'blue',
  summary: (d) => [cardLine(`▶ ${d.url ?? ''}`)],
  sets: () => [],
  cost: (d) => ({ seconds: COST_ASSUMPTIONS.playSeconds * (d.loop || 1) }),
  lint: (d) => FETCHABLE.test(d.url) ? [] : [{ code: 'play.url', severity: 'warning', message: 'The audio address should start with https:// so Telnyx can fetch it.' }],
});
