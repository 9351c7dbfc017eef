import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readJsonl } from '../fixtures/answers.js';
import { replayFixture, type Expected, type FixtureFiles, type RecordedEvent } from '../fixtures/replay.js';

/**
 * Reads a fixture folder: flow.json (the flow, or `{"$ref": "path"}` relative
 * to the folder), events.jsonl, expected.jsonl (optional) and call.json (optional).
 */
export function readFixtureDir(dir: string): FixtureFiles {
  let flow = JSON.parse(readFileSync(join(dir, 'flow.json'), 'utf8')) as unknown;
  const ref = (flow as { $ref?: unknown })?.$ref;
  if (typeof ref === 'string') flow = JSON.parse(readFileSync(resolve(dir, ref), 'utf8'));
  const events = readJsonl(join(dir, 'events.jsonl')) as RecordedEvent[];
  const expected = existsSync(join(dir, 'expected.jsonl')) ? (readJsonl(join(dir, 'expected.jsonl')) as Expected[]) : undefined;
  const call = existsSync(join(dir, 'call.json')) ? (JSON.parse(readFileSync(join(dir, 'call.json'), 'utf8')) as FixtureFiles['call']) : undefined;
  return { flow, events, expected, call };
}

/** `callflow simulate --fixture DIR [--update] [--json]`: replays through the server in-process and diffs; exit 1 on a difference. */
export async function runFixture(dir: string, opts: { update: boolean; json: boolean }): Promise<number> {
  const files = readFixtureDir(dir);
  const results = await replayFixture(opts.update ? { ...files, expected: undefined } : files);
  if (opts.update) {
    writeFileSync(join(dir, 'expected.jsonl'), results.map((r) => JSON.stringify(r.got)).join('\n') + '\n');
    process.stdout.write(`wrote ${results.length} answer(s) to ${join(dirname(join(dir, 'x')), 'expected.jsonl')}\n`);
    return 0;
  }
  let differ = 0;
  for (const r of results) {
    if (r.diff.length) differ++;
    if (opts.json) { process.stdout.write(`${JSON.stringify(r)}\n`); continue; }
    process.stdout.write(`${String(r.index).padStart(3)} ${r.path} → ${r.status} ${r.diff.length ? 'DIFFERS' : 'same'}\n`);
    for (const d of r.diff) process.stdout.write(`      ${d}\n`);
  }
  process.stdout.write(`${results.length} event(s), ${differ} differ\n`);
  return differ ? 1 : 0;
}
