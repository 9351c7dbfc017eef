/**
 * The environment a step reads from outside the engine (team availability, round-robin cursors; later HTTP
 * results), recorded with the step so a fixture replay can feed it back exactly (StepEnv, SessionRow.steps).
 */
import type { Cursors, ScheduleEnv, TeamMember } from '../../engine/types.js';
import type { StepEnv } from '../store/types.js';

/** A member the engine looked up who is not on the team: the engine counts them available, never called. */
const NOT_LISTED: TeamMember = { status: 'available' };

/**
 * Wraps Env.team so the members the engine looks up are noted, whichever node kind looks: `team` is what the
 * step is given, `read()` the members it read (each as first seen; one not on the team as NOT_LISTED, which is
 * how the engine treats them). Watching the reads keeps the server out of any kind's data.
 */
export function watchTeam(team: Record<string, TeamMember>): { team: Record<string, TeamMember>; read: () => Record<string, TeamMember> } {
  const seen = new Map<string, TeamMember>();
  const note = (key: string | symbol) => {
    if (typeof key === 'string' && !seen.has(key)) seen.set(key, Object.hasOwn(team, key) ? { ...team[key]! } : NOT_LISTED);
  };
  const view = new Proxy(team, {
    get(target, key, receiver) { note(key); return Reflect.get(target, key, receiver); },
    has(target, key) { note(key); return Reflect.has(target, key); },
    // Listing the team (Object.keys, a spread) reads who is on it: the whole team is then what the step saw.
    ownKeys(target) { for (const id of Object.keys(target)) note(id); return Reflect.ownKeys(target); },
  });
  return { team: view, read: () => (seen.size ? Object.fromEntries(seen) : {}) };
}

/**
 * Wraps Env.schedules so the shared schedules the step looks up are noted (each as it was then): `read()` the ones
 * read. One that is not there is noted as nothing: the replay is then given none and routes the same (closed).
 */
export function watchSchedules(schedules: Record<string, ScheduleEnv>): { schedules: Record<string, ScheduleEnv>; read: () => Record<string, ScheduleEnv> } {
  const seen = new Map<string, ScheduleEnv>();
  const note = (key: string | symbol) => {
    if (typeof key === 'string' && !seen.has(key) && Object.hasOwn(schedules, key)) seen.set(key, schedules[key]!);
  };
  const view = new Proxy(schedules, {
    get(target, key, receiver) { note(key); return Reflect.get(target, key, receiver); },
    has(target, key) { note(key); return Reflect.has(target, key); },
    ownKeys(target) { for (const id of Object.keys(target)) note(id); return Reflect.ownKeys(target); },
  });
  return { schedules: view, read: () => Object.fromEntries(seen) };
}

/** The StepEnv to store for a step, or undefined when it read nothing from outside (nothing is stored then). */
export function stepEnvOf(team: Record<string, TeamMember>, cursors: Cursors, http?: StepEnv['http'], schedules: Record<string, ScheduleEnv> = {}): StepEnv | undefined {
  const readTeam = Object.keys(team).length > 0, readCursors = Object.keys(cursors).length > 0, readSchedules = Object.keys(schedules).length > 0;
  if (!readTeam && !readCursors && !http && !readSchedules) return undefined; // most steps (a prompt, a key press): nothing to build or write
  return { ...(readTeam ? { team } : {}), ...(readCursors ? { cursors } : {}), ...(http ? { http } : {}), ...(readSchedules ? { schedules } : {}) };
}
