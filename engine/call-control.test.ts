import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answerCommand, decodeClientState, encodeClientState, MAX_PAYLOAD, toCommands, type Command } from './call-control.js';
import type { Instruction } from './types.js';

const opts = { callId: 'v3:abc', flowId: 'main-line' };
const at = { node: 'menu', seq: 4 };
/** A command's body as plain data, for field-by-field checks. */
type Fields = Record<string, unknown>;
const one = (i: Instruction): { action: Command['action']; body: Fields } => {
  const cmds = toCommands([i], opts);
  expect(cmds).toHaveLength(1);
  return { action: cmds[0]!.action, body: { ...cmds[0]!.body } };
};
const all = (i: Instruction) => toCommands([i], opts).map((c) => ({ action: c.action, body: { ...c.body } as Fields }));
const reference = JSON.parse(readFileSync(new URL('../test/telnyx-reference/inbound_ivr.commands.json', import.meta.url), 'utf8')) as Array<{ path: string; body: Record<string, unknown> }>;
const refBody = (action: string) => reference.find((c) => c.path.endsWith(`/actions/${action}`))!.body;

describe('toCommands', () => {
  it('maps say to speak with default voice and language, and client_state naming flow, node and step', () => {
    const c = one({ ...at, verb: 'say', text: 'Hello' });
    expect(c.action).toBe('speak');
    expect(c.body).toMatchObject({ payload: 'Hello', voice: 'AWS.Polly.Joanna-Neural', language: 'en-US' });
    expect(decodeClientState(c.body.client_state as string)).toEqual({ flow: 'main-line', node: 'menu', seq: 4 });
    expect(Object.keys(c.body).sort()).toEqual(Object.keys(refBody('speak')).sort());
  });

  it('keeps a chosen voice and cuts a payload over Telnyx limit', () => {
    const c = one({ ...at, verb: 'say', text: 'é'.repeat(MAX_PAYLOAD + 50), voice: 'Azure.en-US-AvaNeural', language: 'en-GB', loop: 3 });
    expect(c.body).toMatchObject({ voice: 'Azure.en-US-AvaNeural', language: 'en-GB', loop: 3 });
    expect((c.body.payload as string).length).toBe(MAX_PAYLOAD);
  });

  it('maps play to playback_start', () => {
    expect(one({ ...at, verb: 'play', url: 'https://a.example/x.mp3', loop: 2 })).toMatchObject({ action: 'playback_start', body: { audio_url: 'https://a.example/x.mp3', loop: 2 } });
  });

  it('maps a spoken gather to gather_using_speak with one try (the engine retries)', () => {
    const c = one({ ...at, verb: 'gather', input: 'dtmf', numDigits: 1, validDigits: '12', finishOnKey: '#', timeoutSeconds: 10, prompts: [{ verb: 'say', text: 'Press 1 for sales,' }, { verb: 'say', text: '2 for support.', voice: 'Polly.Amy' }] });
    expect(c.action).toBe('gather_using_speak');
    expect(c.body).toMatchObject({
      payload: 'Press 1 for sales, 2 for support.', voice: 'Polly.Amy', language: 'en-US', minimum_digits: 1, maximum_digits: 1, valid_digits: '12',
      terminating_digit: '#', timeout_millis: 10000, inter_digit_timeout_millis: 10000, maximum_tries: 1,
    });
    // maximum_tries is a gather_using_* field; plain gather (no prompt) has none, and Telnyx refuses unknown fields.
    expect(one({ ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [] }).body).not.toHaveProperty('maximum_tries');
    for (const key of Object.keys(refBody('gather_using_speak'))) expect(c.body).toHaveProperty(key);
  });

  it('defaults maximum_digits to 128 and uses gather_using_audio when the (last) prompt is a recording', () => {
    const c = one({ ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [{ verb: 'play', url: 'https://a.example/menu.mp3' }] });
    expect(c.action).toBe('gather_using_audio');
    expect(c.body).toMatchObject({ audio_url: 'https://a.example/menu.mp3', maximum_digits: 128, timeout_millis: 5000 });
    expect(c.body).not.toHaveProperty('payload');
    expect(c.body).not.toHaveProperty('valid_digits');
    expect(one({ ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [] }).action).toBe('gather');
  });

  it('keeps every prompt of a re-prompt: the leading ones are queued just before the gather, which plays the last', () => {
    // A menu re-prompt after a wrong key: "not a valid choice" (text), then the menu's own recording.
    const invalid = all({ ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [{ verb: 'say', text: 'Sorry, that is not a valid choice.' }, { verb: 'play', url: 'https://a.example/menu.mp3' }] });
    expect(invalid.map((c) => c.action)).toEqual(['speak', 'gather_using_audio']);
    expect(invalid[0]!.body).toMatchObject({ payload: 'Sorry, that is not a valid choice.' });
    expect(invalid[1]!.body).toMatchObject({ audio_url: 'https://a.example/menu.mp3', maximum_tries: 1 });
    const back = all({ ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [{ verb: 'play', url: 'https://a.example/sorry.mp3' }, { verb: 'say', text: 'Press 1.' }] });
    expect(back.map((c) => [c.action, c.body.audio_url ?? c.body.payload])).toEqual([['playback_start', 'https://a.example/sorry.mp3'], ['gather_using_speak', 'Press 1.']]);
    for (const cmds of [invalid, back]) expect(new Set(cmds.map((c) => c.body.command_id)).size).toBe(2);
    for (const c of [...invalid, ...back]) expect(decodeClientState(c.body.client_state as string)).toEqual({ flow: 'main-line', node: 'menu', seq: 4 });
  });

  it('makes # a key when the finish key is empty, and sends Telnyx\'s # otherwise', () => {
    expect(one({ ...at, verb: 'gather', input: 'dtmf', validDigits: '1#', numDigits: 1, finishOnKey: '', timeoutSeconds: 5, prompts: [{ verb: 'say', text: 'Press # to repeat.' }] }).body.terminating_digit).toBe('');
    expect(one({ ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [] }).body.terminating_digit).toBe('#');
  });

  it('starts a Google transcription (the phrases as hints) before a speech menu\'s gather, flagged in client_state', () => {
    const cmds = all({ ...at, verb: 'gather', input: 'dtmf speech', numDigits: 1, validDigits: '12', hints: ['sales', 'support'], timeoutSeconds: 5, prompts: [{ verb: 'say', text: 'Say sales or support.' }] });
    expect(cmds.map((c) => c.action)).toEqual(['transcription_start', 'gather_using_speak']);
    expect(cmds[0]!.body).toMatchObject({ transcription_engine: 'Google', transcription_tracks: 'inbound', transcription_engine_config: { transcription_engine: 'Google', hints: ['sales', 'support'] } });
    for (const c of cmds) expect(decodeClientState(c.body.client_state as string)).toEqual({ flow: 'main-line', node: 'menu', seq: 4, speech: true });
  });

  it('leaves out a language Telnyx\'s speak does not know (it would answer 422)', () => {
    expect(one({ ...at, verb: 'say', text: 'Hi', language: 'en-ZZ' }).body).not.toHaveProperty('language');
  });

  it('maps a one-target dial to a transfer that parks the caller after unbridge, with the same client_state on the new leg', () => {
    const c = one({ ...at, verb: 'dial', targets: ['+13125550100'], ring: 'sequential', timeoutSeconds: 20, callerId: '+13125550199', record: true });
    expect(c).toMatchObject({ action: 'transfer', body: { to: '+13125550100', from: '+13125550199', timeout_secs: 20, record: 'record-from-answer', park_after_unbridge: 'self' } });
    expect(c.body.target_leg_client_state).toBe(c.body.client_state);
    const plain = one({ ...at, verb: 'dial', targets: ['sip:bob@pbx.example.com'], ring: 'sequential', timeoutSeconds: 1 });
    expect(plain.body).not.toHaveProperty('from');
    expect(plain.body).not.toHaveProperty('record');
    expect(plain.body.timeout_secs).toBe(5);
  });

  it('maps a simultaneous ring to one dial per target, each rung for the ring time and marked with how many rang', () => {
    const cmds = all({ ...at, verb: 'dial', targets: ['+13125550100', '+13125550101', 'sip:carol@pbx.example.com'], ring: 'simultaneous', timeoutSeconds: 20 });
    expect(cmds.map((c) => [c.action, c.body.to, c.body.timeout_secs, c.body.bridge_intent])).toEqual([
      ['dial', '+13125550100', 20, true], ['dial', '+13125550101', 20, true], ['dial', 'sip:carol@pbx.example.com', 20, true]]);
    expect(new Set(cmds.map((c) => c.body.command_id)).size).toBe(3);
    for (const c of cmds) expect(decodeClientState(c.body.client_state as string)).toEqual({ flow: opts.flowId, node: at.node, seq: at.seq, ring: 3 });
    // With a callerId the members see it (no bridge_intent, which would show the caller's number).
    const shown = all({ ...at, verb: 'dial', targets: ['+13125550100', '+13125550101'], ring: 'simultaneous', timeoutSeconds: 20, callerId: '+13125550199' });
    expect(shown.map((c) => [c.body.from, c.body.bridge_intent])).toEqual([['+13125550199', undefined], ['+13125550199', undefined]]);
  });

  it('maps record to record_start (mp3, single, 5 s silence) and transcription only when asked', () => {
    const c = one({ ...at, verb: 'record', maxSeconds: 120, playBeep: true, transcribe: true });
    expect(c).toMatchObject({ action: 'record_start', body: { format: 'mp3', channels: 'single', max_length: 120, play_beep: true, timeout_secs: 5, transcription: true } });
    expect(one({ ...at, verb: 'record', maxSeconds: 60, playBeep: false, transcribe: false }).body).not.toHaveProperty('transcription');
  });

  it('maps hangup and skips sms, pause and redirect', () => {
    const cmds = toCommands([
      { ...at, verb: 'sms', to: '+1', from: '+2', text: 'x' },
      { ...at, verb: 'pause', seconds: 1 },
      { ...at, verb: 'redirect', url: 'https://x' },
      { ...at, node: 'bye', verb: 'hangup', reason: 'done' },
    ], opts);
    expect(cmds.map((c) => c.action)).toEqual(['hangup']);
    expect(Object.keys(cmds[0]!.body).sort()).toEqual(['client_state', 'command_id']);
  });

  it('gives deterministic command ids: same input same id, another step, node or position another id', () => {
    const steps: Instruction[] = [{ ...at, verb: 'say', text: 'a' }, { ...at, verb: 'say', text: 'b' }];
    const a = toCommands(steps, opts).map((c) => c.body.command_id);
    expect(toCommands(steps, opts).map((c) => c.body.command_id)).toEqual(a);
    expect(new Set(a).size).toBe(2);
    const later = toCommands(steps.map((s) => ({ ...s, seq: 5 })), opts).map((c) => c.body.command_id);
    const other = toCommands(steps.map((s) => ({ ...s, node: 'menu2' })), opts).map((c) => c.body.command_id);
    const otherCall = toCommands(steps, { ...opts, callId: 'v3:def' }).map((c) => c.body.command_id);
    for (const ids of [later, other, otherCall]) for (const id of ids) expect(a).not.toContain(id);
  });
});

