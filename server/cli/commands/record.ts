import { parseArgs } from 'node:util';
import { recordFixture } from '../../fixtures/record.js';
import { aiArgs, assistantArgs } from '../ai-script.js';

export const summary = 'record a sandbox call through a flow as a fixture folder: callflow record FLOW --out DIR [--digits 1,2]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      out: { type: 'string' }, at: { type: 'string' }, mode: { type: 'string' }, to: { type: 'string' }, from: { type: 'string' },
      digits: { type: 'string' }, say: { type: 'string', multiple: true }, callee: { type: 'string' },
      ai: { type: 'string', multiple: true }, assistant: { type: 'string' },
    },
  });
  const flowFile = positionals[0];
  if (!flowFile || !values.out) {
    process.stderr.write('usage: callflow record FLOW --out fixtures/NAME [--at ISO] [--mode texml|call-control] [--digits 1,2] [--say "text"] [--callee answer,busy] [--ai JSON|failed|hangup]… [--assistant done,failed,hangup]\n');
    return 2;
  }
  const mode = values.mode ?? 'texml';
  if (mode !== 'texml' && mode !== 'call-control') { process.stderr.write('--mode must be texml or call-control\n'); return 2; }
  const ai = aiArgs(values.ai), assistant = assistantArgs(values.assistant);
  if ('error' in ai || 'error' in assistant) { process.stderr.write(`${'error' in ai ? ai.error : (assistant as { error: string }).error}\n`); return 2; }
  const split = (v?: string) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()));
  const r = await recordFixture({
    flowFile, outDir: values.out, at: values.at ?? new Date().toISOString(), mode, to: values.to, from: values.from,
    digits: split(values.digits), speech: values.say, callee: split(values.callee), ...ai, ...assistant,
  });
  process.stdout.write(`${r.transcript.map((l) => `  ${l}`).join('\n')}\nwrote ${values.out} (${r.events} webhooks)\n`);
  return 0;
}
