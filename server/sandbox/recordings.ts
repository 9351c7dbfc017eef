/**
 * Tiny generated audio files served at `/sandbox/recordings/:id.(mp3|wav)`,
 * so recording URLs in webhooks resolve to something a player accepts.
 */
import { Router } from 'express';

/** One second of 8 kHz 8-bit mono silence as a WAV file. */
export function silentWav(seconds = 1): Buffer {
  const n = 8000 * seconds, h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + n, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(8000, 28); h.writeUInt16LE(1, 32); h.writeUInt16LE(8, 34); h.write('data', 36); h.writeUInt32LE(n, 40);
  return Buffer.concat([h, Buffer.alloc(n, 0x80)]);
}

/** A few MPEG-1 Layer III frames (128 kb/s, 44.1 kHz, mono) with empty audio data: silence. */
export function silentMp3(frames = 38): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc0]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

export function recordingsRouter(): Router {
  const r = Router();
  r.get('/recordings/:file', (req, res) => {
    const m = /^[\w-]+\.(mp3|wav)$/.exec(req.params.file);
    if (!m) { res.status(404).json({ errors: [{ code: '10005', title: 'Resource not found', detail: 'No such recording.' }] }); return; }
    res.type(m[1] === 'mp3' ? 'audio/mpeg' : 'audio/wav').send(m[1] === 'mp3' ? silentMp3() : silentWav());
  });
  return r;
}
