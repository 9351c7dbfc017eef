import { readFileSync } from 'node:fs';
import { assign, createActor, createMachine, transition } from 'xstate';
import { parseFlow } from '../engine/schema.js';
import { step } from '../engine/step.js';
import { renderTexml } from '../engine/texml.js';
import type { EngineEvent, Env, Snapshot } from '../engine/types.js';
import { interleavedRates, medianRatio } from './stats.js';

/**
 * A hand-written XState machine of the same size and shape as the main line
 * (12 states, a menu that re-prompts), with JSON context: what XState costs
 * on its own, restored from and persisted to JSON like our step is.
 */
function rawMachine() {
  const names = ['welcome', 'hours', 'menu', 'sales', 'support', 'closed', 'holiday', 'voicemail', 'thanks', 'sorry', 'end', 'extra'];
  const states: Record<string, unknown> = {};
  for (const n of names) {
    states[n] = {
      entry: assign(({ context }: { context: { seq: number; out: string[] } }) => ({ out: [...context.out, n] })),
      on: { 'input.digits': { target: 'menu', reenter: true, actions: assign(({ context }: { context: { seq: number } }) => ({ seq: context.seq + 1 })) } },
    };
  }
  return createMachine({ id: 'raw', initial: 'menu', context: { seq: 0, out: [] as string[] }, states: states as never });
}

/** Interleaved rounds of 2,000 iterations each. */
export const ROUNDS = 15;

/** Rows of the engine table: raw XState cycles beside our full step, measured in interleaved rounds of the same run. */
export function benchEngine(): { rows: (string | number)[][]; ratio: number } {
  const flow = parseFlow(JSON.parse(readFileSync(new URL('../flows/main-line.json', import.meta.url), 'utf8')));
  const env: Env = { now: '2026-11-23T10:00:00-08:00', mode: 'texml' };
  // A call waiting in the menu: each cycle is one wrong key (re-prompt), so the call stays there.
  const first = step(flow, null, { type: 'call.started', from: '+13125550147', to: '+18445550199', callId: 'bench', direction: 'inbound' }, env);
  const stored = JSON.stringify(first.snapshot);
  const wrongKey: EngineEvent = { type: 'input.digits', digits: '9' };
  const urls = { action: (i: { verb: string; node: string; seq: number }) => `https://cf.example/webhooks/texml/${i.verb}-${i.node}-${i.seq}` };

  const m = rawMachine();
  const rawStored = JSON.stringify({ value: 'menu', context: { seq: 0, out: ['menu'] } });
  const r = interleavedRates({
    full: () => {
      const snap = JSON.parse(stored) as Snapshot;
      const res = step(flow, snap, wrongKey, env, { version: 'main-line@bench' });
      renderTexml(res.instructions, urls);
      JSON.stringify(res.snapshot);
    },
    noRender: () => {
      const res = step(flow, JSON.parse(stored) as Snapshot, wrongKey, env, { version: 'main-line@bench' });
      JSON.stringify(res.snapshot);
    },
    raw: () => {
      const p = JSON.parse(rawStored) as { value: string; context: { seq: number; out: string[] } };
      const [next] = transition(m, m.resolveState(p), { type: 'input.digits' } as never);
      JSON.stringify({ value: next.value, context: next.context });
    },
    // The cycle STACK.md measured: an actor restored from JSON, one event sent, persisted to JSON.
    rawActor: () => {
      const actor = createActor(m, { snapshot: m.resolveState(JSON.parse(rawStored) as { value: string; context: { seq: number; out: string[] } }) }).start();
      actor.send({ type: 'input.digits' } as never);
      JSON.stringify(actor.getPersistedSnapshot());
      actor.stop();
    },
    rawMem: () => {
      transition(m, m.resolveState({ value: 'menu', context: { seq: 0, out: ['menu'] } }), { type: 'input.digits' } as never);
    },
  }, 2000, ROUNDS);
  const { full, noRender, raw, rawMem, rawActor } = r.median as { full: number; noRender: number; raw: number; rawMem: number; rawActor: number };
  const ratio = medianRatio(r, 'full', 'raw');
  return {
    ratio,
    rows: [
      ['raw XState: resolveState + transition (in memory)', Math.round(rawMem), '—'],
      ['raw XState actor: JSON restore + createActor + send + persist', Math.round(rawActor), medianRatio(r, 'rawActor', 'raw').toFixed(2)],
      ['raw XState: JSON restore + transition + JSON persist', Math.round(raw), '1.00 (baseline)'],
      ['engine step: restore + event + persist', Math.round(noRender), medianRatio(r, 'noRender', 'raw').toFixed(2)],
      ['engine step: restore + event + persist + TeXML render', Math.round(full), ratio.toFixed(2)],
    ],
  };
}
