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

/** True when `now` falls in one of the member's ranges: weekly, unless a day off or a one-day change says otherwise (no hours set: always working). */
export function atWork(hours: WorkingHours | null, now: Date): boolean {
  if (!hours) return true;
  const d: HoursData = { timezone: hours.timezone, weekly: hours.weekly as HoursData['weekly'], holidays: hours.holidays ?? [], overrides: hours.overrides ?? [] };
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

/** A flow that rings a member: its id and name, and the nodes that do (a roundRobin listing them, a transfer to their number). */
export interface MemberUse { flowId: string; name: string; nodes: string[] }

/**
 * Which flows use each member, read from flow documents (the draft and the published version alike: a member a
 * live call can still reach counts). Keyed by member id; a member no flow uses has no entry.
 */
export function memberUses(flows: Array<{ id: string; name: string; docs: unknown[] }>, members: Array<Pick<MemberRow, 'id' | 'to'>>): Map<string, MemberUse[]> {
  const out = new Map<string, MemberUse[]>();
  for (const f of flows) {
    const nodes = new Map<string, Set<string>>();
    for (const doc of f.docs) {
      for (const n of ((doc as { nodes?: unknown[] })?.nodes ?? []) as Array<{ id?: string; type?: string; data?: any }>) {
        if (typeof n?.id !== 'string') continue;
        const ids = n.type === 'roundRobin' && Array.isArray(n.data?.members)
          ? members.filter((m) => n.data.members.some((x: any) => x?.id === m.id)).map((m) => m.id)
          : n.type === 'transfer' ? members.filter((m) => n.data?.to === m.to).map((m) => m.id) : [];
        for (const id of ids) (nodes.get(id) ?? nodes.set(id, new Set()).get(id)!).add(n.id);
      }
    }
    for (const [id, set] of nodes) out.set(id, [...(out.get(id) ?? []), { flowId: f.id, name: f.name, nodes: [...set].sort() }]);
  }
  return out;
}
