/**
 * Test support (like nodes/test-kit.ts): the registry-wide check that the three places that say "the call waits
 * here" agree, for one kind, one way it is entered, one mode, on entry and at every step after it until the call
 * moves on:
 *
 *   the engine waits (the step's `waiting`, and on entry the kind's own `waits(data, mode)`)
 *     ⇔ the step's TeXML ends in a verb that waits (engine/verbs.ts), or a kind's own verb that comes back to
 *       its action URL, whose callback brings the next event
 *     ⇔ the step's last Call Control command is one whose end Telnyx reports (CC_PRODUCES), bringing it (for a
 *       kind's own instruction: the event its spec's `ccEvents` makes of that webhook)
 *
 * Each step is answered with the event its own transport would bring (a Gather's timeout, a speak's end,
 * a dial nobody answered, a saved recording), so re-prompts, the next member of a ring and a voicemail's
 * greeting-then-record are walked too. engine/waits.test.ts runs it for the built-in kinds,
 * test/kinds/waits.test.ts for a kind added with `registerKind`.
 *
 *   n(kind under test) ─every port→ end(hangup)
 */
import { XMLParser } from 'fast-xml-parser';
import type { NodeKind } from './node-kind.js';
import { flowOf, started } from './nodes/test-kit.js';
import { isOwn, ownVerb } from './own-verbs.js';
import { step } from './step.js';
import { renderTexml } from './texml.js';
import { toCommands, type Command, type CommandAction } from './call-control.js';
import { waitingVerbs, type WaitingVerb } from './verbs.js';
import type { EngineEvent, Env, Instruction, Mode, Snapshot, StepResult } from './types.js';

/**
 * What Telnyx reports when a Call Control command finishes (the webhook, and a payload of its "nothing happened"
 * kind: the timeout, the end), and the engine event the server makes of it for a core instruction
 * (server/webhooks/cc-events.ts, call-control.ts); null: nothing comes back to the flow. A new command
 * is a compile error here until it says which.
 */
export const CC_PRODUCES: Record<CommandAction, { webhook: string; payload: Record<string, unknown>; event: EngineEvent } | null> = {
  answer: null, // call.answered: the server starts the flow itself (toCommands never sends it)
  speak: { webhook: 'call.speak.ended', payload: { status: 'completed' }, event: { type: 'prompt.ended' } },
  playback_start: { webhook: 'call.playback.ended', payload: { status: 'completed' }, event: { type: 'prompt.ended' } },
  gather_using_speak: { webhook: 'call.gather.ended', payload: { status: 'timeout', digits: '' }, event: { type: 'input.timeout' } },
  gather_using_audio: { webhook: 'call.gather.ended', payload: { status: 'timeout', digits: '' }, event: { type: 'input.timeout' } },
  gather: { webhook: 'call.gather.ended', payload: { status: 'timeout', digits: '' }, event: { type: 'input.timeout' } },
  // Its gather ends `cancelled`, which moves nothing (server/webhooks/cc-events.ts).
  gather_stop: null,
  // A speech menu's: call.transcription comes only while the caller speaks; the gather sent after it is what the step waits on.
  transcription_start: null,
  transcription_stop: null,
  // The caller stays (park_after_unbridge); the target leg's hang-up ends the dial.
  transfer: { webhook: 'call.hangup (target leg)', payload: { hangup_cause: 'timeout' }, event: { type: 'dial.ended', status: 'no-answer' } },
  dial: { webhook: 'call.hangup (rung leg)', payload: { hangup_cause: 'timeout' }, event: { type: 'dial.ended', status: 'no-answer' } },
  record_start: { webhook: 'call.recording.saved', payload: { recording_urls: { mp3: 'https://rec.example/m.mp3' } }, event: { type: 'recording.saved', url: 'https://rec.example/m.mp3', seconds: 12 } },
  record_stop: { webhook: 'call.recording.saved', payload: { recording_urls: { mp3: 'https://rec.example/m.mp3' } }, event: { type: 'recording.saved', url: 'https://rec.example/m.mp3', seconds: 12 } },
  hangup: null,
  reject: null, // ends the call: call.hangup (call_rejected / user_busy) follows
  bridge: null, // call.bridged: the server waits for the far end's hang-up
  gather_using_ai: { webhook: 'call.ai_gather.ended', payload: { status: 'invalid' }, event: { type: 'ai.gathered', status: 'invalid' } },
  ai_assistant_start: { webhook: 'call.conversation.ended', payload: { reason: 'service_error' }, event: { type: 'assistant.ended', reason: 'service_error' } },
};

