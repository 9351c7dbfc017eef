/**
 * The engine's public vocabulary: events in, instructions out, and the
 * environment a step receives. Everything here is plain JSON so it can be
 * persisted, diffed in fixtures and sent to the browser unchanged.
 */

/** How the call is driven at Telnyx: one TeXML document per step, or Call Control commands. */
export type Mode = 'texml' | 'call-control';

/**
 * How a flow runs: a call in one of the two voice {@link Mode}s, or `sms`, a text conversation
 * (server/messaging/conversations.ts). In `sms` no transport renders anything: the server sends the
 * step's `sms` effects through the messaging API and waits where a `reply.await` says so.
 */
export type RunMode = Mode | 'sms';

/** What starts a flow: a phone call (the default) or an inbound text (a flow with `"channel": "sms"`). */
export type Channel = 'voice' | 'sms';

/** Outcome of a dial (transfer / round robin leg). */
export type DialStatus = 'connected' | 'no-answer' | 'busy' | 'failed';

/**
 * Events the engine understands. Both Telnyx modes are translated into these
 * before the engine sees them (see DESIGN.md "Engine events and instructions").
 */
export type CoreEvent =
  /** `vars`: values the call starts with (an outbound flow call's `vars`, as `{{vars.NAME}}`). */
  /**
   * `startAt`: the node to start at instead of the flow's start, honoured only for a node whose kind resumes calls
   * there (NodeKind.resumable: a hold queue calling a caller back); any other value starts at the start.
   */
  | { type: 'call.started'; from: string; to: string; callId: string; direction: 'inbound' | 'outbound'; vars?: Record<string, string>; startAt?: string }
  | { type: 'input.digits'; digits: string }
  | { type: 'input.speech'; text: string; confidence?: number }
  | { type: 'input.timeout' }
  | { type: 'prompt.ended' }
  /** `to`: the destination that answered, when the transport knows it (a simultaneous ring's winner). */
  | { type: 'dial.ended'; status: DialStatus; seconds?: number; to?: string }
  | { type: 'recording.saved'; url: string; seconds: number }
  | { type: 'recording.empty' }
  | { type: 'amd.ended'; result: 'human' | 'machine' | 'not_sure' | string }
  | { type: 'call.ended'; cause?: string }
  /**
   * A text from the person the conversation is with (mode `sms`): the first one starts the run (`conversationId`
   * becomes `call.id`, `from` the texter, `to` our number), later ones answer a waitForReply. `media`: MMS URLs.
   */
  | { type: 'message.received'; from: string; to: string; text: string; media?: string[]; conversationId?: string };

/**
 * Events a node kind brings of its own, by type, merged in by the kind's file (TypeScript declaration merging):
 * `declare module '../types.js' { interface KindEvents { 'probe.ended': { result: string } } }`. The kind lists
 * them in `NodeKind.events` too (the compiler listens for them) and says which transport callback means each
 * (`NodeKind.instructions`). Empty here: the built-in kinds use the core events.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KindEvents {}

/** A kind's own event, as the engine receives it. */
export type OwnEvent = { [T in keyof KindEvents]: { type: T } & KindEvents[T] }[keyof KindEvents];

/** Every event: the core ones and those kinds bring ({@link KindEvents}). */
export type EngineEvent = CoreEvent | OwnEvent;

export type EngineEventType = EngineEvent['type'];
/** The core event types (what the transports translate without asking a kind). */
export type CoreEventType = CoreEvent['type'];

/**
 * Every event type, once: a key missing here, or one the union does not have, fails the typecheck
 * (a mapped type over the union, written as an object literal). So a kind's new event cannot be
 * dropped by the compiler's list of events a node listens to.
 */
const EVENT_TYPE_SET: { readonly [T in CoreEventType]: true } = {
  'call.started': true, 'input.digits': true, 'input.speech': true, 'input.timeout': true, 'prompt.ended': true,
  'dial.ended': true, 'recording.saved': true, 'recording.empty': true, 'amd.ended': true, 'call.ended': true,
  'message.received': true,
};

/**
 * Every core event type, in a stable order (used by the fuzzer and the builder); derived from the union. The
 * compiler also listens for the registered kinds' own events (engine/nodes/index.ts `eventTypes()`).
 */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as readonly CoreEventType[];

/** Something the caller hears before or during a gather / record. */
export type Prompt =
  | { verb: 'say'; text: string; voice?: string; language?: string; loop?: number }
  | { verb: 'play'; url: string; loop?: number };

