import { Router } from 'express';
import { Lru } from '../../engine/lru.js';

/** The notes of the built-in hold music (Hz): a slow arpeggio, C major – A minor – F major – G major. */
const NOTES = [261.63, 329.63, 392.0, 329.63, 220.0, 261.63, 329.63, 261.63, 174.61, 220.0, 261.63, 220.0, 196.0, 246.94, 293.66, 246.94];
const RATE = 8000;
const NOTE_SECONDS = 0.5;

/** One pass of the tune as 8-bit unsigned PCM samples (soft sine notes, each fading in and out). */
function tune(): Buffer {
  const per = Math.round(RATE * NOTE_SECONDS);
  const out = Buffer.alloc(per * NOTES.length);
  NOTES.forEach((f, n) => {
    for (let i = 0; i < per; i++) {
      const env = Math.min(1, i / 400, (per - i) / 800);
      out[n * per + i] = 128 + Math.round(40 * env * Math.sin((2 * Math.PI * f * i) / RATE));
    }
  });
  return out;
}
const TUNE = tune();

/** A WAV file (PCM, 8 kHz, 8-bit mono: what a phone line carries anyway) of `seconds`, the tune repeated. */
export function holdMusicWav(seconds: number): Buffer {
  const n = RATE * seconds;
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i += TUNE.length) TUNE.copy(data, i, 0, Math.min(TUNE.length, n - i));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + n, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24); h.writeUInt32LE(RATE, 28); h.writeUInt16LE(1, 32); h.writeUInt16LE(8, 34);
  h.write('data', 36); h.writeUInt32LE(n, 40);
  return Buffer.concat([h, data]);
}

const files = new Lru<number, Buffer>(8, 8 * 600 * RATE);

/**
 * `GET /media/hold-music.wav?seconds=N` (1–600, default 30): the hold queue's built-in music, made here (no file
 * shipped, nothing fetched). Public like any audio Telnyx must fetch; it says nothing about anyone.
 */
export function mediaRouter(): Router {
  const r = Router();
  r.get('/media/hold-music.wav', (req, res) => {
    const raw = Number(typeof req.query.seconds === 'string' ? req.query.seconds : 30);
    const seconds = Number.isFinite(raw) ? Math.min(600, Math.max(1, Math.round(raw))) : 30;
    let wav = files.get(seconds);
    if (!wav) { wav = holdMusicWav(seconds); files.set(seconds, wav, wav.length); }
    res.type('audio/wav').setHeader('cache-control', 'public, max-age=86400');
    res.send(wav);
  });
  return r;
}
