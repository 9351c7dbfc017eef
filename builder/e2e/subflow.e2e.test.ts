import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

/*
 * A draft that runs another flow (flows/support-line.json: welcome → pause → verify = subflow caller-check → thanks)
 * in the builder's simulator: the subflow step runs caller-check as published now, as a call would, and its return
 * port brings the call back to the draft. Unpublished, the child cannot run: the step apologises, as on a call.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const read = (f: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'flows', f), 'utf8'));
// Copies under their own ids (the server seeds the examples themselves): the parent runs the copy of the child.
const child = { ...read('caller-check.json'), id: 'caller-check-e2e' };
const source = read('support-line.json');
const parent = { ...source, id: 'support-line-e2e', nodes: source.nodes.map((n: { type: string; data: Record<string, unknown> }) => (n.type === 'subflow' ? { ...n, data: { ...n.data, flow: child.id } } : n)) };

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<any>;
};

async function open(): Promise<void> {
  await page.goto(`${server.url}/#/flows/support-line-e2e`);
  // A fresh load: the simulator fetches the children as they are published now.
  await page.reload();
  await page.locator('.react-flow__node[data-id="verify"]').waitFor();
  await page.getByTestId('tab-simulate').click();
  // Start waits until the children are fetched.
  await expect.poll(() => page.getByTestId('sim-start').isEnabled()).toBe(true);
}

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  await api('POST', '/api/flows', child);
  await api('POST', '/api/flows', parent);
  await signIn(page, server);
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('the simulator runs a draft\'s subflow steps', { sequential: true, timeout: 60_000 }, () => {
  it('with the child unpublished, the subflow step apologises, as on a call', async () => {
    await open();
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('call ended');
    await expect.poll(() => page.getByTestId('transcript').textContent()).not.toContain('four-digit account number');
  });

  it('with the child published, it runs inside the draft and returns by its port', async () => {
    await api('POST', `/api/flows/${child.id}/publish`);
    await open();
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('Please enter your four-digit account number.');
    for (const k of '4821') await page.getByTestId(`key-${k}`).click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('Thank you. Account 4821, connecting you to support.');
  });
});
