import type { Flow } from '../../engine/schema.js';
import type { EngineEvent, Mode, ScheduleEnv, TeamMember, TraceEntry } from '../../engine/types.js';
import { simulate, SIM_START, type SimState } from './sim.js';

/** GET /api/calls/:id/script (server/api/call-script.ts): a recorded call as engine events. */
export interface CallScript {
  callId: string; flowId: string | null; mode: string | null; company: string;
  from: string | null; to: string | null; startedAt: string;
  cursors: Record<string, number>;
  steps: Array<{ at: string; key: string; event: EngineEvent; seq?: number; env?: { team?: Record<string, TeamMember>; cursors?: Record<string, number>; schedules?: Record<string, ScheduleEnv> } }>;
  recorded: { path: string[]; end: string | null };
}

/** What a replay did: the simulator's state, where it went and whether that is where the recorded call went. */
export interface Replayed { sim: SimState; mode: Mode; path: string[]; end: string | null; sameEnd: boolean; samePath: boolean; skipped: number }

/** A trace entry as the server writes it in the call's path (server/calls/runner.ts `pathEntry`), to compare the two. */
function line(t: TraceEntry): string | undefined {
  if (t.kind === 'enter') return `>${t.node}`;
  if (t.kind === 'port') return `${t.node}.${t.port}`;
  if (t.kind === 'ended') return `end:${t.reason}${t.node ? `@${t.node}` : ''}`;
  return undefined;
}

/**
 * Feeds a recorded call to `flow` in the simulator, event by event, as the server fed it: each at the instant it
 * arrived, with the team and cursors its step read; an event for a step the simulated call is not at (another
 * `seq`: the server would have found it stale) is skipped and counted. Stops when the call ends. Pure.
 */
export function replayScript(flow: Flow, script: CallScript): Replayed {
  const mode: Mode = script.mode === 'call-control' ? 'call-control' : 'texml';
  let sim: SimState = { ...SIM_START, cursors: { ...script.cursors } };
  let skipped = 0;
  for (const s of script.steps) {
    const started = sim.snapshot !== null;
    if (started && !sim.waiting) break;
    if (started === (s.event.type === 'call.started')) { skipped++; continue; }
    if (started && s.seq !== undefined && sim.snapshot!.context.seq !== s.seq) { skipped++; continue; }
    if (s.env?.cursors) sim = { ...sim, cursors: { ...sim.cursors, ...s.env.cursors } };
    sim = simulate(flow, sim, s.event, { now: s.at, mode, company: { name: script.company }, ...(s.env?.team ? { team: s.env.team } : {}), ...(s.env?.schedules ? { schedules: s.env.schedules } : {}) });
  }
  const path = sim.steps.flatMap((st) => st.trace.flatMap((t) => line(t) ?? []));
  const end = [...path].reverse().find((l) => l.startsWith('end:')) ?? null;
  const samePath = path.length === script.recorded.path.length && path.every((l, i) => l === script.recorded.path[i]);
  return { sim, mode, path, end, sameEnd: end === script.recorded.end, samePath, skipped };
}
