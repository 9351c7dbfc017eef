import type { z } from 'zod';
import type { Finding } from './lint.js';
import { KIND_VERSION_CODE } from './migrate.js';

type Path = (string | number)[];
type Issue = z.core.$ZodIssue;

/** The value at `path` inside `input`, or undefined when any step of the way is missing. */
function valueAt(input: unknown, path: Path): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function kindOfValue(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'text';
  return `a ${typeof v}`;
}

const NOUNS: Record<string, string> = {
  string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object', record: 'an object',
};

// zod's own messages start like this; schema authors' custom messages are already plain and kept as they are.
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

/** A plain sentence for one zod issue (the field is named separately by {@link where}). */
function explain(issue: Issue, input: unknown, path: Path): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  const value = valueAt(input, path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'is missing';
      return `should be ${NOUNS[issue.expected] ?? issue.expected}, not ${kindOfValue(value)}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_union':
      if (path[path.length - 1] === 'type' && 'options' in issue && Array.isArray(issue.options)) {
        const known = `(known kinds: ${issue.options.join(', ')})`;
        return value === undefined ? `is missing ${known}` : `is ${JSON.stringify(value)}, a kind of step this engine does not know ${known}`;
      }
      return 'does not match any allowed form';
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `needs at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item(s)`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `is too long (at most ${issue.maximum} characters)`;
      if (issue.origin === 'array') return `has too many items (at most ${issue.maximum})`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return 'is not written in the expected form';
    case 'unrecognized_keys':
      return `has fields this format does not know: ${issue.keys.join(', ')}`;
    default:
      return 'is not valid';
  }
}

/** Where in the flow the issue is, in words, plus the node id when it is inside a node. */
function where(input: unknown, path: Path): { text: string; node?: string } {
  if (path.length === 0) return { text: 'The flow' };
  if (path[0] === 'nodes' && typeof path[1] === 'number') {
    const id = valueAt(input, ['nodes', path[1]!, 'id']);
    // Authors see a step's settings, not its `data` wrapper: name the setting itself.
    const inner = path[2] === 'data' && path.length > 3 ? path.slice(3) : path.slice(2);
    const rest = inner.join('.');
    const who = typeof id === 'string' && id ? `step "${id}"` : `step number ${path[1] + 1}`;
    return { text: rest ? `In ${who}, "${rest}"` : `The ${who}`, node: typeof id === 'string' && id ? id : undefined };
  }
  if (path[0] === 'edges' && typeof path[1] === 'number') {
    const rest = path.slice(2).join('.');
    return { text: `In connection number ${path[1] + 1}${rest ? `, "${rest}"` : ''}` };
  }
  return { text: `"${path.join('.')}"` };
}

/** One finding per zod issue: code `schema` (or `unknown-node-type`, `kind-version`), the JSON path, a sentence. */
export function schemaFindings(error: z.ZodError, input: unknown): Finding[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as Path;
    // A kind version problem (engine/migrate.ts) is about a whole step's settings: name the step.
    const version = issue.code === 'custom' && issue.params?.code === KIND_VERSION_CODE;
    const w = where(input, version && path[0] === 'nodes' ? path.slice(0, 2) : path);
    const unknownType = issue.code === 'invalid_union' && path[0] === 'nodes' && path[path.length - 1] === 'type';
    const own = !ZOD_DEFAULT.test(issue.message);
    const said = explain(issue, input, path).replace(/[.\s]+$/, '');
    const message = own ? `${w.text}: ${said}.` : `${w.text} ${said}.`;
    const finding: Finding = { code: unknownType ? 'unknown-node-type' : version ? KIND_VERSION_CODE : 'schema', severity: 'error', path, message };
    if (w.node) finding.node = w.node;
    const edgeId = path[0] === 'edges' && typeof path[1] === 'number' ? valueAt(input, ['edges', path[1], 'id']) : undefined;
    if (typeof edgeId === 'string' && edgeId) finding.edge = edgeId;
    return finding;
  });
}
