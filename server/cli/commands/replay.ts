/**
 * `callflow replay DIR --url URL` re-signs a recorded fixture with fresh
 * timestamps, sends it to a running server and diffs the answers against
 * DIR/expected.jsonl (exit 1 on any difference).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultKeyFile, readKeySeed, signerFromSeed } from '../../sandbox/keys.js';
import { replayFixture } from '../../sandbox/replay.js';

export const summary = 'send a recorded fixture, re-signed, to a running server and diff: callflow replay DIR --url URL';

const USAGE = `usage: callflow replay DIR --url URL [--key BASE64_SEED | --key-file FILE] [--json]
  The webhooks are signed with the sandbox's key: the 32-byte seed in data/sandbox-key
  (beside CALLFLOW_DB), which the server creates on its first start without TELNYX_API_KEY.
`;

export async function run(argv: string[]): Promise<number> {
  let v, positionals;
  try {
    ({ values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: 'string' }, key: { type: 'string' }, 'key-file': { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (e) { process.stderr.write(`replay: ${(e as Error).message}\n${USAGE}`); return 2; }
  const url = v.url ?? process.env.PUBLIC_URL;
  if (positionals.length !== 1 || !url) { process.stderr.write(USAGE); return 2; }
  let seed: Buffer;
  if (v.key) seed = Buffer.from(v.key, 'base64');
  else {
    const file = v['key-file'] ?? defaultKeyFile();
    if (!existsSync(file)) { process.stderr.write(`replay: no signing key at ${file}. Start the server once without TELNYX_API_KEY, or pass --key/--key-file.\n`); return 2; }
    seed = readKeySeed(file);
  }
  if (seed.length !== 32) { process.stderr.write('replay: the key seed must be 32 bytes (base64)\n'); return 2; }
  const results = await replayFixture({ url, dir: positionals[0]!, signer: signerFromSeed(seed) });
  let differ = 0;
  for (const r of results) {
    if (r.diff.length) differ++;
    if (v.json) { process.stdout.write(`${JSON.stringify(r)}\n`); continue; }
    process.stdout.write(`${String(r.index).padStart(3)} ${r.path} → ${r.status} ${r.diff.length ? 'DIFFERS' : r.expected ? 'same' : ''}\n`);
    for (const d of r.diff) process.stdout.write(`      ${d}\n`);
  }
  process.stdout.write(`${results.length} event(s), ${differ} differ\n`);
  return differ ? 1 : 0;
}
