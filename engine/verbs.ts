import { ownVerb, ownVerbNames } from './own-verbs.js';
import type { CoreVerb, Instruction, InstructionVerb, KindInstructions, Mode } from './types.js';

/**
 * What an instruction does to the call, per mode:
 * - `waits`: the step ends on it and the next event answers it (a gather's digits, a dial's end,
 *   a recording; say/play in Call Control, where speech is asynchronous and ends in an event);
 * - `ends`: nothing after it runs (a hang-up; a TeXML redirect ends the document);
 * - `continues`: the next instruction follows at once.
 */
export type VerbEffect = 'waits' | 'ends' | 'continues';

/**
 * The one table of which verbs wait (the TeXML renderer stops its document at the first verb that
 * waits or ends; the simulators answer the last one that waits). A new verb fails the typecheck here.
 */
export const VERB_EFFECTS = {
  say: { texml: 'continues', 'call-control': 'waits' },
  play: { texml: 'continues', 'call-control': 'waits' },
  gather: { texml: 'waits', 'call-control': 'waits' },
  dial: { texml: 'waits', 'call-control': 'waits' },
  record: { texml: 'waits', 'call-control': 'waits' },
  // Effects (types.ts Effect): the server runs them; the call carries on.
  sms: { texml: 'continues', 'call-control': 'continues' },
  'voicemail.save': { texml: 'continues', 'call-control': 'continues' },
  'member.release': { texml: 'continues', 'call-control': 'continues' },
  'reply.await': { texml: 'continues', 'call-control': 'continues' },
  'queue.update': { texml: 'continues', 'call-control': 'continues' },
  hangup: { texml: 'ends', 'call-control': 'ends' },
  // TeXML only (Call Control skips it). No kind emits it today.
  redirect: { texml: 'ends', 'call-control': 'continues' },
  pause: { texml: 'continues', 'call-control': 'continues' },
} as const satisfies Record<CoreVerb, Record<Mode, VerbEffect>>;

/** The verbs that wait in `mode` (TeXML: gather, dial, record), as a type. */
export type WaitingVerb<M extends Mode> = { [V in CoreVerb]: (typeof VERB_EFFECTS)[V][M] extends 'waits' ? V : never }[CoreVerb];

/** Every core instruction verb, derived from the union through the table above (which `satisfies` it). */
export const INSTRUCTION_VERBS = Object.keys(VERB_EFFECTS) as readonly CoreVerb[];

/**
 * The verbs that wait in `mode`, in the table's order (TeXML: gather, dial, record), then the registered kinds'
 * own verbs that wait there (engine/own-verbs.ts). Read at call time, so a kind registered later is included.
 */
export function waitingVerbs<M extends Mode>(mode: M): (WaitingVerb<M> | keyof KindInstructions)[] {
  const core = INSTRUCTION_VERBS.filter((v) => VERB_EFFECTS[v][mode] === 'waits') as WaitingVerb<M>[];
  const own = ownVerbNames().filter((v) => ownVerb(v)!.effect[mode] === 'waits') as (keyof KindInstructions)[];
  return [...core, ...own];
}

/** What `verb` does in `mode` (a kind's own verb: what its spec says). */
export function effectOf(verb: InstructionVerb, mode: Mode): VerbEffect {
  const own = ownVerb(verb);
  if (own) return own.effect[mode];
  return VERB_EFFECTS[verb as CoreVerb][mode];
}

/**
 * The instruction a step's output waits on in `mode`: the last one that waits, unless a verb that
 * ends comes after it (then nothing is awaited).
 */
export function awaitedInstruction(instructions: readonly Instruction[], mode: Mode): Instruction | undefined {
  for (let i = instructions.length - 1; i >= 0; i--) {
    const ins = instructions[i]!;
    const effect = effectOf(ins.verb, mode);
    if (effect === 'ends') return undefined;
    if (effect === 'waits') return ins;
  }
  return undefined;
}
