/**
 * Builds builder/dist with vite's API, only when it is missing or older than
 * what goes into it (builder/src, engine/, index.html, the vite config, the
 * lockfile). `npm start` runs this, so a second start does not rebuild.
 * `tsx builder/build.ts --force` always builds.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
export const DIST = join(ROOT, 'builder', 'dist');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

/** True when builder/dist/index.html is missing or older than any of its sources. */
export function builderStale(): boolean {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['builder/src', 'engine', 'builder/index.html', 'builder/vite.config.ts', 'package-lock.json'].map((p) => newest(join(ROOT, p)));
  return statSync(index).mtimeMs < Math.max(...sources);
}

/** Builds the builder when stale (or always with `force`); returns whether it built. */
export async function ensureBuilt(force = false): Promise<boolean> {
  if (!force && !builderStale()) return false;
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would give a development React bundle; build what ships.
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try { await build({ configFile: join(ROOT, 'builder', 'vite.config.ts'), logLevel: 'warn', mode: 'production' }); }
  finally { process.env.NODE_ENV = saved; }
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  const t0 = Date.now();
  ensureBuilt(force).then(
    (built) => process.stdout.write(built ? `builder built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n` : 'builder is up to date (builder/dist)\n'),
    (err) => { process.stderr.write(`building the builder failed: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); },
  );
}
