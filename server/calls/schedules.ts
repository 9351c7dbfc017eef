/**
 * Shared schedules at call time (issue #13 item 4): the schedules a flow's nodes follow (each kind's
 * `scheduleRef`, so the server reads no kind's data), loaded from the store for each step and handed to the
 * engine in Env.schedules. Read at call time, not publish time: an edit of a schedule reaches every flow that
 * follows it, published versions included, from the next step on.
 */
import { kindOf } from '../../engine/nodes/index.js';
import { parseFlow, type Flow } from '../../engine/schema.js';
import type { ScheduleEnv } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { ScheduleRow } from '../store/schedule-types.js';

const refs = new WeakMap<Flow, readonly string[]>();

/** The schedule ids a flow's nodes follow (computed once per parsed flow; flows are immutable). */
export function scheduleRefs(flow: Flow): readonly string[] {
  let ids = refs.get(flow);
  if (!ids) {
    const set = new Set<string>();
    for (const n of flow.nodes) {
      const id = kindOf(n.type)?.scheduleRef?.(n.data as never);
      if (id) set.add(id);
    }
    refs.set(flow, (ids = [...set]));
  }
  return ids;
}

/** A stored schedule as the engine reads it (who set a temporary change stays in the store). */
export function scheduleEnvOf(s: ScheduleRow): ScheduleEnv {
  const t = s.temporary;
  return { name: s.name, ...s.hours, ...(t ? { temporary: { state: t.state, until: t.until, ...(t.note ? { note: t.note } : {}) } } : {}) };
}

/** The schedules `ids` of a company, by id (a missing one is left out: the node then routes to closed). */
export async function schedulesEnv(ctx: Ctx, companyId: string, ids: readonly string[]): Promise<Record<string, ScheduleEnv>> {
  if (!ids.length) return {};
  const rows = await ctx.store.listSchedules(companyId);
  const out: Record<string, ScheduleEnv> = {};
  for (const r of rows) if (ids.includes(r.id)) out[r.id] = scheduleEnvOf(r);
  return out;
}

/** Every flow (draft and published version) whose nodes follow schedule `id`: a schedule in use is not deleted. */
export async function flowsUsing(ctx: Ctx, companyId: string, id: string): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  for (const f of await ctx.store.listFlows(companyId)) {
    const live = f.publishedVersion ? (await ctx.store.getVersion(companyId, f.id, f.publishedVersion))?.doc : undefined;
    const uses = [f.doc, live].some((doc) => {
      if (doc === undefined) return false;
      try { return scheduleRefs(parseFlow(doc)).includes(id); } catch { return false; }
    });
    if (uses) out.push({ id: f.id, name: f.name });
  }
  return out;
}
