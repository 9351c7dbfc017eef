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

/** Payloads as Telnyx's published examples carry them (TELNYX.md fixtures/callcontrol). */
const SPEAK_ENDED = { call_control_id: 'v3:MdI9', client_state: 'aGF2ZSBhIG5pY2UgZGF5ID1d', connection_id: '7267', status: 'completed' };
const TRANSCRIPTION = { call_control_id: 'v2:7sub', connection_id: '1240', transcription_data: { confidence: 0.977219, is_final: true, transcript: 'hello this is a test speech' } };

describe('ccEvent: prompt endings', () => {
  it('moves on after a prompt that played, and after one that failed (no dead air)', () => {
    for (const status of [undefined, 'completed', 'file_not_found', 'failed', 'unknown']) {
      expect(ccEvent('call.playback.ended', { status }), `playback ${status}`).toEqual({ type: 'prompt.ended' });
    }
    // Telnyx documents completed|call_hangup|cancelled_amd for speak; any other status must not leave the caller waiting either.
    expect(ccEvent('call.speak.ended', { status: 'failed' })).toEqual({ type: 'prompt.ended' });
    expect(ccEvent('call.speak.ended', SPEAK_ENDED)).toEqual({ type: 'prompt.ended' });
  });

  it('does nothing for a prompt cut short by a hangup, the app or AMD', () => {
    for (const status of ['call_hangup', 'cancelled', 'cancelled_amd']) {
      expect(ccEvent('call.playback.ended', { status })).toBeUndefined();
      expect(ccEvent('call.speak.ended', { status })).toBeUndefined();
    }
  });
});

describe('ccEvent: speech', () => {
  it('turns a final transcript into input.speech, and ignores interim and empty ones', () => {
    expect(ccEvent('call.transcription', TRANSCRIPTION)).toEqual({ type: 'input.speech', text: 'hello this is a test speech', confidence: 0.977219 });
    expect(ccEvent('call.transcription', { transcription_data: { transcript: 'hello th', is_final: false } })).toBeUndefined();
    expect(ccEvent('call.transcription', { transcription_data: { transcript: '  ', is_final: true } })).toBeUndefined();
  });

  it('ignores the cancelled gather a speech answer stops', () => {
    expect(ccEvent('call.gather.ended', { status: 'cancelled', digits: '' })).toBeUndefined();
  });
});
