import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchEngine, ROUNDS } from './engine.js';
import { benchMemory } from './memory.js';
import { benchFlowSizes, benchStorage } from './scale.js';
import { benchServer, openLoopRows, serverRows } from './server.js';
import { machineLine, table } from './stats.js';

const out = (s: string) => process.stdout.write(s);

/** The builder section, when bench/builder-open.ts exists and Chromium is installed; otherwise a note. */
async function builderSection(): Promise<void> {
  out(`Builder: time to open a 2,000-node flow (navigation → all 2,000 nodes loaded into the editor, the visible ones drawn, and a click selecting one; median of 5)\n`);
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH ?? ''].some((p) => p && existsSync(p));
  if (!existsSync(new URL('./builder-open.ts', import.meta.url))) { out('skipped: bench/builder-open.ts is not there yet\n\n'); return; }
  if (!chromium) { out('skipped: Chromium is not installed (apt-get install -y chromium)\n\n'); return; }
  try {
    const { benchBuilderOpen } = (await import('./builder-open.js')) as { benchBuilderOpen: () => Promise<{ rows: (string | number)[][] }> };
    const b = await benchBuilderOpen();
    out(`${table(['flow', 'open → interactive (median)', 'range', 'under 2 s'], b.rows)}\n\n`);
  } catch (e) {
    out(`skipped: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n\n`);
  }
}

/** `npm run bench`: every figure is a median, each beside its baseline measured in the same run. */
async function main() {
  const quick = process.argv.includes('--quick');
  out(`Callflow benchmarks — ${new Date().toISOString()}\nmachine: ${machineLine()}\nload average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine lowers every figure)\n\n`);
  const engine = benchEngine();
  out(`Engine steps per second (${ROUNDS} interleaved rounds; rates are medians, ratios the median of each round's ratio; target: full step ≥ 0.5 × raw XState)\n`);
  out(`${table(['what', 'per second', 'vs raw XState'], engine.rows)}\n\n`);

  const s = await benchServer(quick ? { calls: 500, rounds: 1, amount: 2000, openSeconds: 3 } : {});
  out(`Signed webhooks over loopback: autocannon, ${s.connections} connections, ${s.amount} requests per round, median of ${s.rounds} rounds;\n`);
  out(`${s.calls} live calls per mode waiting in a menu, each request a wrong key for one of them (a real step every time).\n`);
  out(`Targets: TeXML whole path ≥ 0.70 × the bare signed route; p99 < 20 ms at ${s.connections} connections.\n`);
  out(`${table(['what', 'req/s', 'p50', 'p99', 'vs bare', 'errors', 'target'], serverRows(s))}\n\n`);
  out(`Open loop: signed webhooks sent at a fixed offered rate for ${quick ? 3 : 10} s each, whatever the answers do; latency from each request's due time (target: whole-path p99 < 20 ms at 500/s)\n`);
  out(`${table(['what', 'offered', 'answered', 'p50', 'p99', 'max', 'errors', 'target'], openLoopRows(s))}\n\n`);

  const m = await benchMemory(quick ? { live: 500, stored: 2000 } : {});
  out(`Memory (heap after forced GC; calls started through the signed voice URL)\n`);
  out(`${table(['what', 'figure'], m.rows)}\n\n`);

  out(`How cost grows: engine step (restore + wrong key + persist) in flows of 10 to 2,000 nodes, interleaved rounds; compile is once per version (target: flat ±20 %)\n`);
  out(`${table(['flow', 'steps/s', 'vs 10 nodes', 'first step (compile)', 'target'], benchFlowSizes().rows)}\n\n`);
  const st = await benchStorage(quick ? { small: 10_000, large: 100_000, calls: 500 } : { large: Number(process.env.BENCH_STORED_CALLS ?? 1_000_000) });
  out(`One webhook (a wrong key, sequential, p50 of 200) with finished calls stored in the database (rows written in bulk), beside 10,000 (target: flat ±20 %)\n`);
  out(`${table(['stored', 'webhook p50', 'vs 10,000', 'file + WAL', 'seeding took', 'target'], st.latency)}\n\n`);
  out(`Database bytes per finished call (real calls through the voice URL: start, wrong key, last key, status callback)\n`);
  out(`${table(['what', 'per call', 'target'], st.bytes)}\n\n`);

  await builderSection();
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
