import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'builder', 'dist');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds builder/dist with vite's API when it is missing or older than builder/src or engine/. */
export async function ensureBuilt(): Promise<void> {
  const index = join(DIST, 'index.html');
  const src = Math.max(newest(join(ROOT, 'builder', 'src')), newest(join(ROOT, 'engine')), statSync(join(ROOT, 'builder', 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= src) return;
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would give a development React bundle; test what ships.
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try { await build({ configFile: join(ROOT, 'builder', 'vite.config.ts'), logLevel: 'warn', mode: 'production' }); }
  finally { process.env.NODE_ENV = saved; }
}

/** Debian's Chromium, headless, 1280×800, with its own temp profile; `errors` collects page errors. */
export async function openBrowser(): Promise<{ context: BrowserContext; page: Page; errors: string[]; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'callflow-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { context, page, errors, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}