/** The element each TeXML waiting verb renders, and the event its action callback brings (server/webhooks/texml-events.ts). */
const TEXML_WAITS = {
  gather: { tag: 'Gather', event: { type: 'input.timeout' } }, // the Redirect after it: ?event=timeout
  dial: { tag: 'Dial', event: { type: 'dial.ended', status: 'no-answer' } },
  record: { tag: 'Record', event: { type: 'recording.saved', url: 'https://rec.example/m.mp3', seconds: 12 } },
} satisfies Record<WaitingVerb<'texml'>, { tag: string; event: EngineEvent }>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false });
const ACTION = /^https:\/\/cf\.example\/webhooks\/texml\/(.+)-[^-]+-\d+$/;
const urls = { action: (i: { verb: string; node: string; seq: number }) => `https://cf.example/webhooks/texml/${i.verb}-${i.node}-${i.seq}` };

type XmlEl = Record<string, unknown> & { ':@'?: Record<string, unknown> };

/** The event the TeXML document waits for, or undefined when it does not wait (it ends in a hang-up or falls off its end). */
export function texmlAwaits(xml: string): EngineEvent | undefined {
  const doc = parser.parse(xml) as XmlEl[];
  const els = (doc.find((e) => 'Response' in e)?.Response ?? []) as XmlEl[];
  const tags = els.map((e) => Object.keys(e).find((k) => k !== ':@')!);
  const last = els.at(-1);
  const text = (e: XmlEl | undefined, tag: string | undefined) => String((e?.[tag!] as Array<{ '#text'?: unknown }> | undefined)?.[0]?.['#text'] ?? '');
  // The renderer's own fallthrough after Gather / Record (event=timeout / event=empty) is part of that verb.
  const marker = last && tags.at(-1) === 'Redirect' && /[?&]event=(timeout|empty)$/.test(text(last, 'Redirect'));
  const tag = tags.at(marker ? -2 : -1);
  const verb = waitingVerbs('texml').find((v): v is keyof typeof TEXML_WAITS => v in TEXML_WAITS && TEXML_WAITS[v as keyof typeof TEXML_WAITS].tag === tag);
  if (verb) return TEXML_WAITS[verb].event;
  // A kind's own verb waits when the document's last element comes back to its action URL (its `action`, or a
  // Redirect to it); the callback with no input is what the kind's texmlEvent makes of empty fields.
  const target = String(last?.[':@']?.['@_action'] ?? (tags.at(-1) === 'Redirect' ? text(last, 'Redirect') : ''));
  const own = ownVerb(ACTION.exec(target)?.[1] ?? '');
  return own?.effect.texml === 'waits' ? own.texmlEvent({}) : undefined;
}

/** The event the step's Call Control commands bring back, or undefined when none does. */
export function ccAwaits(commands: Command[], instructions: readonly Instruction[] = []): EngineEvent | undefined {
  const last = commands.at(-1);
  const produces = last ? CC_PRODUCES[last.action] : null;
  if (!produces) return undefined;
  // A kind's own waiting instruction: what its ccEvents make of that webhook (undefined: it ignores it, nothing comes).
  // (The cast: in a program that holds no kind's `declare module`, the builder's, OwnInstruction is `never`.)
  const own = instructions.filter(isOwn).map((i) => ownVerb((i as { verb: string }).verb)).filter((s) => s?.effect['call-control'] === 'waits').at(-1);
  if (own) return own.ccEvents[produces.webhook.split(' ')[0]!]?.(produces.payload);
  return produces.event;
}

/** One way a kind is entered. */
export interface Case { name: string; data: unknown; env?: Partial<Env>; /** Leaves at once although the kind can wait (nobody to ring, nothing to dial). */ cannotWork?: boolean }

const BASE: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' }; // a Monday, 10:00 in New York
export const MODES: Mode[] = ['texml', 'call-control'];

/**
 * Walks a call through `n` in one mode and returns every disagreement found ([] when the three agree at every
 * step). `kind` is what claims `waits` (the registry's own kind, or a lying copy in a self-test).
 */
export function disagreements(kind: NodeKind, type: string, c: Case, mode: Mode): string[] {
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
    const cc = ccAwaits(commands, r.instructions);
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
