import type { z } from 'zod';
import type { DateTime } from 'luxon';
import type { OwnVerbs } from './own-verbs.js';
import type { CallContext, Channel, EngineEvent, Env, Instruction, KindEvents, RunMode } from './types.js';
import type { FlowGraph, GraphEdge, GraphNode, KindLookup } from './graph.js';

/** An instruction as a node emits it; the step adds `node` and `seq`. */
export type Emit = Instruction extends infer I ? (I extends unknown ? Omit<I, 'node' | 'seq'> : never) : never;

/** What a node sees when it is entered or receives an event. Pure data plus pure helpers. */
export interface NodeContext {
  /** The node's id in the flow. */
  id: string;
  /** The voice transport, or `sms` in a text conversation. */
  mode: RunMode;
  call: CallContext['call'];
  vars: Readonly<Record<string, string>>;
  /** This node's scratch state (empty on entry). */
  local: Readonly<Record<string, unknown>>;
  env: Env;
  /** `env.now` in the flow's time zone. */
  now: DateTime;
  /** The flow's default time zone. */
  timezone: string;
  /**
   * Fills `{{templates}}` from caller, call, vars, company and now. Never evaluates code.
   * The result is at most template.ts MAX_TEXT characters (cut there, with a `truncated`
   * trace note). A plain function: it may be passed on detached (`toPrompt(p, ctx.fill)`).
   */
  fill: (text: string) => string;
}

/**
 * What a node decides. `port` set: leave now by that port. `port` unset: wait
 * for the next event in this node. `emit` is spoken/sent either way.
 */
export interface Outcome {
  emit?: Emit[];
  port?: string;
  /** Replaces the node's scratch state. */
  local?: Record<string, unknown>;
  /** Merged into `vars`. */
  vars?: Record<string, string>;
  /** New round-robin cursor for this node. */
  cursor?: number;
  /**
   * The call ends here, by what `emit` holds (a reject): no port is taken, the trace says `ended` with this
   * reason and the call log's path `end:<reason>@<node>`.
   */
  end?: 'rejected' | 'error';
}

/** A problem a kind finds in its own data; `path` (inside `data`, e.g. `['rules', 0, 'when', 'value']`) names the field. */
export interface KindFinding {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  path?: (string | number)[];
}

/** What a kind's own check knows about the rest of the flow. */
export interface KindLintContext {
  timezone: string;
  /** The step (`the say step "Welcome"`) that also sets `{{vars.NAME}}`, other than this one; undefined when none does. */
  setElsewhere?: (name: string) => string | undefined;
}

/** A finding about the flow around a kind's nodes ({@link NodeKind.flowLint}): `node` names the step it is about. */
export interface FlowFinding extends KindFinding { node?: string }

/** What {@link NodeKind.flowLint} sees: the whole flow, its wiring (engine/graph.ts) and what lint knows of the company. */
export interface FlowLintContext {
  flow: { id: string; start: string; nodes: readonly GraphNode[]; edges: readonly GraphEdge[] };
  wiring: FlowGraph;
  kindOf: KindLookup;
  /** The company's other flows, when the server passes them (engine/lint-graph.ts CompanyFacts `flows`). */
  flows?: Readonly<Record<string, { published: boolean; returns: readonly string[]; calls: readonly string[] }>>;
}

/**
 * Turns a node's `data` at one version of its kind into the next version's (version n in, n + 1 out). Raw JSON in,
 * raw JSON out (what a flow file holds, before the schema's defaults); pure, and it must not change its argument.
 */
export type KindMigration = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * A colour token for a kind's card and palette entry. The builder's CSS has one rule per token
 * (`[data-accent="blue"]`, builder/src/styles.css; a test checks every token has one), never one per kind.
 */
export const ACCENTS = ['blue', 'violet', 'cyan', 'green', 'pink', 'orange', 'slate', 'red'] as const;
export type Accent = (typeof ACCENTS)[number];

/**
 * A field the builder's inspector edits with a purpose-made widget instead of the schema-driven form:
 * `menuKeys` (the keypad options), `members` (the team picker), `hours` (weekly hours, holidays and
 * overrides in one editor), `hidden` (edited by another field's widget). builder/src/Inspector.tsx maps each.
 */
export type FieldWidget = 'menuKeys' | 'members' | 'hours' | 'hidden';

/**
 * What a call is assumed to use when it leaves a node by one port (engine/nodes/cost.ts states the
 * assumptions). server/billing/estimate.ts prices it; absent fields are 0.
 */
export interface CostEstimate {
  /** Seconds the caller's leg spends in the node. */
  seconds?: number;
  /** Seconds of an outbound leg (a transfer or a team member answering). */
  outboundSeconds?: number;
  recordedSeconds?: number;
  transcribedSeconds?: number;
  /** Seconds a Telnyx AI (AI gather, AI Assistant) talks with the caller. */
  aiSeconds?: number;
  /** Texts sent (billing counts their segments). */
  texts?: string[];
  /** Answering machine detections run (an outbound call's AMD fee). */
  amd?: number;
}

