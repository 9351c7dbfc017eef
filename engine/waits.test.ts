/**
 * One registry-wide check that the three places that say "the call waits here" agree, for every kind in
 * NODE_KINDS, every way it is entered (its `example`, plus the variants below that change how it waits),
 * in both modes, on entry and at every step after it until the call moves on:
 *
 *   the engine waits (the step's `waiting`, and on entry the kind's own `waits(data, mode)`)
 *     ⇔ the step's TeXML ends in a verb that waits (engine/verbs.ts), whose action brings the next event
 *     ⇔ the step's last Call Control command is one whose end Telnyx reports (CC_PRODUCES), bringing it
 *
 * Each step is answered with the event its own transport would bring (a Gather's timeout, a speak's end,
 * a dial nobody answered, a saved recording), so re-prompts, the next member of a ring and a voicemail's
 * greeting-then-record are walked too.
 *
 *   n(kind under test) ─every port→ end(hangup)
 */
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { NODE_KINDS, type NodeType } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';
import { flowOf, started } from './nodes/test-kit.js';
import { step } from './step.js';
import { renderTexml } from './texml.js';
import { toCommands, type Command, type CommandAction } from './call-control.js';
import { waitingVerbs, type WaitingVerb } from './verbs.js';
import type { EngineEvent, Env, Mode, Snapshot, StepResult } from './types.js';

/**
 * What Telnyx reports when a Call Control command finishes, and the engine event the server makes of it
 * (server/webhooks/cc-events.ts, call-control.ts); null: nothing comes back to the flow. A new command
 * is a compile error here until it says which.
 */
const CC_PRODUCES: Record<CommandAction, { webhook: string; event: EngineEvent } | null> = {
  answer: null, // call.answered: the server starts the flow itself (toCommands never sends it)
  speak: { webhook: 'call.speak.ended', event: { type: 'prompt.ended' } },
  playback_start: { webhook: 'call.playback.ended', event: { type: 'prompt.ended' } },
  gather_using_speak: { webhook: 'call.gather.ended', event: { type: 'input.timeout' } },
  gather_using_audio: { webhook: 'call.gather.ended', event: { type: 'input.timeout' } },
  gather: { webhook: 'call.gather.ended', event: { type: 'input.timeout' } },
  // Its gather ends `cancelled`, which moves nothing (server/webhooks/cc-events.ts).
  gather_stop: null,
  // A speech menu's: call.transcription comes only while the caller speaks; the gather sent after it is what the step waits on.
  transcription_start: null,
  transcription_stop: null,
  // The caller stays (park_after_unbridge); the target leg's hang-up ends the dial.
  transfer: { webhook: 'call.hangup (target leg)', event: { type: 'dial.ended', status: 'no-answer' } },
  dial: { webhook: 'call.hangup (rung leg)', event: { type: 'dial.ended', status: 'no-answer' } },
  record_start: { webhook: 'call.recording.saved', event: { type: 'recording.saved', url: 'https://rec.example/m.mp3', seconds: 12 } },
  record_stop: { webhook: 'call.recording.saved', event: { type: 'recording.saved', url: 'https://rec.example/m.mp3', seconds: 12 } },
  hangup: null,
  bridge: null, // call.bridged: the server waits for the far end's hang-up
};

/** The element each TeXML waiting verb renders, and the event its action callback brings (server/webhooks/texml-events.ts). */
const TEXML_WAITS = {
  gather: { tag: 'Gather', event: { type: 'input.timeout' } }, // the Redirect after it: ?event=timeout
  dial: { tag: 'Dial', event: { type: 'dial.ended', status: 'no-answer' } },
  record: { tag: 'Record', event: { type: 'recording.saved', url: 'https://rec.example/m.mp3', seconds: 12 } },
} satisfies Record<WaitingVerb<'texml'>, { tag: string; event: EngineEvent }>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false });
const urls = { action: (i: { verb: string; node: string; seq: number }) => `https://cf.example/webhooks/texml/${i.verb}-${i.node}-${i.seq}` };

