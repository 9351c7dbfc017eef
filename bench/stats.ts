import os from 'node:os';

/** Median of a list of numbers (the figure every bench table quotes). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` for `rounds` rounds of `iterations` and returns the median rate per second. */
export function ratePerSecond(fn: () => void, iterations: number, rounds = 5): number {
  for (let i = 0; i < Math.min(iterations, 500); i++) fn(); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    const ns = Number(process.hrtime.bigint() - t0);
    rates.push(iterations / (ns / 1e9));
  }
  return median(rates);
}

/** One line describing the machine the figures come from. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** A plain text table: header row, then rows, columns padded. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** Rates of several functions measured in interleaved rounds: the median of each, and every round's figure. */
export interface Interleaved {
  /** Median rate per second of each function. */
  median: Record<string, number>;
  /** Rate per second of each function in each round, in round order. */
  rounds: Record<string, number[]>;
}

/**
 * Measures several functions in interleaved rounds (a round of each, then the
 * next round), so a machine that gets busier or quieter during the run
 * affects every side of a ratio alike.
 */
export function interleavedRates(fns: Record<string, () => void>, iterations: number, rounds = 7): Interleaved {
  const names = Object.keys(fns);
  for (const n of names) for (let i = 0; i < Math.min(iterations, 500); i++) fns[n]!(); // warm-up
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const fn = fns[n]!;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      rates[n]!.push(iterations / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
  }
  return { median: Object.fromEntries(names.map((n) => [n, median(rates[n]!)])), rounds: rates };
}

/**
 * The median over rounds of `a`'s rate divided by `b`'s in the same round: on a
 * machine whose load changes during the run, each ratio compares neighbours.
 */
export function medianRatio(r: Interleaved, a: string, b: string): number {
  const as = r.rounds[a]!, bs = r.rounds[b]!;
  return median(as.map((x, i) => x / bs[i]!));
}
