/**
 * Fixture folders (`fixtures/NAME/`): `fixture.json` (which flow, when, how
 * the call was scripted), `events.jsonl` (the webhooks as received) and
 * `expected.jsonl` (what the server answered). `recordFixture` makes one from
 * a sandbox call; `replayFixture` sends the events to a fresh server and
 * compares its answers, line by line.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startStack, type Stack } from './stack.js';

/** Host put in place of the listening address, so files do not change with the port. */
export const FIXTURE_HOST = 'https://callflow.example';

export interface FixtureMeta {
  /** Path of the flow file relative to the fixture folder (or absent when flow.json is in the folder). */
  flow?: string;
  /** The instant the call started; the replay clock moves on from it as the recorded timestamps do. */
  at?: string;
  mode: 'texml' | 'call-control';
  /** The caller's script, for people reading the fixture. */
  script?: Record<string, unknown>;
  /** What the caller heard and did, for people reading the fixture. */
  transcript?: string[];
}

export interface RecordedEvent { path: string; method: string; headers: Record<string, string>; body: string }
export type ExpectedLine = { texml: string } | { commands: unknown[] };

const jsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);

/** Replaces the stack's address with the fixed fixture host. */
function normalise(text: string, url: string): string {
  return text.split(url).join(FIXTURE_HOST);
}

