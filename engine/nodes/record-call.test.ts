import { describe, expect, it } from 'vitest';
import { flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import { renderTexml } from '../texml.js';
import { toCommands } from '../call-control.js';
import { lintFlow } from '../lint.js';
import type { Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };
const urls = { action: () => 'https://cf.example/a', recordingStatus: 'https://cf.example/webhooks/texml/status' };

//   rec(recordCall) ─next→ desk(transfer)
const flow = (consent?: { text: string }) => flowOf([
  { id: 'rec', type: 'recordCall', data: consent ? { consent } : {} },
  { id: 'desk', type: 'transfer', data: { to: '+13125550100' } },
], [['rec', 'next', 'desk']]);

describe('recordCall', () => {
  it('TeXML: the notice, then <Start><Recording> with the status callback, then the next step in the same document', () => {
    const [r] = runCall(flow({ text: 'This call may be recorded.' }), texml, []);
    const xml = renderTexml(r!.instructions, urls);
    expect(xml).toMatch(/<Say[^>]*>This call may be recorded\.<\/Say><Start><Recording channels="dual" format="mp3" recordingStatusCallback="https:\/\/cf\.example\/webhooks\/texml\/status" recordingStatusCallbackMethod="POST" recordingStatusCallbackEvent="completed"\/><\/Start><Dial/);
    expect(portsOf(r!)[0]).toBe('rec:next');
  });

  it('Call Control: speaks the notice first, starts record_start (no silence timeout, max_length 0: no limit) when it ended, and goes on', () => {
    const [r, after] = runCall(flow({ text: 'This call may be recorded.' }), cc, [{ type: 'prompt.ended' }]);
    expect(verbsOf(r!)).toEqual(['say']);
    expect(r!.waiting).toBe(true);
    const cmds = toCommands(after!.instructions, { callId: 'c', flowId: 'f' });
    expect(cmds.map((c) => c.action)).toEqual(['record_start', 'transfer']);
    expect(cmds[0]!.body).toEqual(expect.objectContaining({ format: 'mp3', channels: 'dual', max_length: 0, play_beep: false }));
    expect(cmds[0]!.body).not.toHaveProperty('timeout_secs');
  });

  it('without a notice it starts at once in both modes, and lint warns that nobody was told', () => {
    for (const env of [texml, cc]) {
      const [r] = runCall(flow(), env, []);
      expect(verbsOf(r!)[0]).toBe('recordCall');
      expect(portsOf(r!)[0]).toBe('rec:next');
    }
    expect(lintFlow(flow()).map((f) => f.code)).toContain('recordCall.no-notice');
    expect(lintFlow(flow({ text: 'Recorded.' })).map((f) => f.code)).not.toContain('recordCall.no-notice');
  });
});