describe('toCommands and effects', () => {
  const say: Instruction = { node: 'bye', seq: 4, verb: 'say', text: 'Goodbye.' };
  const sms: Instruction = { node: 'text', seq: 4, verb: 'sms', to: '+13125550147', from: '+18445550199', text: 'Thanks' };
  const save: Instruction = { node: 'vm', seq: 4, verb: 'voicemail.save', url: 'https://rec.example/1.mp3', seconds: 9, transcribe: false };
  const release: Instruction = { node: 'team', seq: 4, verb: 'member.release', member: 'alice' };
  const ids = (list: Instruction[]) => toCommands(list, { callId: 'c', flowId: 'f' }).map((c) => `${c.action} ${String(c.body.command_id)}`);

  it('sends no command for an effect, and the effects added after sms do not move the step\'s command ids', () => {
    expect(ids([save, release])).toEqual([]);
    // Ids are stored with answers and in golden fixtures: sms keeps the place it always had, the newer effects take none.
    expect(ids([save, sms, release, say])).toEqual(ids([sms, say]));
    expect(ids([sms, say])).toEqual(['speak bye-4-1-c']);
  });
});

describe('answerCommand', () => {
  it('answers with command_id answer-<callId>, like the reference sequence', () => {
    const c = answerCommand('6f3e2c1a', 'main-line');
    expect(c.action).toBe('answer');
    expect(c.body.command_id).toBe('answer-6f3e2c1a');
    expect(refBody('answer').command_id).toMatch(/^answer-/);
    expect(decodeClientState(c.body.client_state as string)?.flow).toBe('main-line');
  });
});

