import { describe, expect, it } from 'vitest';
import { awaitedInstruction, effectOf, VERB_EFFECTS } from './verbs.js';
import { renderTexml } from './texml.js';
import { awaited } from './simulate.js';
import type { CoreVerb as InstructionVerb, Instruction, Mode } from './types.js';

/** One instruction of each verb, as a node would emit it. */
const SAMPLE: { [V in InstructionVerb]: Extract<Instruction, { verb: V }> } = {
  say: { node: 'n', seq: 1, verb: 'say', text: 'Hello' },
  play: { node: 'n', seq: 1, verb: 'play', url: 'https://a.example/x.mp3' },
  gather: { node: 'n', seq: 1, verb: 'gather', prompts: [], input: 'dtmf', timeoutSeconds: 5 },
  dial: { node: 'n', seq: 1, verb: 'dial', targets: ['+13125550100'], ring: 'sequential', timeoutSeconds: 20 },
  record: { node: 'n', seq: 1, verb: 'record', maxSeconds: 60, playBeep: true, transcribe: false },
  sms: { node: 'n', seq: 1, verb: 'sms', to: '+13125550100', from: '+13125550199', text: 'Hi' },
  'voicemail.save': { node: 'n', seq: 1, verb: 'voicemail.save', url: 'https://a.example/m.mp3', seconds: 12, transcribe: false },
  'member.release': { node: 'n', seq: 1, verb: 'member.release', member: 'alice' },
  'reply.await': { node: 'n', seq: 1, verb: 'reply.await', minutes: 60 },
  'queue.update': { node: 'n', seq: 1, verb: 'queue.update', state: 'waiting' },
  hangup: { node: 'n', seq: 1, verb: 'hangup' },
  redirect: { node: 'n', seq: 1, verb: 'redirect', url: 'https://a.example/next' },
  pause: { node: 'n', seq: 1, verb: 'pause', seconds: 1 },
};
const VERBS = Object.keys(VERB_EFFECTS) as InstructionVerb[];
const urls = { action: (i: { verb: string }) => `https://cf.example/${i.verb}` };
const elements = (xml: string) => [...xml.matchAll(/<([A-Z][A-Za-z]*)[\s/>]/g)].map((m) => m[1]).filter((t) => t !== 'Response');

describe('VERB_EFFECTS', () => {
  it.each(VERBS)('TeXML stops its document after %s exactly when the table says it waits or ends', (verb) => {
    // say "after" follows the verb: it is rendered only when the document did not stop.
    const xml = renderTexml([SAMPLE[verb], SAMPLE.say], urls);
    const stops = effectOf(verb, 'texml') !== 'continues';
    const after = elements(xml).filter((t) => t === 'Say').length - (verb === 'say' ? 1 : 0);
    expect(after, xml).toBe(stops ? 0 : 1);
  });

  it('waits on gather, dial and record in both modes, on say and play only in Call Control', () => {
    const waiting = (mode: Mode) => VERBS.filter((v) => effectOf(v, mode) === 'waits');
    expect(waiting('texml')).toEqual(['gather', 'dial', 'record']);
    expect(waiting('call-control')).toEqual(['say', 'play', 'gather', 'dial', 'record']);
  });
});

describe('awaitedInstruction', () => {
  it('is the last instruction that waits in the mode, and nothing once a hang-up follows it', () => {
    const { say, gather, sms, hangup } = SAMPLE;
    expect(awaitedInstruction([say, gather, sms], 'texml')).toBe(gather);
    expect(awaitedInstruction([gather, say], 'texml')).toBe(gather);
    expect(awaitedInstruction([gather, say], 'call-control')).toBe(say);
    expect(awaitedInstruction([say, hangup], 'call-control')).toBeUndefined();
    expect(awaitedInstruction([say], 'texml')).toBeUndefined();
  });

  it('is what the scripted caller (simulate.ts) answers', () => {
    const r = { instructions: [SAMPLE.say, SAMPLE.dial] } as Parameters<typeof awaited>[0];
    expect(awaited(r, 'texml')).toBe(SAMPLE.dial);
  });
});
