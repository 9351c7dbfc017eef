import { readFileSync } from 'node:fs';
import { formatFinding, readFlowFile } from '../flow-file.js';

/** A JSON Schema (flows/callflow.schema.json) sits beside the flows: a glob over flows/*.json should not trip on it. */
function isJsonSchema(file: string): boolean {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return typeof doc === 'object' && doc !== null && '$schema' in doc && !('format' in doc);
  } catch {
    return false;
  }
}

export const summary = 'check flows for problems: callflow lint FLOW…';

/** Prints every finding of every file; exit 1 when any file has an error. */
export async function run(argv: string[]): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('-'));
  if (!files.length) {
    process.stderr.write('usage: callflow lint FLOW.json [FLOW.json …]\n');
    return 2;
  }
  let errors = 0;
  for (const file of files) {
    if (isJsonSchema(file)) {
      process.stdout.write(`${file}: skipped (a JSON Schema, not a flow)\n`);
      continue;
    }
    const { findings } = readFlowFile(file);
    const errs = findings.filter((f) => f.severity === 'error').length;
    errors += errs;
    process.stdout.write(findings.length ? `${file}: ${errs} error(s), ${findings.length - errs} warning(s)\n` : `${file}: no problems\n`);
    for (const f of findings) process.stdout.write(`  ${formatFinding(f)}\n`);
  }
  return errors ? 1 : 0;
}