function loadFlow(dir: string, meta: FixtureMeta): Record<string, any> {
  const file = meta.flow ? resolve(dir, meta.flow) : join(dir, 'flow.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
}

/** The number a recorded call was placed to, from its first webhook. */
function calledNumber(e: RecordedEvent): string | undefined {
  if (e.path.startsWith('/webhooks/call-control')) return (JSON.parse(e.body) as { data?: { payload?: { to?: string } } }).data?.payload?.to;
  return new URLSearchParams(e.body).get('To') ?? undefined;
}

async function installFlow(stack: Stack, flow: Record<string, any>, number: string, mode: FixtureMeta['mode']): Promise<void> {
  await stack.api('POST', '/api/flows', flow);
  await stack.api('POST', `/api/flows/${flow.id}/publish`);
  await stack.api('PUT', `/api/numbers/${encodeURIComponent(number)}`, { flowId: flow.id, mode });
}

/** Options for recording a sandbox call as a fixture. */
export interface RecordOptions {
  flowFile: string;
  outDir: string;
  at: string;
  mode: FixtureMeta['mode'];
  to?: string;
  from?: string;
  digits?: string[];
  speech?: string[];
  callee?: string[];
}

/** Places a sandbox call through the flow on a fresh server and writes the fixture folder. */
export async function recordFixture(o: RecordOptions): Promise<{ transcript: string[]; events: number }> {
  const atMs = Date.parse(o.at);
  const t0 = Date.now();
  const stack = await startStack({ telnyx: 'sandbox', now: () => new Date(atMs + (Date.now() - t0)) });
  try {
    const flow = JSON.parse(readFileSync(o.flowFile, 'utf8')) as Record<string, any>;
    const to = o.to ?? '+18445550199';
    await installFlow(stack, flow, to, o.mode);
    const script = { to, from: o.from ?? '+13125550147', digits: o.digits, speech: o.speech, callee: o.callee, mode: o.mode };
    const res = await fetch(`${stack.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(script) });
    const call = (await res.json()) as { callId: string; transcript: { at: number; kind: string; text: string }[]; ended: { by: string; reason: string } };
    if (!res.ok) throw new Error(`sandbox call failed: ${JSON.stringify(call)}`);
    // The last status callback may still be on its way: wait (briefly) until the call log says it ended.
    let calls: { callId?: string; id?: string; endedAt?: string | null }[] = [];
    for (let i = 0; i < 40; i++) {
      calls = (await stack.api<{ calls: typeof calls }>('GET', '/api/calls')).calls;
      if (calls[0]?.endedAt) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const id = calls[0]?.callId ?? calls[0]?.id;
    if (!id) throw new Error('the server logged no call');
    const fx = await stack.api<{ files: { 'events.jsonl': string; 'expected.jsonl': string } }>('GET', `/api/calls/${encodeURIComponent(id)}/fixture`);
    mkdirSync(o.outDir, { recursive: true });
    const transcript = [...call.transcript.map((t) => `${t.kind}: ${t.text}`), `ended by ${call.ended.by}: ${call.ended.reason}`];
    const meta: FixtureMeta = {
      flow: relative(o.outDir, resolve(o.flowFile)), at: o.at, mode: o.mode,
      script: Object.fromEntries(Object.entries(script).filter(([, v]) => v !== undefined)), transcript,
    };
    writeFileSync(join(o.outDir, 'fixture.json'), `${JSON.stringify(meta, null, 2)}\n`);
    writeFileSync(join(o.outDir, 'events.jsonl'), normalise(fx.files['events.jsonl'], stack.url));
    writeFileSync(join(o.outDir, 'expected.jsonl'), normalise(fx.files['expected.jsonl'], stack.url));
    return { transcript, events: fx.files['events.jsonl'].split('\n').filter(Boolean).length };
  } finally {
    await stack.close();
  }
}

/** One compared answer. */
export interface ReplayLine { index: number; path: string; expected?: ExpectedLine; actual: ExpectedLine; same: boolean }

/**
 * Sends every recorded webhook, freshly signed, to a new server whose clock
 * follows the recording, and compares each answer with `expected.jsonl`.
 */
export async function replayFixture(dir: string): Promise<{ lines: ReplayLine[]; ok: boolean }> {
  const metaFile = join(dir, 'fixture.json');
  const meta: FixtureMeta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as FixtureMeta) : { mode: 'texml' };
  const events = jsonl<RecordedEvent>(join(dir, 'events.jsonl'));
  const expected = existsSync(join(dir, 'expected.jsonl')) ? jsonl<ExpectedLine>(join(dir, 'expected.jsonl')) : [];
  if (!events.length) throw new Error(`${dir}/events.jsonl has no events`);
  const ts = (e: RecordedEvent) => Number(e.headers['telnyx-timestamp'] ?? 0) * 1000;
  const first = ts(events[0]!);
  let clock = meta.at ? Date.parse(meta.at) : first;
  const stack = await startStack({ telnyx: 'accept-all', now: () => new Date(clock) });
  try {
    const mode = events[0]!.path.startsWith('/webhooks/call-control') ? 'call-control' : 'texml';
    await installFlow(stack, loadFlow(dir, meta), calledNumber(events[0]!) ?? '+18445550199', mode);
    const lines: ReplayLine[] = [];
    for (const [index, e] of events.entries()) {
      clock = meta.at ? Date.parse(meta.at) + (ts(e) - first) : ts(e);
      const body = e.body.split(FIXTURE_HOST).join(stack.url);
      const res = await fetch(`${stack.url}${e.path}`, {
        method: e.method,
        headers: { 'content-type': e.headers['content-type'] ?? 'application/json', ...stack.sign(body) },
        body: e.method === 'GET' ? undefined : body,
      });
      const text = normalise(await res.text(), stack.url);
      const actual: ExpectedLine = (res.headers.get('content-type') ?? '').includes('xml')
        ? { texml: text }
        : { commands: ((JSON.parse(text) as { commands?: unknown[] }).commands ?? []) };
      const want = expected[index];
      lines.push({ index, path: e.path, expected: want, actual, same: JSON.stringify(want) === JSON.stringify(actual) });
    }
    return { lines, ok: lines.length === expected.length && lines.every((l) => l.same) };
  } finally {
    await stack.close();
  }
}

/** Rewrites `expected.jsonl` from a replay (`--update`); a reviewer reads the diff. */
export function writeExpected(dir: string, lines: ReplayLine[]): void {
  writeFileSync(join(dir, 'expected.jsonl'), lines.map((l) => JSON.stringify(l.actual)).join('\n') + '\n');
}

