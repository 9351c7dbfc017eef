import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

/*
 * flows/order-status.json in the builder's simulator:
 *   welcome → order(collect 6 digits) → lookup(httpRequest) ─ok→ status(say) → end
 *                                                            ├error→ not-found → message
 *                                                            └timeout→ slow → message
 * The panel answers the request as the server would: a status and a JSON body, or no answer in time.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const flow = { ...JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'flows', 'order-status.json'), 'utf8')), id: 'order-status-e2e' };

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<any>;
};

async function untilLookup() {
  await page.getByTestId('tab-simulate').click();
  await page.getByTestId('sim-start').click();
  for (const k of '482913') await page.getByTestId(`key-${k}`).click();
  await expect.poll(() => page.getByTestId('sim-status').textContent()).toContain('waiting in lookup');
}

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  await api('POST', '/api/flows', flow);
  await signIn(page, server);
  await page.goto(`${server.url}/#/flows/order-status-e2e`);
  await page.locator('.react-flow__node[data-id="lookup"]').waitFor();
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('the simulator answers an HTTP request', { sequential: true, timeout: 60_000 }, () => {
  it('with a status and a JSON body: the fields fill the variables the next step says', async () => {
    await untilLookup();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('asks GET https://shop.example.com/api/orders/482913');
    await page.locator('textarea[name=sim-http-body]').fill('{"order":{"status":"shipped","delivery":{"estimate":"Friday"}}}');
    await page.getByTestId('sim-http-send').click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('Order 482913 is shipped. Estimated delivery: Friday.');
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('call ended');
  });

  it('with no answer in time: the flow goes on by timeout', async () => {
    await untilLookup();
    await page.getByTestId('sim-http-timeout').click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('our order system is not answering right now');
  });
});
