import { readFileSync, writeFileSync } from 'node:fs';
import { flowJsonSchema } from '../../../engine/schema.js';

export const summary = 'print the callflow/1 JSON Schema, or --write it to flows/callflow.schema.json';

/** Where the published schema lives. */
export const SCHEMA_FILE = new URL('../../../flows/callflow.schema.json', import.meta.url);

/** The schema file's text: pretty JSON with a trailing newline, so it diffs well in git. */
export function schemaText(): string {
  return `${JSON.stringify({ $id: 'https://callflow.dev/schema/callflow-1.json', title: 'callflow/1', ...flowJsonSchema() }, null, 2)}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const text = schemaText();
  if (argv.includes('--write')) {
    writeFileSync(SCHEMA_FILE, text);
    process.stdout.write('wrote flows/callflow.schema.json\n');
  } else if (argv.includes('--check')) {
    const same = readFileSync(SCHEMA_FILE, 'utf8') === text;
    process.stdout.write(same ? 'flows/callflow.schema.json is up to date\n' : 'flows/callflow.schema.json is stale: run `npx callflow schema --write`\n');
    return same ? 0 : 1;
  } else process.stdout.write(text);
  return 0;
}
