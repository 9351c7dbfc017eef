import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { defineVerb } from '../own-verbs.js';
import { secondsSchema } from './common.js';
import { phrases, SHARED_PORT_PHRASES } from './words.js';

declare module '../types.js' {
  interface KindInstructions { silence: { seconds: number } }
}

/** Seconds of silence in {@link SILENT_WAV}, the clip Call Control loops. */
export const SILENT_CLIP_SECONDS = 0.25;

/**
 * A quarter second of silence as a WAV file (8 kHz, 8-bit unsigned PCM, mono: 0x80 is the zero level), base64:
 * what Call Control plays for a pause, inline (`playback_content`), looped. Built once; pure.
 */
export const SILENT_WAV: string = (() => {
  const samples = 8000 * SILENT_CLIP_SECONDS;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => { for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i); };
  ascii(0, 'RIFF'); view.setUint32(4, 36 + samples, true); ascii(8, 'WAVE');
  ascii(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true); view.setUint32(28, 8000, true); view.setUint16(32, 1, true); view.setUint16(34, 8, true);
  ascii(36, 'data'); view.setUint32(40, samples, true);
  bytes.fill(0x80, 44);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
})();

/**
 * Wait in silence, then go on. TeXML: `<Pause length>` (1-180 s, Telnyx's range). Call Control has no pause
 * command; the faithful equivalent is a playback of silence: `playback_start` of {@link SILENT_WAV} sent inline
 * (`playback_content`, `audio_type: wav`), looped for the length, and `call.playback.ended` moves the call on
 * as the end of the pause. (A gather that times out would also wait, but it would take the caller's keys.)
 */
export const pause = defineNode({
  type: 'pause',
  label: 'Pause',
  description: 'Wait in silence for a few seconds (1-180), then go on.',
  schema: z.object({ seconds: secondsSchema(1, 180).default(1) }),
  example: { seconds: 2 },
  ports: () => ['next'],
  // TeXML's <Pause> runs inside the document; Call Control waits for the silent playback to end.
  waits: (_d, mode) => mode === 'call-control',
  enter: (d, ctx) => ({ emit: [{ verb: 'silence', seconds: d.seconds }], port: ctx.mode === 'texml' ? 'next' : undefined }),
  on: (_d, ev) => (ev.type === 'prompt.ended' ? { port: 'next' } : undefined),
  instructions: {
    silence: defineVerb('silence', {
      effect: { texml: 'continues', 'call-control': 'waits' },
      texml: (i) => [{ tag: 'Pause', attrs: { length: Math.min(180, Math.max(1, Math.round(i.seconds))) } }],
      texmlEvent: () => ({ type: 'prompt.ended' }), // never asked: a TeXML pause does not wait
      callControl: (i, ids) => [{ action: 'playback_start', body: { ...ids(0), playback_content: SILENT_WAV, audio_type: 'wav', loop: Math.max(1, Math.round(i.seconds / SILENT_CLIP_SECONDS)) } }],
      // The silence played out (or was cut: the caller hung up, which call.hangup reports).
      ccEvents: { 'call.playback.ended': (p) => (p.status === 'call_hangup' ? undefined : { type: 'prompt.ended' }) },
      simulate: () => ({ type: 'prompt.ended' }),
      keys: false,
    }),
  },
  noun: 'pause',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next }),
  accent: 'slate',
  summary: (d) => [`wait ${d.seconds ?? 1} s`],
  sets: () => [],
  cost: (d) => ({ seconds: d.seconds ?? 1 }),
  lint: (d) => (d.seconds > 30
    ? [{ code: 'pause.long', severity: 'warning', message: `A ${d.seconds}-second silence is long: many callers hang up after a few seconds of dead air. Play music or a message instead.`, path: ['seconds'] }]
    : []),
});
