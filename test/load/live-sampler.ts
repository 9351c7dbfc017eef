/**
 * Samples a few gauges every `everyMs` while a load test runs (calls live on
 * the server and in the sandbox, open file descriptors) and keeps each one's
 * peak, plus how late the sampler's own timer fired (event-loop lag).
 */
import { readdirSync, readFileSync } from 'node:fs';

export type Gauge = () => number | Promise<number>;

export interface Peaks { [name: string]: number; samples: number; maxLagMs: number }

/** Starts sampling; `stop()` resolves with the peaks once the sample in progress (if any) finished. */
export function startSampler(gauges: Record<string, Gauge>, everyMs = 100): { stop(): Promise<Peaks> } {
  const peaks: Peaks = { samples: 0, maxLagMs: 0 };
  for (const k of Object.keys(gauges)) peaks[k] = 0;
  let due = performance.now() + everyMs;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    peaks.maxLagMs = Math.max(peaks.maxLagMs, Math.round(performance.now() - due));
    for (const [k, g] of Object.entries(gauges)) peaks[k] = Math.max(peaks[k]!, await g());
    peaks.samples++;
  };
  const timer = setInterval(() => {
    // One sample at a time: a slow gauge under load must not pile samples up.
    running = running.then(tick).finally(() => { due = performance.now() + everyMs; });
  }, everyMs);
  return {
    async stop() {
      if (!stopped) { stopped = true; clearInterval(timer); }
      await running;
      await tick(); // one last look, so a short run still has a sample
      return peaks;
    },
  };
}

/** Open file descriptors of this process (Linux /proc); 0 where there is no /proc. */
export function openFds(): number {
  try { return readdirSync('/proc/self/fd').length; } catch { return 0; }
}

/** The soft limit on open files (`ulimit -n`) from /proc/self/limits; Infinity when unknown or unlimited. */
export function fdLimit(): number {
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
  } catch { return Infinity; }
}
