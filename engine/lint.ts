import { flowSchema } from './schema.js';
import { migrateFlow } from './migrate.js';
import { schemaFindings } from './lint-schema.js';
import { graphFindings, type CompanyFacts } from './lint-graph.js';
import { importFindings } from './import-notes.js';

export type Severity = 'error' | 'warning';

/** What the linter may know about the flow's company: its numbers (E.164), to check the numbers a flow uses as its own. */
export type LintContext = CompanyFacts;

/** One problem, in words a non-programmer understands. */
export interface Finding {
  code: string;
  severity: Severity;
  /** The node it is about, when there is one. */
  node?: string;
  edge?: string;
  /** The node's exit (port) it is about, for unwired ports. */
  port?: string;
  /** Every node of a loop, in flow order (endless-loop). */
  nodes?: string[];
  /** The index of the import note it comes from (`import.notes`, engine/import-notes.ts): the builder can dismiss it. */
  note?: number;
  /** JSON path for schema problems, e.g. ['nodes', 3, 'data', 'text']. */
  path?: (string | number)[];
  message: string;
}

/**
 * Lints any input: schema problems first (with paths; nothing else is checked
 * when the document does not parse), then graph problems (duplicate ids,
 * missing start, dangling / unknown / doubled connections, unreachable steps,
 * unwired exits a caller can reach, loops that never wait, bad time zone),
 * then each kind's own checks. A string is read as JSON first. Never throws.
 * Older kind data is checked as migrated (engine/migrate.ts): a node the migration brings up to date draws no
 * finding; a kind version this engine does not know, or a migration that fails, is a `kind-version` error.
 * With `company.numbers` (the company's numbers; the server passes them, the engine stays pure), a literal
 * SMS `from` or transfer / round robin `callerId` that is not one of them is an error (`number-not-owned`).
 */
export function lintFlow(input: unknown, company: LintContext = {}): Finding[] {
  try {
    if (typeof input === 'string') {
      try {
        input = JSON.parse(input);
      } catch (e) {
        return [{ code: 'not-json', severity: 'error', message: `This file is not valid JSON (${(e as Error).message}).` }];
      }
    }
    const parsed = flowSchema.safeParse(input);
    // Issue paths are in the document as migrated to today's kind versions (what the builder shows): read values there.
    if (!parsed.success) return schemaFindings(parsed.error, migrateFlow(input).doc);
    return [...graphFindings(parsed.data, undefined, company), ...importFindings(parsed.data)];
  } catch (e) {
    // A bug in a check must not hide the flow from its author: report it, block publishing.
    return [{ code: 'lint-failed', severity: 'error', message: `The flow could not be checked (${(e as Error)?.message ?? String(e)}).` }];
  }
}

/** True when no finding is an error (publishing is allowed). */
export function publishable(findings: Finding[]): boolean {
  return !findings.some((f) => f.severity === 'error');
}
