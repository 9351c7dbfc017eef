import { describe, expect, it } from 'vitest';
import { flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import { SILENT_CLIP_SECONDS, SILENT_WAV } from './pause.js';
import { renderTexml } from '../texml.js';
import { toCommands } from '../call-control.js';
import { simulate } from '../simulate.js';
import { lintFlow } from '../lint.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };
const urls = { action: () => 'https://cf.example/a' };

//   wait(pause 3 s) ─next→ hello(say)
const flow = flowOf([{ id: 'wait', type: 'pause', data: { seconds: 3 } }, { id: 'hello', type: 'say', data: { text: 'Hello' } }], [['wait', 'next', 'hello']]);

describe('pause', () => {
  it('TeXML: <Pause length> inside the document, then the next step', () => {
    const [r] = runCall(flow, texml, []);
    expect(renderTexml(r!.instructions, urls)).toContain('<Pause length="3"/><Say');
    expect(portsOf(r!)[0]).toBe('wait:next');
  });

  it('Call Control: a silent WAV played inline, looped for the length; its end moves on', () => {
    const [r, after] = runCall(flow, cc, [{ type: 'prompt.ended' }]);
    const [cmd] = toCommands(r!.instructions, { callId: 'c', flowId: 'f' });
    expect(cmd).toMatchObject({ action: 'playback_start', body: { playback_content: SILENT_WAV, audio_type: 'wav', loop: 3 / SILENT_CLIP_SECONDS } });
    expect(r!.waiting).toBe(true);
    expect(portsOf(after!)).toEqual(['wait:next']);
    expect(verbsOf(after!)).toEqual(['say']);
  });

  it('the clip is a WAV of silence (RIFF, 8-bit PCM, every sample at the zero level)', () => {
    const bytes = Uint8Array.from(atob(SILENT_WAV), (c) => c.charCodeAt(0));
    expect(String.fromCharCode(...bytes.slice(0, 4), ...bytes.slice(8, 12))).toBe('RIFFWAVE');
    expect(bytes.length).toBe(44 + 8000 * SILENT_CLIP_SECONDS);
    expect(bytes.slice(44).every((b) => b === 0x80)).toBe(true);
  });

  it('the simulator does not spend a scripted key on a pause', () => {
    //   wait(pause) ─next→ m(menu 1→one)
    const f = flowOf([
      { id: 'wait', type: 'pause', data: { seconds: 2 } },
      { id: 'm', type: 'menu', data: { prompt: { text: 'Press 1' }, options: { '1': 'One' } } },
      { id: 'one', type: 'hangup', data: {} },
    ], [['wait', 'next', 'm'], ['m', '1', 'one']]);
    for (const mode of ['texml', 'call-control'] as const) {
      const { steps } = simulate(f, { at: texml.now, mode, digits: ['1'], hangupWhenDone: true });
      expect(steps.flatMap((s) => portsOf(s))).toContain('m:1');
    }
  });

  it('refuses a length outside 1-180 with the path, and warns about a long silence', () => {
    const bad = lintFlow({ format: 'callflow/1', id: 'x', name: 'X', start: 'p', nodes: [{ id: 'p', type: 'pause', position: { x: 0, y: 0 }, data: { seconds: 181 } }], edges: [] });
    expect(bad[0]).toMatchObject({ severity: 'error', path: ['nodes', 0, 'data', 'seconds'] });
    const long = flowOf([{ id: 'p', type: 'pause', data: { seconds: 60 } }], []);
    expect(lintFlow(long).map((f) => f.code)).toContain('pause.long');
  });
});
