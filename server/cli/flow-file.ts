import { readFileSync } from 'node:fs';
import { lintFlow, type Finding } from '../../engine/lint.js';
import { flowSchema, type Flow } from '../../engine/schema.js';

/** Reads and parses a flow file; on failure returns the findings that explain why. */
export function readFlowFile(path: string): { flow?: Flow; findings: Finding[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { findings: [{ code: 'unreadable', severity: 'error', message: `Cannot read ${path}: ${(e as Error).message}` }] };
  }
  const parsed = flowSchema.safeParse(raw);
  if (!parsed.success) return { findings: lintFlow(raw) };
  return { flow: parsed.data, findings: lintFlow(raw) };
}

/** One finding as a line a person reads: severity, where, what. */
export function formatFinding(f: Finding): string {
  const where = f.node ? `node "${f.node}"` : f.edge ? `edge "${f.edge}"` : f.path?.length ? f.path.join('.') : 'flow';
  return `${f.severity.padEnd(7)} ${where}: ${f.message} [${f.code}]`;
}
