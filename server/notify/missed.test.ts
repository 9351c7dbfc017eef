import { describe, expect, it } from 'vitest';
import { describeMissed, missedCall } from './missed.js';

const flow = { nodes: [
  { id: 'menu', type: 'menu' }, { id: 'desk', type: 'transfer' }, { id: 'team', type: 'roundRobin' }, { id: 'vm', type: 'voicemail' }, { id: 'bye', type: 'hangup' },
] } as never;

describe('missedCall: which ended calls count, from the stored path', () => {
  it('a caller who hung up in a menu', () => {
    expect(missedCall(['>menu', 'end:caller-hangup'], flow)).toEqual({ node: 'menu', kind: 'menu', reason: 'caller-hangup', unanswered: [], reachedVoicemail: false });
  });
  it('a transfer with no answer, then the flow hung up', () => {
    const w = missedCall(['>menu', 'menu.1', '>desk', 'desk.noAnswer', '>bye', 'end:hangup@bye'], flow)!;
    expect(w).toEqual({ node: 'bye', kind: 'hangup', reason: 'hangup', unanswered: ['desk: noAnswer'], reachedVoicemail: false });
    expect(describeMissed(w)).toBe('no answer (desk: noAnswer); the flow ended the call at hangup "bye" (hangup)');
  });
  it('hung up while the team rang', () => {
    expect(missedCall(['>team', 'end:caller-hangup'], flow)).toMatchObject({ node: 'team', kind: 'roundRobin', reason: 'caller-hangup' });
  });
  it('voicemail reached: missed unless a message was kept, which only the voicemails tell (the alert waits for them)', () => {
    expect(missedCall(['>team', 'team.noAnswer', '>vm', 'vm.noRecording', '>bye', 'end:hangup@bye'], flow)).toMatchObject({ unanswered: ['team: noAnswer'], reachedVoicemail: true });
    expect(missedCall(['>team', 'team.noAnswer', '>vm', 'vm.next', '>bye', 'end:hangup@bye'], flow)).toMatchObject({ reachedVoicemail: true });
  });
  it('answered and bridged: not missed, whatever came after', () => {
    expect(missedCall(['>desk', 'desk.connected', '>bye', 'end:hangup@bye'], flow)).toBeUndefined();
    expect(missedCall(['>team', 'team.connected', 'end:caller-hangup'], flow)).toBeUndefined();
  });
  it('a call that has not ended is not missed (yet)', () => {
    expect(missedCall(['>menu'], flow)).toBeUndefined();
  });
});
