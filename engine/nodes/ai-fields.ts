/**
 * The fields an AI gather collects: their schema in the flow, the JSON Schema Telnyx is sent (`parameters` /
 * `<Parameters>`), and the check of the structured result Telnyx sends back before any of it becomes a variable.
 * Pure; the result is untrusted input (an LLM's output relayed by Telnyx), so a wrong shape is an answer
 * (`failed`), never an exception.
 */
import { z } from 'zod';
import { DateTime } from 'luxon';
import { fromBase64 } from '../call-control.js';
import { identifierSchema } from './common.js';

export const FIELD_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One field to collect: `vars.NAME` once collected. */
export const fieldSchema = z.object({
  name: identifierSchema,
  description: z.string({ error: 'Say what to ask for' }).min(1, 'Say what to ask for, e.g. "The caller\'s full name"').max(500, 'Keep the description under 500 characters'),
  type: z.enum(FIELD_TYPES, { error: 'Use string, number, boolean or date' }).default('string'),
  required: z.boolean().default(true),
});
export type AiField = z.output<typeof fieldSchema>;

/** A structured result as the engine receives it: flat, JSON-only, bounded (see {@link boundedResult}). */
export type AiResult = Record<string, string | number | boolean | null>;

/** The JSON Schema object Telnyx's AI gather is given (a date is a `YYYY-MM-DD` string). */
export function parametersOf(fields: readonly AiField[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    properties[f.name] = f.type === 'date'
      ? { type: 'string', format: 'date', description: `${f.description} (as YYYY-MM-DD)` }
      : { type: f.type, description: f.description };
  }
  return { type: 'object', properties, required: fields.filter((f) => f.required).map((f) => f.name) };
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => DateTime.fromISO(s).isValid);

function valueSchema(t: FieldType) {
  switch (t) {
    case 'string': return z.string().trim().min(1);
    case 'number': return z.number().finite();
    case 'boolean': return z.boolean();
    case 'date': return isoDate;
  }
}

// One zod schema per field list (the node's data object is stable for a flow version).
const cache = new WeakMap<readonly AiField[], z.ZodType<Record<string, string | number | boolean | undefined>>>();

/** The zod schema a result must pass: required fields present with their type; optional ones absent, null or typed. */
export function resultSchema(fields: readonly AiField[]): z.ZodType<Record<string, string | number | boolean | undefined>> {
  let s = cache.get(fields);
  if (!s) {
    const shape: Record<string, z.ZodType> = {};
    for (const f of fields) shape[f.name] = f.required ? valueSchema(f.type) : valueSchema(f.type).nullish().transform((v) => v ?? undefined);
    s = z.object(shape) as unknown as z.ZodType<Record<string, string | number | boolean | undefined>>;
    cache.set(fields, s);
  }
  return s;
}

/**
 * The variables a result gives, or why it gives none: every required field with a value of its type (numbers
 * and booleans written as text, dates as YYYY-MM-DD), optional ones when present; keys not asked for are dropped.
 */
export function varsOf(fields: readonly AiField[], result: unknown): { vars: Record<string, string> } | { problem: string } {
  const r = resultSchema(fields).safeParse(result);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    return { problem: name ? `${name}: ${issue.code === 'invalid_type' && (result as Record<string, unknown>)?.[name] == null ? 'missing' : 'wrong type or empty'}` : 'not an object' };
  }
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.data)) if (v !== undefined) vars[k] = String(v);
  return { vars };
}

const MAX_KEYS = 64;
const MAX_STRING = 4096;

/**
 * What may go into an engine event (stored, logged, put in fixtures) of a result Telnyx sent: an object's own
 * keys (at most 64, names of at most 64 characters), strings cut to 4,096 characters, numbers and booleans as
 * they are, anything else (objects, arrays) as null, so a field holding one fails its type check. Not an object:
 * undefined.
 */
export function boundedResult(v: unknown): AiResult | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: AiResult = {};
  for (const [k, x] of Object.entries(v).slice(0, MAX_KEYS)) {
    if (k.length > 64) continue;
    out[k] = typeof x === 'string' ? x.slice(0, MAX_STRING) : typeof x === 'number' || typeof x === 'boolean' ? x : null;
  }
  return out;
}

/**
 * TeXML's AI gather callback carries the result as base64 JSON (`Base64Result`). Telnyx's published example
 * wraps it (`{"status":"valid","result":{…}}`); a bare result object is taken too. Anything else: undefined.
 */
export function decodeBase64Result(b64: string | undefined): AiResult | undefined {
  if (!b64) return undefined;
  let parsed: unknown;
  try { parsed = JSON.parse(fromBase64(b64.replace(/\s+/g, ''))); } catch { return undefined; }
  const o = parsed as Record<string, unknown> | null;
  // A field's value is never an object, so an object under `result` is the wrapper's.
  const inner = o && typeof o === 'object' && o.result && typeof o.result === 'object' && !Array.isArray(o.result) ? o.result : parsed;
  return boundedResult(inner);
}