/**
 * Domain effects: what the engine decided should happen outside the call. Neither transport renders
 * them (TeXML has no verb for them, Call Control no command); the server runs each from one table
 * (server/calls/effects.ts), once the step that caused it is stored. Named like every instruction,
 * as imperatives (events are past tense): `sms` as DESIGN.md has it, and the newer ones namespaced
 * by what they act on (`voicemail.save`, `member.release`), so the dotted verbs read as the
 * server's business, not the call's.
 */
export type Effect =
  | { verb: 'sms'; to: string; from: string; text: string; mediaUrls?: string[] }
  /** A voicemail node's message: keep it in `mailbox` (the server's default when unset), transcribed when asked. */
  | { verb: 'voicemail.save'; url: string; seconds: number; transcribe: boolean; mailbox?: string }
  /**
   * A dial that connected is over (both modes report a connected dial once the conversation ends): the team
   * member it reached, by `member` id (round robin) or by the number dialled (`to`, a transfer), has just
   * finished a call (their lastCallEndedAt, which longest_idle reads).
   */
  | { verb: 'member.release'; member?: string; to?: string }
  /**
   * A text conversation waits here for the texter's reply (waitForReply in mode `sms`): the server sends the
   * node `input.timeout` once `minutes` have passed without one (server/messaging/conversations.ts sweeper).
   */
  | { verb: 'reply.await'; minutes: number }
  /**
   * A hold queue's entry for this call (engine/nodes/queue.ts): `waiting` on joining (the server keeps its place),
   * then how it left: `connected` (with the agent's id), `timeout`, or `callback` (the place is kept for a call back
   * to `callbackTo`).
   */
  | { verb: 'queue.update'; state: 'waiting' | 'connected' | 'timeout' | 'callback'; agent?: string; callbackTo?: string };

/** The verbs of the domain effects. */
export type EffectVerb = Effect['verb'];

/**
 * Neutral instructions. `node` names the flow node that produced it and `seq`
 * the step counter of the call when it was produced: renderers use both to
 * build action URLs, `client_state` and deterministic `command_id`s.
 * Waiting instructions (gather, dial, record, and say/play in Call Control
 * mode) end a step: the next event answers them. {@link Effect}s are for the server.
 */
export type CoreInstruction = { node: string; seq: number } & (
  | { verb: 'say'; text: string; voice?: string; language?: string; loop?: number }
  | { verb: 'play'; url: string; loop?: number }
  | {
      verb: 'gather';
      prompts: Prompt[];
      input: 'dtmf' | 'dtmf speech';
      numDigits?: number;
      finishOnKey?: string;
      validDigits?: string;
      timeoutSeconds: number;
      hints?: string[];
    }
  | {
      verb: 'dial';
      targets: string[];
      /** simultaneous rings every target at once; sequential one after another */
      ring: 'simultaneous' | 'sequential';
      timeoutSeconds: number;
      callerId?: string;
      record?: boolean;
      /** Call screening: what the answering person hears and must press before being put through (TeXML `<Number url>`, Call Control dial + gather + bridge). */
      screen?: DialScreen;
    }
  | { verb: 'record'; maxSeconds: number; playBeep: boolean; transcribe: boolean; mailbox?: string }
  | { verb: 'hangup'; reason?: string }
  | { verb: 'redirect'; url: string }
  | { verb: 'pause'; seconds: number }
  | Effect
);

/**
 * A screened dial: the answering leg hears `whisper`; with `requireKeypress` only `acceptKey` pressed within
 * `timeoutSeconds` puts the call through, anything else (silence, another key, a hang-up, a voicemail greeting)
 * counts as no answer, so a team ring moves on to the next member.
 */
export interface DialScreen { whisper?: Prompt; requireKeypress: boolean; acceptKey: string; timeoutSeconds: number }

/**
 * Instructions a node kind brings of its own, by verb, merged in by the kind's file like {@link KindEvents}:
 * `interface KindInstructions { probe: { seconds: number } }`. The kind says, in `NodeKind.instructions`, what
 * each does in both modes and how each transport carries it (engine/own-verbs.ts); the renderers look it up
 * there. Empty here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KindInstructions {}

/** A kind's own instruction, stamped with its node and step. */
export type OwnInstruction = { node: string; seq: number } & { [V in keyof KindInstructions]: { verb: V } & KindInstructions[V] }[keyof KindInstructions];

/** Every instruction: the core ones and those kinds bring. */
export type Instruction = CoreInstruction | OwnInstruction;