describe('client_state', () => {
  it('round-trips any flow id, node and step (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.nat(), (flow, node, seq) => {
      const b64 = encodeClientState({ flow, node, seq });
      expect(b64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(decodeClientState(b64)).toEqual({ flow, node, seq });
    }));
  });

  it('returns undefined for empty, garbage and foreign JSON, never throwing', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const bad of [undefined, null, '', '!!!', 'abc', b64('not json'), b64('null'), b64('[1,2]'), b64('{"flow":"f","node":"n"}'), b64('{"flow":"f","node":"n","seq":-1}'), b64('{"flow":1,"node":"n","seq":1}'), Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')]) {
      expect(decodeClientState(bad)).toBeUndefined();
    }
    fc.assert(fc.property(fc.string(), (s) => { expect(() => decodeClientState(s)).not.toThrow(); }));
  });
});

/*
 *  menu --2--> support_msg(say) --next--> bye(hangup)
 *  Built to match the reference sequence inbound_ivr.commands.json.
 */
describe('engine step → commands, against the reference IVR sequence', () => {
  it('produces the same actions and the same Telnyx fields', async () => {
    const { parseFlow } = await import('./schema.js');
    const { step } = await import('./step.js');
    const flow = parseFlow({
      format: 'callflow/1', id: 'main', name: 'Main', start: 'menu',
      nodes: [
        { id: 'menu', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press 1 for sales, 2 for support.' }, options: { '1': 'Sales', '2': 'Support' }, timeoutSeconds: 10 } },
        { id: 'support_msg', type: 'say', position: { x: 0, y: 100 }, data: { text: 'Connecting you to support. Goodbye.' } },
        { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
      ],
      edges: [{ id: 'e1', source: 'menu', sourceHandle: '2', target: 'support_msg' }, { id: 'e2', source: 'support_msg', sourceHandle: 'next', target: 'bye' }],
    });
    const env = { now: '2026-03-10T15:04:05Z', mode: 'call-control' as const };
    const ids = { callId: '6f3e2c1a-9b8d-11ef-8a1b-02420a0d7e64', flowId: 'main' };
    const r1 = step(flow, null, { type: 'call.started', from: '+13125550147', to: '+18445550199', callId: ids.callId, direction: 'inbound' }, env);
    const r2 = step(flow, r1.snapshot, { type: 'input.digits', digits: '2' }, env);
    const r3 = step(flow, r2.snapshot, { type: 'prompt.ended' }, env);
    const ours = [answerCommand(ids.callId, 'main'), ...[r1, r2, r3].flatMap((r) => toCommands(r.instructions, ids))];
    expect(ours.map((c) => c.action)).toEqual(reference.map((c) => c.path.split('/').pop()));
    ours.forEach((c, n) => {
      const ref = reference[n]!.body;
      for (const [key, value] of Object.entries(ref)) {
        expect(c.body, `${c.action}.${key}`).toHaveProperty(key);
        if (key !== 'client_state' && key !== 'command_id') expect((c.body as Fields)[key], `${c.action}.${key}`).toEqual(value);
      }
      // The reference's client_state has no seq (so it is not ours to decode) but names the same node.
      const refNode = ref.client_state ? JSON.parse(Buffer.from(ref.client_state as string, 'base64').toString()).node : 'bye';
      if (n > 0) expect(decodeClientState(c.body.client_state as string)?.node).toBe(refNode);
    });
    expect(new Set(ours.map((c) => c.body.command_id)).size).toBe(ours.length);
  });
});

describe('toCommands over arbitrary steps (property)', () => {
  const s = fc.string({ maxLength: 12 });
  const prompt = fc.oneof(s.map((text) => ({ verb: 'say' as const, text })), s.map((url) => ({ verb: 'play' as const, url })));
  const body = fc.oneof(
    fc.record({ verb: fc.constant('say' as const), text: s }),
    fc.record({ verb: fc.constant('play' as const), url: s }),
    fc.record({ verb: fc.constant('gather' as const), prompts: fc.array(prompt, { maxLength: 3 }), input: fc.constant('dtmf' as const), timeoutSeconds: fc.integer({ min: 0, max: 999 }) }),
    fc.record({ verb: fc.constant('dial' as const), targets: fc.array(s, { minLength: 1, maxLength: 3 }), ring: fc.constant('simultaneous' as const), timeoutSeconds: fc.integer({ min: 0, max: 999 }) }),
    fc.record({ verb: fc.constant('record' as const), maxSeconds: fc.integer({ min: -1, max: 99999 }), playBeep: fc.boolean(), transcribe: fc.boolean() }),
    fc.record({ verb: fc.constant('hangup' as const) }),
    fc.record({ verb: fc.constant('pause' as const), seconds: fc.nat(9) }),
  );
  const list = fc.array(fc.tuple(body, fc.constantFrom('menu', 'say-1', 'transfer'), fc.nat(50)).map(([b, node, seq]) => ({ ...b, node, seq }) as Instruction), { maxLength: 6 });
  const REQUIRED: Record<string, string[]> = {
    speak: ['payload', 'voice'], gather_using_speak: ['payload', 'voice'], gather_using_audio: ['audio_url'], playback_start: ['audio_url'],
    transfer: ['to'], record_start: ['format', 'channels'], hangup: [], gather: [], dial: ['to', 'timeout_secs'],
  };

  it('gives every command its required Telnyx fields, its own id and a client_state naming its node and step', () => {
    fc.assert(fc.property(list, (instructions) => {
      const cmds = toCommands(instructions, opts);
      // A simultaneous ring of n > 1 targets is n dials (each marked ring: n); a gather one command per run of
      // prompts (a recording, or consecutive texts), at least one; everything else but pause is one command.
      const count = (i: Instruction) => {
        if (i.verb === 'pause') return 0;
        if (i.verb === 'dial' && i.ring === 'simultaneous' && i.targets.length > 1) return i.targets.length;
        if (i.verb === 'gather') return Math.max(1, i.prompts.filter((p, k) => p.verb === 'play' || i.prompts[k - 1]?.verb !== 'say').length);
        return 1;
      };
      const kept = instructions.flatMap((i) => Array.from({ length: count(i) }, () => i));
      expect(cmds.length).toBe(kept.length);
      expect(new Set(cmds.map((c) => c.body.command_id)).size).toBe(cmds.length);
      cmds.forEach((c, k) => {
        for (const field of REQUIRED[c.action]!) expect(c.body, `${c.action}.${field}`).toHaveProperty(field);
        const i = kept[k]!, ring = i.verb === 'dial' && count(i) > 1 ? { ring: count(i) } : {};
        expect(decodeClientState(c.body.client_state as string)).toEqual({ flow: opts.flowId, node: i.node, seq: i.seq, ...ring });
        expect(Object.values(c.body)).not.toContain(undefined);
      });
      expect(toCommands(instructions, opts)).toEqual(cmds);
    }), { numRuns: 300 });
  });
});
