import express from 'express';
import type { AddressInfo } from 'node:net';
import { DIST, ensureBuilt, openBrowser } from '../builder/e2e/browser.js';
import { median } from './stats.js';

/**
 * A flow of `n` nodes in a grid: menus every 10th node (3 keys), the rest
 * say steps chained by `next`; like a large Studio flow, it is wide and deep.
 */
export function bigFlow(n: number) {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    const id = `n${i}`;
    const position = { x: (i % 40) * 260, y: Math.floor(i / 40) * 190 };
    if (i % 10 === 0) nodes.push({ id, type: 'menu', position, data: { prompt: { text: `Menu ${i}: press 1, 2 or 3` }, options: { '1': 'one', '2': 'two', '3': 'three' } } });
    else nodes.push({ id, type: 'say', position, data: { text: `Step ${i} of the big flow` } });
    if (i + 1 < n) {
      if (i % 10 === 0) for (const k of ['1', '2', '3']) edges.push({ id: `${id}-${k}`, source: id, sourceHandle: k, target: `n${Math.min(n - 1, i + Number(k))}` });
      else edges.push({ id: `${id}-next`, source: id, sourceHandle: 'next', target: `n${i + 1}` });
    }
  }
  return { format: 'callflow/1', id: 'big', name: `Big flow (${n} nodes)`, timezone: 'UTC', start: 'n0', nodes, edges };
}

/**
 * Opens a 2,000-node flow in Chromium (the builder reads it from `?open=`)
 * and measures navigation → interactive: the editor holds every node and a
 * click on a node selects it (the inspector shows it). Median of 5 runs.
 */
export async function benchBuilderOpen(sizes = [2000]): Promise<{ rows: (string | number)[][] }> {
  await ensureBuilt();
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const app = express();
    const flow = JSON.stringify(bigFlow(n));
    app.get('/bench-flow.json', (_req, res) => res.type('json').send(flow));
    app.use(express.static(DIST));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?open=/bench-flow.json`;
    const { page, close } = await openBrowser();
    const times: number[] = [];
    try {
      for (let run = 0; run < 6; run++) {
        await page.goto(url);
        await page.waitForSelector(`.canvas[data-node-count="${n}"] .react-flow__node`, { timeout: 30_000 });
        await page.locator('.react-flow__node[data-id="n0"]').click();
        await page.waitForSelector('[data-testid="inspector"] input[name="node-id"]', { timeout: 30_000 });
        const ms = await page.evaluate(() => performance.now());
        if (run > 0) times.push(ms); // the first run warms the disk and compile caches
      }
    } finally {
      await close();
      server.close();
    }
    const med = median(times);
    rows.push([`${n} nodes`, `${Math.round(med)} ms`, `${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms`, med < 2000 ? 'yes' : 'NO']);
  }
  return { rows };
}

// `npx tsx bench/builder-open.ts` prints the table on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { table } = await import('./stats.js');
  const r = await benchBuilderOpen([200, 2000]);
  process.stdout.write(`Builder: open a flow in Chromium until a click selects a node (median of 5; target < 2 s at 2,000 nodes)\n${table(['flow', 'median', 'range', '< 2 s'], r.rows)}\n`);
}