/** The event the TeXML document waits for, or undefined when it does not wait (it ends in a hang-up or falls off its end). */
function texmlAwaits(xml: string): EngineEvent | undefined {
  const doc = parser.parse(xml) as Array<Record<string, unknown>>;
  const els = (doc.find((e) => 'Response' in e)?.Response ?? []) as Array<Record<string, unknown>>;
  const tags = els.map((e) => Object.keys(e).find((k) => k !== ':@')!);
  // The renderer's own fallthrough after Gather / Record (event=timeout / event=empty) is part of that verb.
  const last = els.at(-1);
  const marker = last && tags.at(-1) === 'Redirect' && /[?&]event=(timeout|empty)$/.test(String((last.Redirect as Array<{ '#text': string }>)[0]?.['#text']));
  const tag = tags.at(marker ? -2 : -1);
  // Core verbs only: this test covers the registered kinds, which bring no verbs of their own.
  const verb = waitingVerbs('texml').find((v): v is keyof typeof TEXML_WAITS => v in TEXML_WAITS && TEXML_WAITS[v as keyof typeof TEXML_WAITS].tag === tag);
  return verb ? TEXML_WAITS[verb].event : undefined;
}

/** The event the step's Call Control commands bring back, or undefined when none does. */
function ccAwaits(commands: Command[]): EngineEvent | undefined {
  const last = commands.at(-1);
  return last ? CC_PRODUCES[last.action]?.event : undefined;
}

interface Case { name: string; data: unknown; env?: Partial<Env>; /** Leaves at once although the kind can wait (nobody to ring, nothing to dial). */ cannotWork?: boolean }

/** Entries that wait differently from the example. Optional per kind: a new kind is checked with its example alone. */
const VARIANTS: Partial<Record<NodeType, Case[]>> = {
  play: [{ name: 'looped', data: { url: 'https://cdn.example/a.mp3', loop: 3 } }],
  menu: [
    { name: 'recorded prompt', data: { prompt: { url: 'https://cdn.example/menu.mp3' }, options: { '1': 'Sales' } } },
    { name: 'speech', data: { prompt: { text: 'Say sales or press 1.' }, options: { '1': 'Sales' }, speech: { sales: '1' } } },
    { name: 'no retries', data: { prompt: { text: 'Press 1.' }, options: { '1': 'Sales' }, maxRetries: 0 } },
  ],
  collect: [{ name: 'recorded prompt, retries', data: { prompt: { url: 'https://cdn.example/acct.mp3' }, variable: 'acct', maxRetries: 2 } }],
  businessHours: [{ name: 'closed (no hours)', data: { weekly: {} } }],
  roundRobin: [
    { name: 'sequential, two', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: 'sip:b@acme.sip.telnyx.com' }], strategy: 'sequential' } },
    { name: 'simultaneous, two', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: '+13125550102' }], strategy: 'simultaneous' } },
    { name: 'longest idle', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: '+13125550102' }], strategy: 'longest_idle' } },
    { name: 'nobody available', data: { members: [{ id: 'a', to: '+13125550101' }] }, env: { team: { a: { status: 'busy' } } }, cannotWork: true },
  ],
  transfer: [
    { name: 'SIP, recorded', data: { to: 'sip:desk@acme.sip.telnyx.com', record: true, callerId: '+18445550199' } },
    { name: 'template that fills to nothing', data: { to: '{{vars.nobody}}' }, cannotWork: true },
  ],
  voicemail: [
    { name: 'no greeting', data: {} },
    { name: 'recorded greeting, transcribed', data: { greeting: { url: 'https://cdn.example/vm.mp3' }, transcribe: true, mailbox: 'sales' } },
  ],
  sms: [{ name: 'MMS', data: { text: 'Photo', mediaUrls: ['https://cdn.example/a.jpg'] } }],
  branch: [{ name: 'no rules', data: { rules: [] } }],
};

