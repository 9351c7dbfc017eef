import { z } from 'zod';
import { defineNode, type Emit } from '../node-kind.js';
import { promptSchema, secondsSchema, toPrompt } from './common.js';
import { cardLine, phrases, promptLine, SHARED_PORT_PHRASES } from './words.js';
import { COST_ASSUMPTIONS, promptSeconds } from './cost.js';

const schema = z.object({
  greeting: promptSchema.optional(),
  maxSeconds: secondsSchema(1, 3600).default(120),
  transcribe: z.boolean().default(false),
  playBeep: z.boolean().default(true),
  mailbox: z.string().max(100).optional(),
});
type VoicemailData = z.output<typeof schema>;

function record(d: VoicemailData): Emit {
  const r: Emit = { verb: 'record', maxSeconds: d.maxSeconds, playBeep: d.playBeep, transcribe: d.transcribe };
  if (d.mailbox) r.mailbox = d.mailbox;
  return r;
}

/** Take a message: play a greeting, record after the beep. */
export const voicemail = defineNode({
  type: 'voicemail',
  label: 'Voicemail',
  description: 'Play a greeting and record a message after the beep.',
  schema,
  example: { greeting: { text: 'Please leave a message after the beep.' }, maxSeconds: 120, transcribe: false, playBeep: true },
  ports: () => ['next', 'noRecording'],
  reachablePorts: () => ['noRecording'],
  waits: () => true,
  noun: 'voicemail',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next, noRecording: 'for when the caller leaves no message' }),
  accent: 'pink',
  summary: (d) => [cardLine(promptLine(d.greeting) || 'voicemail')],
  sets: () => ['recordingUrl'],
  cost: (d, port) => {
    // No message: the caller hangs up a few seconds after the beep.
    const rec = port === 'noRecording' ? 0 : Math.min(d.maxSeconds ?? 120, COST_ASSUMPTIONS.voicemailSeconds);
    return { seconds: promptSeconds(d.greeting) + rec + (port === 'noRecording' ? 5 : 0), recordedSeconds: rec, transcribedSeconds: d.transcribe ? rec : 0 };
  },
  enter: (d, ctx) => {
    if (!d.greeting) return { emit: [record(d)], local: { phase: 'recording' } };
    const greeting = toPrompt(d.greeting, ctx.fill) as Emit;
    // Call Control speaks asynchronously: start recording only once the greeting has ended.
    if (ctx.mode === 'call-control') return { emit: [greeting], local: { phase: 'greeting' } };
    return { emit: [greeting, record(d)], local: { phase: 'recording' } };
  },
  on: (d, ev, ctx) => {
    switch (ev.type) {
      case 'prompt.ended':
        return ctx.local.phase === 'greeting' ? { emit: [record(d)], local: { phase: 'recording' } } : undefined;
      case 'recording.saved': {
        if (!(ev.seconds >= 1 && ev.url)) return { port: 'noRecording' };
        // The message is the server's to keep (types.ts Effect): it never reads this node's data.
        const save: Emit = { verb: 'voicemail.save', url: ev.url, seconds: ev.seconds, transcribe: d.transcribe };
        if (d.mailbox) save.mailbox = d.mailbox;
        return { emit: [save], port: 'next', vars: { recordingUrl: ev.url } };
      }
      case 'recording.empty':
        return { port: 'noRecording' };
      default:
        return undefined;
    }
  },
});
