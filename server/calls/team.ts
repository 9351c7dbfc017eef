/**
 * Team availability as the engine's roundRobin reads it (Env.team): the
 * member's status, except that outside their working hours they count as
 * offline.
 */
import { DateTime } from 'luxon';
import type { TeamMember } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { MemberRow, WorkingHours } from '../store/business-types.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** True when `now` falls in one of the member's intervals (no hours set: always working). */
export function atWork(hours: WorkingHours | null, now: Date): boolean {
  if (!hours) return true;
  const t = DateTime.fromJSDate(now).setZone(hours.timezone);
  if (!t.isValid) return true;
  const hm = t.toFormat('HH:mm');
  return (hours.weekly[DAYS[t.weekday - 1]!] ?? []).some((i) => hm >= i.open && hm < i.close);
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
