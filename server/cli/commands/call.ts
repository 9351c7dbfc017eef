/**
 * `callflow call TO` places a test call through the running server's offline
 * sandbox (POST /sandbox/calls) and prints what the caller heard and did.
 */
import { parseArgs } from 'node:util';
import { aiArgs, assistantArgs } from '../ai-script.js';

export const summary = 'place a sandbox test call and print its transcript: callflow call TO [--digits 1,2] [--say "text"]';

const USAGE = `usage: callflow call TO [--from E164] [--digits 1,2] [--say "text"]… [--callee answer,busy]
                     [--ai JSON|failed|hangup]… [--assistant done,failed]
                     [--mode texml|call-control] [--hangup-after SECONDS] [--url http://localhost:3000] [--json]
  --digits   one entry per prompt, comma-separated; an empty entry is silence (e.g. "1,,2")
  --say      what the caller says (speech prompts, voicemail); repeat for several
  --callee   outcome of each transfer/dial: answer, no-answer, busy, voicemail, failed
  --ai       what Telnyx's AI collects at each AI gather: a JSON object ('{"name":"Sam"}'), failed or hangup; repeat
  --assistant how each AI Assistant conversation ends: done, failed or hangup, comma-separated
`;

interface Entry { at: number; kind: string; text: string }
interface CallResult { callId: string; mode: string; from?: string; to?: string; transcript: Entry[]; ended: { by: string; reason: string } | null; webhooks: number }

/** The request body for POST /sandbox/calls from command-line arguments. */
export function callRequest(argv: string[]): { url: string; json: boolean; body: Record<string, unknown> } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: { from: { type: 'string' }, digits: { type: 'string' }, say: { type: 'string', multiple: true }, callee: { type: 'string' }, ai: { type: 'string', multiple: true }, assistant: { type: 'string' }, mode: { type: 'string' }, url: { type: 'string' }, 'hangup-after': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    });
  } catch (e) { return { error: (e as Error).message }; }
  const { values: v, positionals } = parsed;
  if (v.help || positionals.length !== 1) return { error: v.help ? '' : 'give exactly one number to call' };
  const body: Record<string, unknown> = { to: positionals[0] };
  if (v.from) body.from = v.from;
  if (v.digits !== undefined) body.digits = v.digits.split(',').map((d) => d.trim());
  if (v.say) body.speech = v.say;
  if (v.callee) body.callee = v.callee.split(',').map((c) => c.trim());
  if (v.mode) body.mode = v.mode;
  const ai = aiArgs(v.ai), assistant = assistantArgs(v.assistant);
  if ('error' in ai) return ai;
  if ('error' in assistant) return assistant;
  Object.assign(body, ai, assistant);
  if (v['hangup-after'] !== undefined) body.hangupAfterSeconds = Number(v['hangup-after']);
  const url = (v.url ?? process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
  return { url, json: !!v.json, body };
}

/** One line per transcript entry, then where the call ended. */
export function formatTranscript(r: CallResult): string {
  const out = [`call ${r.callId} (${r.mode})${r.from ? ` ${r.from} → ${r.to}` : ''}`];
  for (const e of r.transcript) out.push(`${e.at.toFixed(1).padStart(7)}s  ${e.kind.padEnd(9)} ${e.text}`);
  out.push(r.ended ? `ended by ${r.ended.by}: ${r.ended.reason} (${r.webhooks} webhooks)` : 'still running');
  return out.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const req = callRequest(argv);
  if ('error' in req) { process.stderr.write(`${req.error ? `call: ${req.error}\n` : ''}${USAGE}`); return 2; }
  let res: Response;
  try {
    res = await fetch(`${req.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req.body) });
  } catch (e) {
    process.stderr.write(`call: cannot reach ${req.url} (${(e as Error).message}). Is the server running (npm start)?\n`);
    return 1;
  }
  const text = await res.text();
  if (res.status === 404) { process.stderr.write(`call: ${req.url} has no sandbox (is TELNYX_API_KEY set? the sandbox only runs without it)\n`); return 1; }
  if (!res.ok) {
    let msg = text;
    try { const e = JSON.parse(text).error; msg = `${e.message}${e.path ? ` (at ${e.path})` : ''}`; } catch { /* not JSON */ }
    process.stderr.write(`call: ${res.status} ${msg}\n`);
    return 1;
  }
  process.stdout.write(req.json ? `${text}\n` : formatTranscript(JSON.parse(text) as CallResult));
  return 0;
}
