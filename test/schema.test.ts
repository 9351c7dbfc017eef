import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flowSchema } from '../engine/schema.js';
import { NODE_TYPES } from '../engine/nodes/index.js';
import { SCHEMA_FILE, schemaText } from '../server/cli/commands/schema.js';

const flowsDir = new URL('../flows/', import.meta.url);
const exampleFiles = readdirSync(flowsDir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));

describe('callflow/1 JSON Schema', () => {
  it('flows/callflow.schema.json matches the zod schema (run `npx callflow schema --write` after a change)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });

  it('names every node kind', () => {
    const text = schemaText();
    for (const t of NODE_TYPES) expect(text).toContain(`"const": "${t}"`);
  });
});

describe('example flows', () => {
  it('there are at least four', () => expect(exampleFiles.length).toBeGreaterThanOrEqual(4));
  it.each(exampleFiles)('%s parses against callflow/1', (f) => {
    const r = flowSchema.safeParse(JSON.parse(readFileSync(new URL(f, flowsDir), 'utf8')));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });
});
