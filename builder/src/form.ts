import type { z } from 'zod';

/**
 * A form description read from a zod 4 schema, so the inspector needs no
 * per-kind code: a new node kind gets a form by itself. Pure.
 */
export type Field = { optional: boolean; default?: unknown; description?: string } & (
  | { kind: 'string'; format?: string }
  | { kind: 'number'; int: boolean; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; options: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'object'; fields: Array<[string, Field]> }
  | { kind: 'array'; element: Field }
  | { kind: 'record'; value: Field }
  | { kind: 'union'; options: Field[] }
  | { kind: 'unknown' }
);

type Def = { type: string; [k: string]: any };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/** Describes a zod schema as a {@link Field}. */
export function describe(schema: z.ZodType, optional = false, dflt?: unknown): Field {
  const def = defOf(schema);
  const base = { optional, default: dflt, description: (schema as { description?: string }).description };
  switch (def.type) {
    case 'optional': case 'nullable': return describe(def.innerType, true, dflt);
    case 'default': case 'prefault': {
      const v = typeof def.defaultValue === 'function' ? def.defaultValue() : def.defaultValue;
      return describe(def.innerType, true, v);
    }
    case 'readonly': case 'catch': case 'nonoptional': return describe(def.innerType, optional, dflt);
    case 'pipe': return describe(def.in, optional, dflt);
    case 'lazy': return describe(def.getter(), optional, dflt);
    case 'string': return { ...base, kind: 'string', format: (schema as { format?: string }).format ?? undefined };
    case 'number': case 'int': {
      const n = schema as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
      const fin = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < Number.MAX_SAFE_INTEGER ? x : undefined);
      return { ...base, kind: 'number', int: !!n.isInt, min: fin(n.minValue), max: fin(n.maxValue) };
    }
    case 'boolean': return { ...base, kind: 'boolean' };
    case 'enum': return { ...base, kind: 'enum', options: Object.values(def.entries as Record<string, string>) };
    case 'literal': return { ...base, kind: 'literal', value: (def.values as unknown[])[0] };
    case 'object': return { ...base, kind: 'object', fields: Object.entries(def.shape as Record<string, z.ZodType>).map(([k, v]) => [k, describe(v)]) };
    case 'array': return { ...base, kind: 'array', element: describe(def.element) };
    case 'record': return { ...base, kind: 'record', value: describe(def.valueType) };
    case 'union': {
      const options = (def.options as z.ZodType[]).map((o) => describe(o));
      // A union of literals reads best as a choice list.
      if (options.every((o) => o.kind === 'literal')) return { ...base, kind: 'enum', options: options.map((o) => String((o as { value: unknown }).value)) };
      return { ...base, kind: 'union', options };
    }
    default: return { ...base, kind: 'unknown' };
  }
}

/** A starting value for a field that the user adds (array item, union switch). */
export function initial(f: Field): unknown {
  if (f.default !== undefined) return structuredClone(f.default);
  switch (f.kind) {
    case 'string': return '';
    case 'number': return f.min ?? 0;
    case 'boolean': return false;
    case 'enum': return f.options[0];
    case 'literal': return f.value;
    case 'object': return Object.fromEntries(f.fields.filter(([, c]) => !c.optional || c.default !== undefined).map(([k, c]) => [k, initial(c)]));
    case 'array': return [];
    case 'record': return {};
    case 'union': return initial(f.options[0]!);
    default: return undefined;
  }
}

/** Which option of a union `value` matches: the object option whose required keys it has, else 0. */
export function unionIndex(f: Extract<Field, { kind: 'union' }>, value: unknown): number {
  if (value && typeof value === 'object') {
    const keys = new Set(Object.keys(value));
    const i = f.options.findIndex((o) => o.kind === 'object' && o.fields.filter(([, c]) => !c.optional).every(([k]) => keys.has(k)) && o.fields.some(([k]) => keys.has(k)));
    if (i >= 0) return i;
  }
  const j = f.options.findIndex((o) => (o.kind === 'string' && typeof value === 'string') || (o.kind === 'number' && typeof value === 'number') || (o.kind === 'boolean' && typeof value === 'boolean'));
  return j >= 0 ? j : 0;
}

/** Short label for a union option (`text` / `url`, or its kind). */
export function optionLabel(f: Field): string {
  if (f.kind === 'object') {
    const req = f.fields.filter(([, c]) => !c.optional).map(([k]) => k);
    return (req.length ? req : f.fields.map(([k]) => k)).slice(0, 2).join(' + ') || 'object';
  }
  return f.kind === 'literal' ? String(f.value) : f.kind;
}

/** Zod issues keyed by their dotted path (`prompt.text`, `options.1`), for inline messages. */
export function issuesByPath(schema: z.ZodType, data: unknown): Map<string, string> {
  const r = schema.safeParse(data);
  const m = new Map<string, string>();
  if (!r.success) for (const i of r.error.issues) { const k = i.path.map(String).join('.'); if (!m.has(k)) m.set(k, i.message); }
  return m;
}

/** Turns camelCase field names into labels (`timeoutSeconds` → `Timeout seconds`). */
export function labelOf(name: string): string {
  const s = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
