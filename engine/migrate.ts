import { kindOf } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';

/**
 * Kind data versions. A flow's optional `kinds` header records the version of each kind's `data` it was saved at
 * (`"kinds": {"say": 2}`); a kind not listed is at version 1, so every flow saved before a kind was first changed
 * reads as it was written. Parsing brings each node's data from its recorded version up to the kind's current one
 * (the kind's `migrations`, in order), then the current schema checks it.
 */

/** What a flow cannot be brought up to date for: where (a JSON path in the flow) and why, in plain words. */
export interface MigrationIssue {
  path: (string | number)[];
  message: string;
}

/** The finding / issue code of a migration problem (a version this engine does not know, a migration that failed). */
export const KIND_VERSION_CODE = 'kind-version';

/** The current version of a kind's data. */
export const kindVersion = (kind: NodeKind): number => kind.version ?? 1;

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `kinds` header a flow with these node types is saved with: the current version of each kind used whose
 * version is above 1 (version 1 is the default and is not written, so today's files stay as they are).
 */
export function kindsHeader(types: Iterable<string>): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const t of types) {
    const kind = kindOf(t);
    if (kind && kindVersion(kind) > 1) out[t] = kindVersion(kind);
  }
  const keys = Object.keys(out).sort();
  return keys.length ? Object.fromEntries(keys.map((k) => [k, out[k]!])) : undefined;
}

/** The version each known kind's data is recorded at, or the issues that make the header unusable. */
function recorded(header: unknown, issues: MigrationIssue[]): Record<string, number> {
  if (header === undefined) return {};
  if (!isPlain(header)) {
    issues.push({ path: ['kinds'], message: 'Give the version of each kind of step\'s data, e.g. {"menu": 2}' });
    return {};
  }
  const out: Record<string, number> = {};
  for (const [type, v] of Object.entries(header)) {
    const kind = kindOf(type);
    if (!kind) continue; // an unknown node type is reported on the node itself (unknown-node-type)
    const current = kindVersion(kind);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      issues.push({ path: ['kinds', type], message: `Give the version of the "${type}" data as a whole number from 1 to ${current}` });
    } else if (v > current) {
      issues.push({ path: ['kinds', type], message: `This flow's "${type}" steps are at version ${v}, newer than this Callflow knows (up to ${current}): update Callflow to open or run it` });
    } else out[type] = v;
  }
  return out;
}

/** `data` of a `kind` node brought from version `from` to the current one, or the reason it could not be. */
function upgrade(kind: NodeKind, data: Record<string, unknown>, from: number): { data: Record<string, unknown> } | { error: string } {
  // A copy: a migration that edits its argument in place must still leave the caller's document (a stored version) alone.
  let d = structuredClone(data);
  for (let v = from; v < kindVersion(kind); v++) {
    const step = kind.migrations?.[v];
    if (!step) return { error: `this Callflow has no upgrade of "${kind.type}" data from version ${v} to ${v + 1}` };
    try {
      const next = step(d);
      if (!isPlain(next)) return { error: `the upgrade of "${kind.type}" data from version ${v} to ${v + 1} gave no data` };
      d = next;
    } catch (e) {
      return { error: `the upgrade of "${kind.type}" data from version ${v} to ${v + 1} failed (${(e as Error)?.message ?? String(e)})` };
    }
  }
  return { data: d };
}

/**
 * Brings a flow document's node data up to every kind's current version. Returns the document as it reads today
 * (a new object when anything changed: node data migrated, `kinds` rewritten to {@link kindsHeader}; the input
 * itself is never changed) and the problems found: a version above the kind's current one (a flow from a newer
 * Callflow), a version that is not a whole number from 1, a missing migration or one that throws. Anything else
 * that is wrong (no nodes, an unknown type, data that is not an object) is left as it is for the schema to report.
 */
export function migrateFlow(input: unknown): { doc: unknown; issues: MigrationIssue[] } {
  if (!isPlain(input) || !Array.isArray(input.nodes)) return { doc: input, issues: [] };
  const issues: MigrationIssue[] = [];
  const versions = recorded(input.kinds, issues);
  if (issues.length) return { doc: input, issues };
  const given: unknown[] = input.nodes;
  let nodes: unknown[] | undefined;
  const types = new Set<string>();
  given.forEach((node, i) => {
    if (!isPlain(node) || typeof node.type !== 'string') return;
    const kind = kindOf(node.type);
    if (!kind) return;
    types.add(node.type);
    const from = versions[node.type] ?? 1;
    if (from === kindVersion(kind) || !isPlain(node.data)) return;
    const out = upgrade(kind, node.data, from);
    if ('error' in out) {
      issues.push({ path: ['nodes', i, 'data'], message: `Its settings could not be brought up to date: ${out.error}` });
      return;
    }
    nodes ??= [...given];
    nodes[i] = { ...node, data: out.data };
  });
  if (issues.length) return { doc: input, issues };
  const kinds = kindsHeader(types);
  if (!nodes && JSON.stringify(kinds) === JSON.stringify(input.kinds)) return { doc: input, issues };
  // `kinds` sits just before the nodes it describes; every other field keeps its place.
  const { nodes: _n, edges, kinds: _k, ...header } = input;
  return { doc: { ...header, ...(kinds ? { kinds } : {}), nodes: nodes ?? input.nodes, ...('edges' in input ? { edges } : {}) }, issues };
}
