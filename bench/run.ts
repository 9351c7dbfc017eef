import { benchEngine } from './engine.js';
import { machineLine, table } from './stats.js';

/** `npm run bench`: every figure is a median, each beside its baseline measured in the same run. */
async function main() {
  process.stdout.write(`Callflow benchmarks — ${new Date().toISOString()}\nmachine: ${machineLine()}\n\n`);
  const engine = benchEngine();
  process.stdout.write(`Engine steps per second (median of 5 rounds; target: full step ≥ 0.5 × raw XState)\n`);
  process.stdout.write(`${table(['what', 'per second', 'vs raw XState'], engine.rows)}\n\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