const BASE: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' }; // a Monday, 10:00 in New York
const MODES: Mode[] = ['texml', 'call-control'];

function casesOf(type: NodeType): Case[] {
  return [{ name: 'example', data: NODE_KINDS[type].example }, ...(VARIANTS[type] ?? [])];
}

/**
 * Walks a call through `n` in one mode and returns every disagreement found ([] when the three agree at every
 * step). `kind` is what claims `waits` (the registry's own kind, or a lying copy in the self-test below).
 */
function disagreements(kind: NodeKind, type: NodeType, c: Case, mode: Mode): string[] {
  const probe = flowOf([{ id: 'n', type, data: c.data }, { id: 'end', type: 'hangup', data: {} }], []);
  const data = probe.nodes[0]!.data as never;
  const flow = flowOf([{ id: 'n', type, data: c.data }, { id: 'end', type: 'hangup', data: {} }], kind.ports(data).map((p) => ['n', p, 'end'] as [string, string, string]));
  const env: Env = { ...BASE, ...c.env, mode };
  const out: string[] = [];
  let snapshot: Snapshot | null = null;
  let event: EngineEvent = started;
  for (let at = 0; at < 12; at++) {
    const r: StepResult = step(flow, snapshot, event, env);
    const xml = renderTexml(r.instructions, urls);
    const commands = toCommands(r.instructions, { callId: 'call-1', flowId: 'test' });
    const engine = r.waiting;
    const texml = texmlAwaits(xml);
    const cc = ccAwaits(commands);
    const where = `${mode} step ${at} (${event.type})`;
    if (at === 0 && !c.cannotWork && kind.waits(data, mode) !== engine) out.push(`${where}: waits() says ${kind.waits(data, mode)}, the engine ${engine ? 'waits' : 'moves on'}`);
    if (at === 0 && c.cannotWork && engine) out.push(`${where}: expected to leave at once, but the engine waits`);
    if (mode === 'texml' && !!texml !== engine) out.push(`${where}: the engine ${engine ? 'waits' : 'moves on'}, TeXML ${texml ? 'waits' : 'does not'}: ${xml}`);
    if (mode === 'call-control' && !!cc !== engine) out.push(`${where}: the engine ${engine ? 'waits' : 'moves on'}, Call Control ${cc ? 'waits' : 'does not'}: ${commands.map((x) => x.action).join(', ') || 'no command'}`);
    if (!engine || out.length) break;
    snapshot = JSON.parse(JSON.stringify(r.snapshot)) as Snapshot;
    event = (mode === 'texml' ? texml : cc)!;
  }
  return out;
}

describe('every kind, every entry, both modes: the engine waits ⇔ TeXML waits ⇔ Call Control brings the next event', () => {
  const rows = (Object.keys(NODE_KINDS) as NodeType[]).flatMap((type) => casesOf(type).flatMap((c) => MODES.map((mode) => ({ type, c, mode }))));

  it.each(rows.map((r) => [`${r.type} (${r.c.name}) in ${r.mode}`, r] as const))('%s', (_name, { type, c, mode }) => {
    expect(disagreements(NODE_KINDS[type] as NodeKind, type, c, mode)).toEqual([]);
  });

  it('covers every registered kind', () => {
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(Object.keys(NODE_KINDS)));
  });

  it('catches a kind that lies about waiting (say claiming to wait in TeXML)', () => {
    const liar: NodeKind = { ...NODE_KINDS.say, waits: () => true };
    expect(disagreements(liar, 'say', casesOf('say')[0]!, 'texml')).toEqual([expect.stringContaining('waits() says true, the engine moves on')]);
  });

  it('catches a transport that does not wait where the engine does', () => {
    // A document whose Gather was dropped (what TeXML answered for an unknown waiting instruction before) does not wait.
    expect(texmlAwaits('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi</Say><Hangup/></Response>')).toBeUndefined();
    expect(ccAwaits([{ action: 'hangup', body: {} }])).toBeUndefined();
    expect(ccAwaits([])).toBeUndefined();
  });
});
