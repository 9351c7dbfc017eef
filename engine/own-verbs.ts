import type { Command } from './cc-command.js';
import type { EngineEvent, KindInstructions, Mode, OwnInstruction } from './types.js';
import type { VerbEffect } from './verbs.js';
import type { CallScript } from './simulate.js';

/** One TeXML verb element a kind writes for its own instruction (escaped by the renderer like every other). */
export interface TexmlVerb {
  tag: string;
  attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
  text?: string;
  /**
   * Text written as a CDATA section (Telnyx wants `<AIGather>`'s `<Parameters>` JSON in one): stripped of what
   * XML cannot carry; a `]]>` inside is split across two sections (by the renderer's XML builder), so the content reads back unchanged.
   */
  cdata?: string;
  children?: readonly TexmlVerb[];
}

/** The `client_state` and `command_id` of a step's command number `part` (engine/call-control.ts). */
export type CommandIds = (part: number) => { client_state: string; command_id: string };

/**
 * What a kind's own instruction (types.ts `KindInstructions`) is, for everything outside the kind: what it does
 * in each mode, and how each transport carries it and answers it. Every field is required, so a kind that
 * forgets a transport does not typecheck (write it with {@link defineVerb}).
 */
export interface OwnVerbSpec<V extends PropertyKey = keyof KindInstructions> {
  /** Waits, ends or continues, per mode (engine/verbs.ts). */
  effect: Readonly<Record<Mode, VerbEffect>>;
  /**
   * TeXML: the verbs of the document for it; `action` is the URL its callback must POST to (when it waits);
   * `callbacks` the server's other callback URLs (the recording status callback), when the renderer has them.
   */
  texml(i: Extract<OwnInstruction, { verb: V }>, action: string, callbacks?: { recordingStatus?: string }): TexmlVerb[];
  /** TeXML: the event the action callback's signed fields mean. */
  texmlEvent(fields: Readonly<Record<string, string>>): EngineEvent;
  /** Call Control: its commands (any of the typed Telnyx commands), with the step's ids. */
  callControl(i: Extract<OwnInstruction, { verb: V }>, ids: CommandIds): Command[];
  /** Call Control: the Telnyx webhook types that answer it, and the event each means (undefined: ignore it). */
  ccEvents: Readonly<Record<string, (payload: Readonly<Record<string, unknown>>) => EngineEvent | undefined>>;
  /**
   * The offline simulators (engine/simulate.ts: the CLI, `/api/flows/simulate`, the builder): the event a scripted
   * caller brings, given the script's next keys (`''` silence; undefined when the script has none left) and the
   * script itself (its own copy for the run: a kind may take from its lists, e.g. `http` responses per node).
   */
  simulate(i: Extract<OwnInstruction, { verb: V }>, keys: string | undefined, script?: CallScript): EngineEvent;
  /** How the builder's simulator transcript reads it (default: the verb). */
  describe?(i: Extract<OwnInstruction, { verb: V }>): string;
  /** `false`: the caller's keys play no part (a request the server runs, a pause): the script's digits are left for the next prompt. */
  keys?: false;
  /**
   * Optional: the offline simulators take this verb's scripted answers from a list of the call script instead of
   * its keys: `list` names it (a field the kind's file adds to engine/simulate.ts `CallScript` by declaration
   * merging, e.g. `ai`), and `answer` makes the event of its next entry (undefined once the list is used up).
   */
  scripted?: { list: string; answer(i: Extract<OwnInstruction, { verb: V }>, entry: unknown): EngineEvent };
  /** Optional: what a person can answer in the builder's simulator while the call waits on it, one button each. */
  choices?(i: Extract<OwnInstruction, { verb: V }>): { label: string; event: EngineEvent }[];
}

/** A kind's own instructions, by verb: one spec for each verb the kind declared. */
export type OwnVerbs = { [V in keyof KindInstructions]?: OwnVerbSpec<V> };

/** Identity helper that types a spec by its verb. */
export function defineVerb<V extends keyof KindInstructions>(_verb: V, spec: OwnVerbSpec<V>): OwnVerbSpec<V> {
  return spec;
}

// Filled by the registry (engine/nodes/index.ts) from the registered kinds; read by the renderers.
const SPECS = new Map<string, OwnVerbSpec<any>>();
let version = 0;

/** Adds a kind's own verbs (the registry calls this); a verb another kind or the core already has is refused. */
export function addOwnVerbs(kind: string, verbs: Readonly<Record<string, OwnVerbSpec<any> | undefined>>, taken: (verb: string) => boolean): void {
  for (const [verb, spec] of Object.entries(verbs)) {
    if (!spec) continue;
    if (SPECS.has(verb) || taken(verb)) throw new Error(`kind ${kind}: the instruction verb ${verb} is already taken`);
    SPECS.set(verb, spec);
    version++;
  }
}

/** Changes whenever a verb is added: what is derived from the own verbs (the TeXML action routes' pattern) is kept until then. */
export function ownVerbsVersion(): number {
  return version;
}

/** The spec of a kind's own verb, or undefined for a core verb (or one no registered kind has). */
export function ownVerb(verb: string): OwnVerbSpec<any> | undefined {
  return SPECS.get(verb);
}

/** Every registered own verb. */
export function ownVerbNames(): string[] {
  return [...SPECS.keys()];
}

/** Is this one of a kind's own instructions (rendered from its spec, not by the core switches)? */
export function isOwn(i: { verb: string }): i is OwnInstruction {
  return SPECS.has(i.verb);
}
