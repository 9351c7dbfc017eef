/**
 * Team availability as the engine's roundRobin reads it (Env.team): the
 * member's status, except that outside their working hours they count as
 * offline. Working hours are read by the engine's own rules (engine/nodes/hours.ts,
 * what a businessHours node uses): ranges past midnight, 24:00, and the
 * member's time zone on wall-clock time, so the two can never disagree.
 */
import { hoursPortAt, type HoursData } from '../../engine/nodes/hours.js';
import type { TeamMember } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { MemberRow, WorkingHours } from '../store/business-types.js';

/** True when `now` falls in one of the member's weekly ranges (no hours set: always working). */
export function atWork(hours: WorkingHours | null, now: Date): boolean {
  if (!hours) return true;
  const d: HoursData = { timezone: hours.timezone, weekly: hours.weekly as HoursData['weekly'], holidays: [], overrides: [] };
  return hoursPortAt(d, hours.timezone, now.toISOString()) === 'open';
}

/** The status the engine should see now. */
export function effectiveStatus(m: MemberRow, now: Date): MemberRow['status'] {
  return m.status === 'available' && !atWork(m.workingHours, now) ? 'offline' : m.status;
}

/** Env.team for a company: member id → {status, lastCallEndedAt}. */
export async function teamEnv(ctx: Ctx, companyId: string): Promise<Record<string, TeamMember>> {
  const now = ctx.now();
  const out: Record<string, TeamMember> = {};
  for (const m of await ctx.store.listMembers(companyId)) {
    out[m.id] = { status: effectiveStatus(m, now), ...(m.lastCallEndedAt ? { lastCallEndedAt: m.lastCallEndedAt } : {}) };
  }
  return out;
}
