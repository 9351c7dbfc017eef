import { describe, expect, it } from 'vitest';
import { silentWavSeconds } from './cc-routes.js';
import { SILENT_WAV } from '../../engine/nodes/pause.js';

/** A WAV (8 kHz, 8-bit mono) of `samples`, base64. */
function wav(samples: number[]): string {
  const b = Buffer.alloc(44 + samples.length);
  b.write('RIFF', 0); b.writeUInt32LE(36 + samples.length, 4); b.write('WAVE', 8); b.write('fmt ', 12); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(8000, 24); b.writeUInt32LE(8000, 28); b.writeUInt16LE(1, 32); b.writeUInt16LE(8, 34);
  b.write('data', 36); b.writeUInt32LE(samples.length, 40); Buffer.from(samples).copy(b, 44);
  return b.toString('base64');
}

describe('the sandbox tells inline silence from audio', () => {
  it('a WAV whose every sample is at the zero level is silence, of its length', () => {
    expect(silentWavSeconds(SILENT_WAV)).toBe(0.25);
    expect(silentWavSeconds(wav(new Array(8000).fill(0x80)))).toBe(1);
  });
  it('audio with any sound in it, or something that is not a WAV, is not', () => {
    const tone = new Array(800).fill(0x80); tone[400] = 0xc0;
    expect(silentWavSeconds(wav(tone))).toBeUndefined();
    expect(silentWavSeconds(Buffer.from('ID3 not a wav at all, an mp3 header and more bytes to pass 44').toString('base64'))).toBeUndefined();
    expect(silentWavSeconds('')).toBeUndefined();
  });
});
