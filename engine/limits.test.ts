import { describe, expect, it } from 'vitest';
import { flowOf, runCall, first } from './nodes/test-kit.js';
import { clip, fillBounded, MAX_TEXT } from './template.js';
import { step } from './step.js';
import { toCommands, MAX_PAYLOAD } from './call-control.js';
import type { EngineEvent, Env, Snapshot, StepResult } from './types.js';

/**
 * Issue #11 item 5: a self-doubling setVariable allocated ~1 GB per request.
 * A filled template and every variable are at most MAX_TEXT characters: past
 * that they are cut (a `truncated` trace note says where), so a step never
 * builds more than the bound, whatever loop the flow has. Memory is measured
 * by what the step keeps and returns (lengths), not by timings.
 */
const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const notes = (r: StepResult) => r.trace.filter((t) => t.kind === 'truncated');

describe('sizes (issue #11 item 5)', () => {
  it('a setVariable that doubles itself in a loop stops at the bound; the step limit then ends the call', () => {
    const flow = flowOf([
      { id: 'init', type: 'setVariable', data: { name: 'x', value: 'ab' } },
      { id: 'grow', type: 'setVariable', data: { name: 'x', value: '{{vars.x}}{{vars.x}}' } },
    ], [['init', 'next', 'grow'], ['grow', 'next', 'grow']]);
    // 24 microsteps: the old engine built 2^24-character strings here (and ~1 GB at the default limit of 100).
    const [r] = runCall(flow, { ...texml, stepLimit: 24 }, []);
    expect(r!.snapshot.context.vars.x).toHaveLength(MAX_TEXT);
    expect(JSON.stringify(r!.snapshot).length).toBeLessThan(MAX_TEXT + 1000);
    expect(notes(r!)[0]).toEqual({ kind: 'truncated', node: 'grow', limit: MAX_TEXT });
    expect(r!.trace.at(-1)).toMatchObject({ kind: 'ended', reason: 'step-limit' });
    expect(r!.instructions.map((i) => i.verb)).toEqual(['say', 'hangup']); // the apology, then the hang-up
  });

  it('at the default step limit too, nothing a step keeps or says outgrows the bound', () => {
    const flow = flowOf([
      { id: 'init', type: 'setVariable', data: { name: 'x', value: 'ab' } },
      { id: 'grow', type: 'setVariable', data: { name: 'x', value: '{{vars.x}}{{vars.x}}' } },
      { id: 'say', type: 'say', data: { text: 'You said {{vars.x}}' } },
    ], [['init', 'next', 'grow'], ['grow', 'next', 'say'], ['say', 'next', 'grow']]);
    const [r] = runCall(flow, texml, []);
    expect(r!.trace.at(-1)).toMatchObject({ kind: 'ended', reason: 'step-limit' });
    expect(r!.snapshot.context.vars.x!.length).toBeLessThanOrEqual(MAX_TEXT);
    for (const i of r!.instructions) expect(JSON.stringify(i).length).toBeLessThan(MAX_TEXT + 200);
  });

  it('doubling across waits (Call Control speech between the doublings) keeps the persisted snapshot small', () => {
    const cc: Env = { ...texml, mode: 'call-control' };
    const flow = flowOf([
      { id: 'init', type: 'setVariable', data: { name: 'x', value: 'ab' } },
      { id: 'grow', type: 'setVariable', data: { name: 'x', value: '{{vars.x}}{{vars.x}}' } },
      { id: 'say', type: 'say', data: { text: '{{vars.x}}' } },
    ], [['init', 'next', 'grow'], ['grow', 'next', 'say'], ['say', 'next', 'grow']]);
    let r = step(flow, null, { type: 'call.started', from: '+13125550147', to: '+18445550199', callId: 'c', direction: 'inbound' }, cc);
    for (let n = 0; n < 20; n++) {
      r = step(flow, JSON.parse(JSON.stringify(r.snapshot)) as Snapshot, { type: 'prompt.ended' }, cc);
      expect(JSON.stringify(r.snapshot).length).toBeLessThan(MAX_TEXT + 1000);
      expect(first(r, 'say').text.length).toBeLessThanOrEqual(MAX_TEXT);
    }
  });

  it('a template naming a long value twice is cut at the bound, with a note', () => {
    const flow = flowOf([
      { id: 'set', type: 'setVariable', data: { name: 'x', value: 'y'.repeat(3000) } },
      { id: 'say', type: 'say', data: { text: '{{vars.x}} and {{vars.x}}' } },
    ], [['set', 'next', 'say']]);
    const [r] = runCall(flow, texml, []);
    expect(first(r!, 'say').text).toHaveLength(MAX_TEXT);
    expect(notes(r!)).toEqual([{ kind: 'truncated', node: 'say', limit: MAX_TEXT }]);
    // Call Control still cuts what it speaks at Telnyx's 3,000 characters.
    const speak = toCommands(runCall(flow, { ...texml, mode: 'call-control' }, [])[0]!.instructions, { callId: 'c', flowId: 'f' }).find((c) => c.action === 'speak')!;
    expect((speak.body.payload as string).length).toBe(MAX_PAYLOAD);
  });

  it('a variable from an event (a recording URL) is cut at the bound, with a note naming it', () => {
    const flow = flowOf([{ id: 'vm', type: 'voicemail', data: {} }], []);
    const saved: EngineEvent = { type: 'recording.saved', url: `https://rec.example/${'r'.repeat(10_000)}.mp3`, seconds: 5 };
    const rs = runCall(flow, texml, [saved]);
    expect(rs[1]!.snapshot.context.vars.recordingUrl).toHaveLength(MAX_TEXT);
    expect(notes(rs[1]!)).toEqual([{ kind: 'truncated', node: 'vm', limit: MAX_TEXT, variable: 'recordingUrl' }]);
  });

  it('cuts between characters, never inside a surrogate pair, and leaves short text alone', () => {
    const text = `a${'😀'.repeat(2500)}`; // index 4095 is the first half of a pair
    expect(clip(text)).toHaveLength(MAX_TEXT - 1);
    expect(clip('short')).toBe('short');
    const scope = { call: { id: 'c', from: '+1', to: '+2', direction: 'inbound' as const }, vars: { x: text } };
    expect(fillBounded('{{vars.x}}', scope)).toEqual({ text: clip(text), truncated: true });
    expect(fillBounded('{{vars.x}}!', { ...scope, vars: { x: 'ok' } })).toEqual({ text: 'ok!', truncated: false });
  });
});
