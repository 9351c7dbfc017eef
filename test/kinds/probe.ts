/**
 * A throwaway node kind, written the way a real one is: this one file (its schema, ports, facts, its own waiting
 * instruction `probe` and its own event `probe.ended`, and how TeXML and Call Control carry and answer them).
 * test/server/new-kind.test.ts registers it with the one line `registerKind(probe)` and touches nothing else.
 * It asks a yes/no question: 1 is yes, another key no, nothing `none`.
 */
import { z } from 'zod';
import { defineNode } from '../../engine/node-kind.js';
import { defineVerb } from '../../engine/own-verbs.js';

declare module '../../engine/types.js' {
  interface KindInstructions { probe: { question: string; seconds: number } }
  interface KindEvents { 'probe.ended': { answer: 'yes' | 'no' | 'none' } }
}

const answerOf = (digits: unknown): 'yes' | 'no' | 'none' => (digits === '1' ? 'yes' : typeof digits === 'string' && digits ? 'no' : 'none');

export const probe = defineNode({
  type: 'probe',
  label: 'Probe',
  description: 'Ask a yes/no question (1 for yes) and go on by the answer.',
  schema: z.object({
    question: z.string().min(1, 'Write the question'),
    seconds: z.number().int().min(1).max(30).default(5),
  }),
  example: { question: 'Press 1 to agree.', seconds: 5 },
  ports: () => ['yes', 'no', 'none'],
  reachablePorts: () => ['yes', 'no', 'none'],
  waits: () => true,
  enter: (d, ctx) => ({ emit: [{ verb: 'probe', question: ctx.fill(d.question), seconds: d.seconds }] }),
  on: (_d, ev) => (ev.type === 'probe.ended' ? { port: ev.answer } : undefined),
  events: ['probe.ended'],
  instructions: {
    probe: defineVerb('probe', {
      effect: { texml: 'waits', 'call-control': 'waits' },
      // Gather falls through when nothing is pressed: the Redirect posts the same action with no Digits (`none`).
      texml: (i, action) => [
        { tag: 'Gather', attrs: { action, numDigits: 1, timeout: i.seconds }, children: [{ tag: 'Say', text: i.question }] },
        { tag: 'Redirect', attrs: { method: 'POST' }, text: action },
      ],
      texmlEvent: (f) => ({ type: 'probe.ended', answer: answerOf(f.Digits) }),
      callControl: (i, ids) => [{
        action: 'gather_using_speak',
        body: { ...ids(0), payload: i.question, voice: 'female', language: 'en-US', minimum_digits: 1, maximum_digits: 1, timeout_millis: i.seconds * 1000, maximum_tries: 1 },
      }],
      ccEvents: {
        'call.gather.ended': (p) => (p.status === 'call_hangup' || p.status === 'cancelled' ? undefined : { type: 'probe.ended', answer: answerOf(p.digits) }),
      },
      simulate: (_i, keys) => ({ type: 'probe.ended', answer: answerOf(keys) }),
    }),
  },
  noun: 'probe',
  portPhrase: (port) => `for when the answer is ${port}`,
  accent: 'cyan',
  summary: (d) => [d.question ?? ''],
  sets: () => [],
  cost: (d) => ({ seconds: d.seconds }),
});
