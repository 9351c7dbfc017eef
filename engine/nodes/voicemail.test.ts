import { describe, expect, it } from 'vitest';
import { voicemail } from './voicemail.js';
import { flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };

/*
 *  vm(voicemail) --next--> thanks(say "Saved {{vars.recordingUrl}}")
 *                --noRecording--> empty(say)
 */
function vmFlow(data: Record<string, unknown> = { greeting: { text: 'Leave a message.' } }) {
  return flowOf(
    [
      { id: 'vm', type: 'voicemail', data },
      { id: 'thanks', type: 'say', data: { text: 'Saved {{vars.recordingUrl}}' } },
      { id: 'empty', type: 'say', data: { text: 'No message' } },
    ],
    [['vm', 'next', 'thanks'], ['vm', 'noRecording', 'empty']],
  );
}
const saved = { type: 'recording.saved', url: 'https://rec.example/1.mp3', seconds: 12 } as const;

describe('voicemail', () => {
  it('TeXML: greeting and record in one step, then the recording URL in vars.recordingUrl', () => {
    const rs = runCall(vmFlow(), texml, [saved]);
    expect(rs[0]!.instructions).toEqual([
      { verb: 'say', text: 'Leave a message.', node: 'vm', seq: 1 },
      { verb: 'record', maxSeconds: 120, playBeep: true, transcribe: false, node: 'vm', seq: 1 },
    ]);
    expect(portsOf(rs[1]!)).toEqual(['vm:next', 'thanks:next']);
    // The message is an effect for the server, with what it needs (it reads no node data).
    expect(rs[1]!.instructions[0]).toEqual({ verb: 'voicemail.save', url: 'https://rec.example/1.mp3', seconds: 12, transcribe: false, node: 'vm', seq: 2 });
    expect(rs[1]!.instructions[1]).toMatchObject({ verb: 'say', text: 'Saved https://rec.example/1.mp3' });
  });

  it('Call Control: greeting first, record only after prompt.ended', () => {
    const rs = runCall(vmFlow({ greeting: { url: 'https://cdn.example/greet.mp3' }, mailbox: 'sales', transcribe: true }), cc, [{ type: 'prompt.ended' }, saved]);
    expect(rs[0]!.instructions).toEqual([{ verb: 'play', url: 'https://cdn.example/greet.mp3', node: 'vm', seq: 1 }]);
    expect(rs[1]!.instructions).toEqual([{ verb: 'record', maxSeconds: 120, playBeep: true, transcribe: true, mailbox: 'sales', node: 'vm', seq: 2 }]);
    expect(portsOf(rs[2]!)).toEqual(['vm:next']);
    expect(rs[2]!.instructions[0]).toEqual({ verb: 'voicemail.save', url: 'https://rec.example/1.mp3', seconds: 12, transcribe: true, mailbox: 'sales', node: 'vm', seq: 3 });
  });

  it('Call Control without a greeting records at once; a second prompt.ended does not record again', () => {
    const rs = runCall(vmFlow({ maxSeconds: 30, playBeep: false }), cc, [{ type: 'prompt.ended' }]);
    expect(verbsOf(rs[0]!)).toEqual(['record']);
    expect(rs[0]!.instructions[0]).toMatchObject({ maxSeconds: 30, playBeep: false });
    expect(rs[1]!.instructions).toEqual([]);
  });

  it.each([
    ['recording.empty', { type: 'recording.empty' } as const],
    ['a 0-second recording', { type: 'recording.saved', url: 'https://rec.example/2.mp3', seconds: 0 } as const],
    ['a recording without a URL', { type: 'recording.saved', url: '', seconds: 5 } as const],
  ])('%s leaves by noRecording', (_name, ev) => {
    const rs = runCall(vmFlow(), texml, [ev]);
    expect(portsOf(rs[1]!)[0]).toBe('vm:noRecording');
    expect(rs[1]!.snapshot.context.vars.recordingUrl).toBeUndefined();
    expect(verbsOf(rs[1]!)).not.toContain('voicemail.save'); // no message: nothing for the inbox
  });

  it('has the documented defaults and asks for noRecording to be wired', () => {
    const d = voicemail.schema.parse({});
    expect(d).toEqual({ maxSeconds: 120, transcribe: false, playBeep: true });
    expect(voicemail.reachablePorts!(d)).toEqual(['noRecording']);
  });
});
