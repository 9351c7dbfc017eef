import { z } from 'zod';

/**
 * Twilio Studio's flow definition (REST API v2 `definition`, the JSON Studio's editor exports): `states` (widgets),
 * each with a `name`, a `type`, `transitions` [{event, next?, conditions?}] and free-form `properties` (the widget's
 * settings, `offset` its place on the canvas), plus `initial_state` (the Trigger) and `flags`. Only the shape the
 * importer relies on is checked; each widget's properties are read leniently by its mapper.
 */
export const studioConditionSchema = z.object({
  friendly_name: z.string().optional(),
  arguments: z.array(z.string()).optional(),
  type: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type StudioCondition = z.output<typeof studioConditionSchema>;

export const studioTransitionSchema = z.object({
  event: z.string().min(1),
  next: z.string().optional(),
  conditions: z.array(studioConditionSchema).optional(),
});
export type StudioTransition = z.output<typeof studioTransitionSchema>;

export const studioStateSchema = z.object({
  name: z.string().min(1, 'Every state needs a name'),
  type: z.string().min(1, 'Every state needs a widget type'),
  transitions: z.array(studioTransitionSchema).default([]),
  properties: z.record(z.string(), z.unknown()).default({}),
});
export type StudioState = z.output<typeof studioStateSchema>;

export const studioDefinitionSchema = z.object({
  description: z.string().optional(),
  states: z.array(studioStateSchema, { error: 'A Studio flow has a "states" list' }).min(1).max(1000),
  initial_state: z.string({ error: 'A Studio flow names its "initial_state" (the Trigger)' }).min(1),
  flags: z.object({ allow_concurrent_calls: z.boolean().optional() }).optional(),
});
export type StudioDefinition = z.output<typeof studioDefinitionSchema>;

/** A definition read from a file: the bare definition, or the Flow resource the REST API returns (`definition` inside). */
export interface StudioInput { definition: StudioDefinition; friendlyName?: string; sid?: string }

/** One problem with the input, at its JSON path (e.g. `states.3.transitions`). */
export interface StudioIssue { path: string; message: string }

/** Reads a Studio export; on failure the issues name the JSON path of each problem. */
export function readStudio(input: unknown): { ok: true; value: StudioInput } | { ok: false; issues: StudioIssue[] } {
  if (typeof input === 'string') {
    try { input = JSON.parse(input); } catch (e) { return { ok: false, issues: [{ path: '', message: `not JSON (${(e as Error).message})` }] }; }
  }
  const o = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  if (o && 'format' in o && o.format === 'callflow/1') return { ok: false, issues: [{ path: 'format', message: 'this is already a callflow/1 flow: import it with "Import JSON…" or the API' }] };
  // The Flow resource (GET /v2/Flows/FW…) carries the definition inside, as an object or as a JSON string.
  let def: unknown = input;
  let prefix = '';
  if (o && 'definition' in o && !('states' in o)) {
    def = typeof o.definition === 'string' ? safeJson(o.definition) : o.definition;
    prefix = 'definition.';
  }
  const parsed = studioDefinitionSchema.safeParse(def);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: prefix + i.path.map(String).join('.'), message: i.message })) };
  }
  const names = new Set<string>();
  const issues: StudioIssue[] = [];
  parsed.data.states.forEach((s, i) => {
    if (names.has(s.name)) issues.push({ path: `${prefix}states.${i}.name`, message: `two states are called "${s.name}"` });
    names.add(s.name);
  });
  if (!names.has(parsed.data.initial_state)) issues.push({ path: `${prefix}initial_state`, message: `no state is called "${parsed.data.initial_state}"` });
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { definition: parsed.data, friendlyName: typeof o?.friendly_name === 'string' ? o.friendly_name : undefined, sid: typeof o?.sid === 'string' ? o.sid : undefined } };
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}
