import { z } from 'zod';
import { defineNode, type Emit } from '../node-kind.js';
import { defineVerb } from '../own-verbs.js';
import { promptSchema, toPrompt } from './common.js';
import { COST_ASSUMPTIONS, promptSeconds } from './cost.js';
import { cardLine, phrases, promptLine, SHARED_PORT_PHRASES } from './words.js';

declare module '../types.js' {
  interface KindInstructions { recordCall: { channels: 'single' | 'dual' } }
}

const schema = z.object({
  consent: promptSchema.optional().describe('What the caller hears first, e.g. "This call may be recorded for quality and training."'),
  channels: z.enum(['single', 'dual'], { error: 'Pick single or dual' }).default('dual').describe('dual: the caller and the other side on separate channels'),
});
type RecordCallData = z.output<typeof schema>;

const start = (d: RecordCallData): Emit => ({ verb: 'recordCall', channels: d.channels });

/**
 * Record the rest of the call, after an optional consent notice. TeXML: `<Start><Recording>` (non-blocking: the
 * next verb follows at once; the recording stops when the call ends and is reported to the recording status
 * callback). Call Control: `record_start` with no silence timeout and `max_length: 0` (no limit), which records until the
 * hangup (`call.recording.saved` then). Either way the server keeps the audio on the call log as it keeps every
 * recording (server/calls/recordings.ts) and charges its minutes. The notice plays before the recording starts,
 * in both modes (Call Control waits for its `call.speak.ended`).
 */
export const recordCall = defineNode({
  type: 'recordCall',
  label: 'Record the call',
  description: 'Record the rest of the call (kept on the call log), after an optional notice such as "This call may be recorded."',
  schema,
  example: { consent: { text: 'This call may be recorded for quality and training.' }, channels: 'dual' },
  ports: () => ['next'],
  // Only Call Control waits, and only for the notice to end.
  waits: (d, mode) => mode === 'call-control' && !!d.consent,
  enter: (d, ctx) => {
    if (!d.consent) return { emit: [start(d)], port: 'next' };
    const notice = toPrompt(d.consent, ctx.fill) as Emit;
    if (ctx.mode === 'call-control') return { emit: [notice], local: { phase: 'notice' } };
    return { emit: [notice, start(d)], port: 'next' };
  },
  on: (d, ev, ctx) => (ev.type === 'prompt.ended' && ctx.local.phase === 'notice' ? { emit: [start(d)], port: 'next' } : undefined),
  instructions: {
    recordCall: defineVerb('recordCall', {
      effect: { texml: 'continues', 'call-control': 'continues' },
      texml: (i, _action, callbacks) => [{
        tag: 'Start',
        children: [{ tag: 'Recording', attrs: { channels: i.channels, format: 'mp3', recordingStatusCallback: callbacks?.recordingStatus, recordingStatusCallbackMethod: callbacks?.recordingStatus ? 'POST' : undefined, recordingStatusCallbackEvent: callbacks?.recordingStatus ? 'completed' : undefined } }],
      }],
      texmlEvent: () => ({ type: 'prompt.ended' }), // never asked: it does not wait
      // `max_length: 0` is Telnyx's "no limit", and no `timeout_secs`: it records until the hangup.
      callControl: (i, ids) => [{ action: 'record_start', body: { ...ids(0), format: 'mp3', channels: i.channels, max_length: 0, play_beep: false } }],
      ccEvents: {},
      simulate: () => ({ type: 'prompt.ended' }),
      keys: false,
    }),
  },
  noun: 'call recording',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next }),
  accent: 'pink',
  summary: (d) => [d.consent ? cardLine(promptLine(d.consent)) : 'no notice', `record the call (${d.channels ?? 'dual'})`],
  sets: () => [],
  // The recording runs to the end of the call: the assumed length of a call that is talked through.
  cost: (d) => ({ seconds: promptSeconds(d.consent), recordedSeconds: COST_ASSUMPTIONS.talkSeconds }),
  lint: (d) => (d.consent ? [] : [{
    code: 'recordCall.no-notice', severity: 'warning', path: ['consent'],
    message: 'The call is recorded without telling the caller. Many places require consent: add a notice such as "This call may be recorded."',
  }]),
});
