import { transition, type AnyStateMachine } from 'xstate';
import { DateTime } from 'luxon';
import { END, IDLE, machineFor, type MachineContext, type StepScratch } from './compile.js';
import type { Flow } from './schema.js';
import type { CallContext, EngineEvent, Env, Snapshot, StepResult } from './types.js';

const EMPTY_CALL: CallContext = { call: { id: '', from: '', to: '', direction: 'inbound' }, vars: {}, local: {}, seq: 0, ended: false };

function scratch(env: Env, timezone: string): StepScratch {
  let now: DateTime | undefined;
  const nowFn = () => {
    if (!now) {
      const parsed = DateTime.fromISO(env.now, { setZone: true });
      const zoned = (parsed.isValid ? parsed : DateTime.fromMillis(0, { zone: 'utc' })).setZone(timezone);
      now = zoned.isValid ? zoned : parsed;
    }
    return now;
  };
  return { env, now: nowFn, out: [], trace: [], port: null, steps: 0, cursors: { ...env.cursors } };
}

/** Options for {@link step}. */
export interface StepOptions {
  /** Cache key for the compiled machine, e.g. `main-line@3`. Without it the flow object is the key. */
  version?: string;
}

/**
 * The engine's one pure step: flow + persisted snapshot (or null for a new
 * call) + event + environment → the next snapshot, the instructions to carry
 * out, the trace of nodes entered and ports taken, and updated cursors.
 * No I/O, no clock, no randomness. The snapshot is JSON and survives a
 * round trip through `JSON.stringify` / `JSON.parse` at every step.
 */
export function step(flow: Flow, snapshot: Snapshot | null, event: EngineEvent, env: Env, opts: StepOptions = {}): StepResult {
  const machine: AnyStateMachine = machineFor(flow, opts.version);
  const base: CallContext = snapshot?.context ?? EMPTY_CALL;
  const value = snapshot?.value ?? IDLE;
  if (value === END || base.ended) {
    return { snapshot: snapshot ?? { status: 'done', value: END, context: base }, instructions: [], trace: [], cursors: { ...(env.cursors ?? {}) }, waiting: false };
  }
  const s = scratch(env, flow.timezone);
  const context: MachineContext = { call: base.call, vars: base.vars, local: base.local, seq: base.seq + 1, ended: base.ended, $: s };
  const [next] = transition(machine, machine.resolveState({ value, context }), event as never);
  const ctx = next.context as MachineContext;
  const done = next.value === END || ctx.ended;
  const out: Snapshot = { status: done ? 'done' : 'active', value: done ? END : (next.value as string), context: { call: ctx.call, vars: ctx.vars, local: ctx.local, seq: ctx.seq, ended: done } };
  return { snapshot: out, instructions: s.out, trace: s.trace, cursors: s.cursors, waiting: !done };
}

/** The node a snapshot waits in, or undefined before the call starts / after it ended. */
export function currentNode(snapshot: Snapshot | null): string | undefined {
  if (!snapshot || snapshot.value === IDLE || snapshot.value === END) return undefined;
  return snapshot.value;
}
