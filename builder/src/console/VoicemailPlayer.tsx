import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import { apiBlob } from '../api.js';
import { clock, SEEK_SECONDS } from './voicemail-logic.js';

/** What the inbox's keyboard drives. */
export interface PlayerHandle { toggle(): void; seek(deltaSeconds: number): void }

/**
 * The waveform player of one voicemail: the audio is fetched with the API key as a blob (an `<audio>` cannot send
 * it), drawn by wavesurfer.js and played by the `<audio>` element below (from a `blob:` URL, which the page's CSP
 * allows in media-src). `onPlay` fires on every start (the inbox marks the message read).
 */
export const VoicemailPlayer = forwardRef<PlayerHandle, { audioUrl: string; label: string; onPlay: () => void }>(function VoicemailPlayer({ audioUrl, label, onPlay }, ref) {
  const box = useRef<HTMLDivElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const ws = useRef<WaveSurfer | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState('');
  const [playing, setPlaying] = useState(false);
  const [at, setAt] = useState(0);
  const [duration, setDuration] = useState(0);
  const played = useRef(onPlay);
  played.current = onPlay;

  useEffect(() => {
    let cancelled = false;
    setState('loading'); setError(''); setPlaying(false); setAt(0); setDuration(0);
    const w = WaveSurfer.create({
      container: box.current!, media: audio.current!, height: 72, waveColor: '#9aa4b5', progressColor: '#2563eb', cursorColor: '#1d2330',
      barWidth: 2, barGap: 1, barRadius: 2, normalize: false, dragToSeek: true,
    });
    ws.current = w;
    w.on('ready', (d) => { if (!cancelled) { setDuration(d); setState('ready'); } });
    w.on('timeupdate', (t) => { if (!cancelled) setAt(t); });
    w.on('play', () => { if (!cancelled) { setPlaying(true); played.current(); } });
    w.on('pause', () => { if (!cancelled) setPlaying(false); });
    w.on('finish', () => { if (!cancelled) setPlaying(false); });
    w.on('error', (e) => { if (!cancelled) { setError(e.message); setState('error'); } });
    apiBlob(audioUrl, 'voicemail').then(({ blob }) => (cancelled ? undefined : w.loadBlob(blob))).catch((e: Error) => {
      if (!cancelled && e.name !== 'AbortError') { setError(e.message); setState('error'); }
    });
    return () => { cancelled = true; ws.current = null; w.destroy(); };
  }, [audioUrl]);

  useImperativeHandle(ref, () => ({
    toggle: () => { if (ws.current && state === 'ready') void ws.current.playPause(); },
    seek: (d) => { const w = ws.current; if (w && state === 'ready') w.setTime(Math.min(w.getDuration(), Math.max(0, w.getCurrentTime() + d))); },
  }), [state]);

  return (
    <div className="vm-player" data-testid="vm-player" data-state={state === 'ready' ? (playing ? 'playing' : 'paused') : state}>
      <div className="vm-player-row">
        <button className="primary vm-play" disabled={state !== 'ready'} onClick={() => void ws.current?.playPause()}
          aria-label={`${playing ? 'Pause' : 'Play'} ${label}`} title="Space">{playing ? 'Pause' : 'Play'}</button>
        <button disabled={state !== 'ready'} onClick={() => ws.current?.setTime(Math.max(0, ws.current.getCurrentTime() - SEEK_SECONDS))} title="←">−{SEEK_SECONDS} s</button>
        <button disabled={state !== 'ready'} onClick={() => ws.current?.setTime(Math.min(ws.current.getDuration(), ws.current.getCurrentTime() + SEEK_SECONDS))} title="→">+{SEEK_SECONDS} s</button>
        <span className="vm-time" data-testid="vm-time" aria-live="off">{clock(at)} / {clock(duration)}</span>
      </div>
      <div ref={box} className="vm-wave" role="img" aria-label={`Waveform of ${label}`} />
      <audio ref={audio} className="vm-audio" data-testid="vm-audio" preload="auto" />
      {state === 'loading' && <div className="loading"><span className="spinner" /> Loading the audio…</div>}
      {state === 'error' && <div className="error" role="alert">Could not play this voicemail: {error}</div>}
    </div>
  );
});