export type InstructionVerb = Instruction['verb'];
/** The core verbs: the renderers' exhaustive switches and the verbs table are over these. */
export type CoreVerb = CoreInstruction['verb'];

/** An effect as the server receives it: stamped with its node and step. */
export type EffectInstruction = Extract<Instruction, { verb: EffectVerb }>;

const EFFECT_VERB_SET: { readonly [V in EffectVerb]: true } = { sms: true, 'voicemail.save': true, 'member.release': true, 'reply.await': true, 'queue.update': true };

/** Every effect verb, derived from the union (a missing or extra one fails the typecheck). */
export const EFFECT_VERBS = Object.keys(EFFECT_VERB_SET) as readonly EffectVerb[];

/** Is this instruction an effect (for the server), not something a transport renders? */
export function isEffect(i: Instruction): i is EffectInstruction {
  return Object.prototype.hasOwnProperty.call(EFFECT_VERB_SET, i.verb);
}

/** For the default of an exhaustive switch: a value left over is a compile error there, and a thrown bug at run time. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Availability of one team member, as the server knows it. */
export interface TeamMember {
  status: 'available' | 'busy' | 'offline';
  /** ISO time the member's last call ended (for longest_idle). */
  lastCallEndedAt?: string;
}

/** Round-robin cursors, per node id: the index of the member to try first next time. */
export type Cursors = Record<string, number>;

/** Everything from outside a step needs: the clock, the team and the cursors are data. */
/** A shared schedule as a step sees it: its name, hours (with their zone) and temporary change, if any. */
export type ScheduleEnv = import('./nodes/hours.js').HoursRules & { name: string };

export interface Env {
  /** The current instant, ISO 8601 with offset (the engine never reads a clock). */
  now: string;
  /** The voice transport, or `sms` for a text conversation ({@link RunMode}). */
  mode: RunMode;
  /** Member id → availability. Members not listed count as available. */
  team?: Record<string, TeamMember>;
  cursors?: Cursors;
  /** Values for `{{company.*}}`. */
  company?: Record<string, string>;
  /**
   * The company's shared schedules by id, as the server read them for this step (issue #13): a businessHours node
   * with a `scheduleId` follows the one named (read at call time, so an edit reaches published versions too).
   */
  schedules?: Record<string, ScheduleEnv>;
  /** Microsteps allowed per event before the flow is stopped (default 100). */
  stepLimit?: number;
  /** Answering machine detection on this call so far (an outbound call that asked for it); absent: none runs. */
  amd?: AmdEnv;
}

/**
 * What answering machine detection said so far: `result` as Telnyx names it (human, machine, not_sure,
 * human_residence, …; null while it listens), `greeting` once a machine's greeting ended (beep_detected, ended,
 * …), and whether this call's detection mode reports a greeting's end at all (greeting_end, detect_beep, …).
 */
export interface AmdEnv { result: string | null; greeting: string | null; greetingReported: boolean }

/** One line of the trace: a node entered, a port taken, or how the call ended. */
export type TraceEntry =
  | { kind: 'enter'; node: string; type: string }
  | { kind: 'port'; node: string; port: string; target?: string }
  | { kind: 'ended'; node?: string; reason: 'hangup' | 'caller-hangup' | 'step-limit' | 'unwired' | 'end-of-flow' | 'error' | 'rejected'; detail?: string }
  /** A filled text or a variable's value was longer than the engine keeps (template.ts MAX_TEXT) and was cut there; `variable` names the variable. */
  | { kind: 'truncated'; node: string; limit: number; variable?: string };

/** The persisted call state: JSON, small, and enough to carry on a call after a restart. */
export interface Snapshot {
  /** XState status: `active` while the call runs, `done` once it ended. */
  status: 'active' | 'done';
  /** The flow node the call waits in, or `__end` once it is over. */
  value: string;
  context: CallContext;
}

/** Data every node can read; only JSON. */
export interface CallContext {
  call: { id: string; from: string; to: string; direction: 'inbound' | 'outbound' };
  vars: Record<string, string>;
  /** Per-node scratch state of the node the call waits in (retries, members tried, ...). */
  local: Record<string, unknown>;
  /** Step counter: increases by one per event; renderers put it in action URLs. */
  seq: number;
  /** True once the call is over (hung up by either side). */
  ended: boolean;
}

/** What one step returns. */
export interface StepResult {
  snapshot: Snapshot;
  instructions: Instruction[];
  trace: TraceEntry[];
  cursors: Cursors;
  /** True when the engine waits for the next event (false once ended). */
  waiting: boolean;
}
