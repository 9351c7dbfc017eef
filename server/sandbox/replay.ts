/**
 * Replays a recorded fixture (DIR/events.jsonl) against a running server:
 * each webhook is re-signed with a fresh timestamp and a key the server
 * trusts, and the server's answers are compared with DIR/expected.jsonl.
 */
import { join } from 'node:path';
import { diffAnswer, readJsonl, type Answer as Expected } from '../fixtures/answers.js';
import type { Signer } from './keys.js';
import { sleep } from './util.js';

export interface RecordedEvent { path: string; method?: string; headers?: Record<string, string>; body: unknown }
export type Answer = Expected & { status?: number };
export interface StepResult { index: number; path: string; status: number; got: Answer; expected?: Answer; diff: string[] }

/** Reads DIR/events.jsonl and DIR/expected.jsonl (which may be absent). */
export function readFixture(dir: string): { events: RecordedEvent[]; expected: Answer[] | undefined } {
  const events = readJsonl(join(dir, 'events.jsonl')) as RecordedEvent[];
  events.forEach((e, i) => { if (typeof e?.path !== 'string') throw new Error(`${dir}/events.jsonl:${i + 1}: missing "path"`); });
  let expected: Answer[] | undefined;
  try { expected = readJsonl(join(dir, 'expected.jsonl')) as Answer[]; } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
  return { events, expected };
}

const header = (h: Record<string, string> | undefined, name: string) => Object.entries(h ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
/** Sends every event in order and collects each answer with its diff. */
export async function replayFixture(opts: { url: string; dir: string; signer: Signer; settleMs?: number }): Promise<StepResult[]> {
  const { events, expected } = readFixture(opts.dir);
  const base = opts.url.replace(/\/+$/, '');
  const results: StepResult[] = [];
  const seen = new Set<string>();
  for (const [i, ev] of events.entries()) {
    const raw = typeof ev.body === 'string' ? ev.body : JSON.stringify(ev.body);
    const type = header(ev.headers, 'content-type') ?? (raw.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
    const ccid = callControlIdOf(raw);
    if (ccid) { await registerLeg(base, ccid, raw, !seen.has(ccid)); seen.add(ccid); }
    const res = await fetch(base + ev.path, { method: ev.method ?? 'POST', headers: { 'content-type': type, ...opts.signer.headers(raw) }, body: raw });
    const text = await res.text();
    let got: Answer;
    if ((res.headers.get('content-type') ?? '').includes('xml')) got = { texml: text };
    else if (ccid) got = { commands: await collectCommands(base, ccid, opts.settleMs ?? 250) };
    else got = { status: res.status };
    results.push({ index: i + 1, path: ev.path, status: res.status, got, expected: expected?.[i], diff: expected ? diffAnswer(expected[i], got) : [] });
  }
  return results;
}

function callControlIdOf(raw: string): string | undefined {
  try { const id = (JSON.parse(raw) as { data?: { payload?: { call_control_id?: unknown } } }).data?.payload?.call_control_id; return typeof id === 'string' ? id : undefined; } catch { return undefined; }
}

/** Tells the server's sandbox to accept (and log) commands for a recorded call id. */
async function registerLeg(base: string, ccid: string, raw: string, fresh: boolean): Promise<void> {
  const p = (JSON.parse(raw) as { data: { payload: Record<string, unknown> } }).data.payload;
  await fetch(`${base}/sandbox/replay/legs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ call_control_id: ccid, from: p.from, to: p.to, reset: fresh }) }).catch(() => undefined);
}

/** Commands the server sent for the call, gathered until none arrive for `settleMs`. */
async function collectCommands(base: string, ccid: string, settleMs: number): Promise<Answer['commands']> {
  const all: NonNullable<Answer['commands']> = [];
  let quietSince = Date.now();
  const deadline = Date.now() + 5000;
  while (Date.now() - quietSince < settleMs && Date.now() < deadline) {
    await sleep(50);
    const res = await fetch(`${base}/sandbox/replay/legs/${encodeURIComponent(ccid)}/commands`).catch(() => undefined);
    if (!res?.ok) return all;
    const got = ((await res.json()) as { commands: NonNullable<Answer['commands']> }).commands;
    if (got.length) { all.push(...got); quietSince = Date.now(); }
  }
  return all;
}
