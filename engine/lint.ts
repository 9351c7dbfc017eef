// STUB — replaced by the engine-output work. Signatures are the contract.
export type Severity = 'error' | 'warning';

/** One problem, in words a non-programmer understands. */
export interface Finding {
  code: string;
  severity: Severity;
  /** The node it is about, when there is one. */
  node?: string;
  edge?: string;
  /** JSON path for schema problems, e.g. ['nodes', 3, 'data', 'text']. */
  path?: (string | number)[];
  message: string;
}

/** Lints any input: schema problems first (with paths), then graph and per-node problems. */
export function lintFlow(_input: unknown): Finding[] {
  return [];
}

/** True when no finding is an error (publishing is allowed). */
export function publishable(findings: Finding[]): boolean {
  return !findings.some((f) => f.severity === 'error');
}