/** One node kind, whole: schema, ports, entry and event handling, and every fact the builder, lint and billing need. */
export interface NodeKind<D = any> {
  type: string;
  /**
   * The version of this kind's `data` (1 when absent). Raise it when `schema` stops accepting data it accepted
   * before, and add the migration from the old version: flows saved earlier (published versions above all) keep
   * working. A flow records the versions its data is at in its `kinds` header (engine/migrate.ts).
   */
  version?: number;
  /** `migrations[n]` brings data of version n to version n + 1: one for every version below `version`. */
  migrations?: Readonly<Record<number, KindMigration>>;
  /** Palette label and one-line help for the builder. */
  label: string;
  description: string;
  /** zod schema of `node.data`; defaults in the schema are the documented ones. */
  schema: z.ZodType<D>;
  /** A minimal valid `data` for a freshly dropped node. */
  example: D;
  /** Output ports, in display order. */
  ports(data: D): string[];
  /** Ports a caller can reach that a careful author wires (lint warns when they are not). */
  reachablePorts?(data: D): string[];
  /** An unwired port that falls back to another one (businessHours holiday → closed). */
  fallbacks?: Record<string, string>;
  /** Does entering this node wait for the caller or Telnyx (so a loop through it is safe)? */
  waits(data: D, mode: RunMode): boolean;
  /**
   * What can start a flow this kind is in (engine/lint-channel.ts): `voice` (a call; the default when absent),
   * `sms` (a text conversation, a flow with `"channel": "sms"`), or both. Lint refuses a kind in a flow of
   * another channel (say in an SMS flow, waitForReply in a call flow).
   */
  channels?: readonly Channel[];
  enter(data: D, ctx: NodeContext): Outcome;
  /**
   * Fields of `data` that name a number the call uses as its own (an SMS's `from`, a dial's `callerId`): they
   * must be numbers of the flow's company. Lint checks literal values when it is given the company's numbers
   * (engine/lint-numbers.ts); templated ones are the server's to check on each call.
   */
  ownNumberFields?: readonly string[];
  /**
   * Does entering read this node's round-robin cursor (`env.cursors[id]`)? The server records the cursors a step
   * read so a fixture can seed them (server/calls/runner.ts `cursorsRead`) without reading the kind's data itself.
   */
  readsCursor?(data: D): boolean;
  /**
   * Entering it plays nothing and waits for nothing (a branch, a variable, an hours check): a call that has passed
   * only such steps has not been answered yet, so a reject after them still refuses the call unanswered.
   */
  silent?: boolean;
  /** Problems of this kind that only the whole flow shows (a reject after the call was answered); run once per flow that has the kind. */
  flowLint?(ctx: FlowLintContext): FlowFinding[];
  /**
   * The shared schedule this node follows (a businessHours node's `scheduleId`), if any: the server hands that
   * schedule to the step (Env.schedules) and records it for fixtures, lint checks it exists in the company, and a
   * schedule in use cannot be deleted. The server does not read the kind's data itself.
   */
  scheduleRef?(data: D): string | undefined;
  /**
   * Does this kind read `env.amd` (answering machine detection so far)? The server reads the call's detection
   * state only for flows with such a node (server/calls/outbound-flow.ts `amdEnv`).
   */
  readsAmd?: boolean;
  /**
   * Can a call start at this node (`call.started` `startAt`)? A hold queue's call back does: the server calls a
   * caller back and the call resumes in the queue, not at the flow's start (server/calls/queue.ts).
   */
  resumable?: boolean;
  /** Problems only this kind knows about (bad hours, a regex that does not compile, ...). */
  lint?(data: D, ctx: KindLintContext): KindFinding[];
  /**
   * Events of its own (declared in types.ts `KindEvents` by the kind's file): the compiled node listens for them.
   * The transports learn what brings each from `instructions` (`texmlEvent`, `ccEvents`).
   */
  events?: readonly (keyof KindEvents)[];
  /**
   * Instructions of its own (declared in types.ts `KindInstructions` by the kind's file), each with what it does
   * per mode and how TeXML and Call Control carry and answer it (engine/own-verbs.ts `OwnVerbSpec`, every part
   * required). The renderers and the server's webhook mapping look them up; nothing else lists them.
   */
  instructions?: OwnVerbs;
  /** An event while waiting here. `undefined` means the event is ignored. */
  on?(data: D, event: EngineEvent, ctx: NodeContext): Outcome | undefined;

  // Facts for the builder, lint and billing. `summary` and `sets` get the data as the editor holds
  // it (possibly incomplete, mid-edit) and must not assume the defaults are filled in.
  /** What the kind is called in a sentence, lower-case: lint says `the ${noun} "Main menu"`. */
  noun: string;
  /** What leaving by `port` means for the caller, to end "... has no path ___" (e.g. "for when nobody answers"). */
  portPhrase(port: string): string;
  /** The colour token of its card and palette entry. */
  accent: Accent;
  /** Short lines for the canvas card (each at most ~70 characters). */
  summary(data: Partial<D>): string[];
  /** Names of the variables it sets (`{{vars.NAME}}`), for the builder's template hints. */
  sets(data: Partial<D>): string[];
  /** What a call is assumed to use in this node when it leaves by `port` (server/billing/estimate.ts). */
  cost(data: D, port: string): CostEstimate;
  /** Fields the inspector edits with a purpose-made widget. */
  widgets?: Readonly<Record<string, FieldWidget>>;
}

/** Identity helper that keeps `D` inferred from the schema. */
export function defineNode<S extends z.ZodType>(kind: NodeKind<z.output<S>> & { schema: S }): NodeKind<z.output<S>> & { schema: S } {
  return kind;
}
