import { describe, expect, it } from 'vitest';
import { encodeClientState } from '../../engine/call-control.js';
import { ccEvent, silentRecording } from './cc-events.js';

const flowState = encodeClientState({ flow: 'main-line', node: 'voicemail', seq: 7 });
const saved = (seconds: number, client_state: string | null = flowState) => ({
  client_state, recording_started_at: '2026-11-23T16:00:00.000Z', recording_ended_at: new Date(Date.parse('2026-11-23T16:00:00Z') + seconds * 1000).toISOString(),
  recording_urls: { mp3: 'https://s3.amazonaws.com/telnyx/rec.mp3' },
});

describe('a flow recording that holds only its silence timeout', () => {
  it('is no message (recording.empty), as TeXML reports an empty Record', () => {
    expect(silentRecording(saved(5))).toBe(true);
    expect(silentRecording(saved(5.9))).toBe(true);
    expect(ccEvent('call.recording.saved', saved(5))).toEqual({ type: 'recording.empty' });
  });

  it('is a message once the caller said anything before the silence', () => {
    expect(silentRecording(saved(6))).toBe(false);
    expect(ccEvent('call.recording.saved', saved(12))).toEqual({ type: 'recording.saved', url: 'https://s3.amazonaws.com/telnyx/rec.mp3', seconds: 12 });
  });

  it('is a message when the caller hung up to end it (a short "call me back" is not silence)', () => {
    const at = (s: number) => new Date(Date.parse('2026-11-23T16:00:00Z') + s * 1000).toISOString();
    expect(silentRecording(saved(3), at(3))).toBe(false);
    expect(silentRecording(saved(3), at(3.8))).toBe(false);
    // The call ended well after the recording stopped on its own silence timeout: still silence.
    expect(silentRecording(saved(5), at(40))).toBe(true);
  });

  it('never applies to a recording that is not a flow step\'s (started through the API), or without times', () => {
    expect(silentRecording(saved(3, null))).toBe(false);
    expect(silentRecording({ client_state: flowState })).toBe(false);
  });
});
