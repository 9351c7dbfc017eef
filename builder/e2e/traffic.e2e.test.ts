import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

/*
 *   menu ─1→ sales(say) ─next→ bye(hangup)
 *        ├2→ bye
 *        └timeout→ bye
 */
const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
const flow = {
  format: 'callflow/1', id: 'traffic-line', name: 'Traffic line', timezone: 'America/Chicago', start: 'menu',
  nodes: [
    { id: 'menu', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press 1 for sales, 2 to leave.' }, options: { '1': 'Sales', '2': 'Leave' }, maxRetries: 0 } },
    { id: 'sales', type: 'say', position: { x: -160, y: 200 }, data: { text: 'Sales it is.' } },
    { id: 'bye', type: 'hangup', position: { x: 80, y: 400 }, data: {} },
  ],
  edges: [
    { id: 'menu-1', source: 'menu', sourceHandle: '1', target: 'sales' },
    { id: 'menu-2', source: 'menu', sourceHandle: '2', target: 'bye' },
    { id: 'menu-timeout', source: 'menu', sourceHandle: 'timeout', target: 'bye' },
    { id: 'sales-next', source: 'sales', sourceHandle: 'next', target: 'bye' },
  ],
};
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json() as Promise<any>;
};
const edgeLabel = (id: string) => page.locator(`.react-flow__edge[data-id="${id}"] .react-flow__edge-text`);

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  await api('POST', '/api/flows', flow);
  await api('POST', '/api/flows/traffic-line/publish');
  await signIn(page, server);
  await page.goto(`${server.url}/#/flows/traffic-line`);
  await page.locator('.react-flow__node[data-id="menu"]').waitFor();
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('the traffic overlay', { sequential: true, timeout: 60_000 }, () => {
  it('says so when no call went through the flow', async () => {
    await page.getByTestId('traffic-toggle').click();
    await expect.poll(() => page.getByTestId('traffic-empty').count()).toBe(1);
    expect(await page.getByTestId('traffic-calls-menu').textContent()).toBe('0');
    await page.keyboard.press('Shift+T');
    await expect.poll(() => page.getByTestId('traffic-panel').count()).toBe(0);
  });

  it('draws the counts of real sandbox calls on the right nodes and edges, and drop-off', async () => {
    const to = (await api('GET', '/api/numbers')).numbers[0].e164 as string;
    await api('PUT', `/api/numbers/${encodeURIComponent(to)}`, { flowId: 'traffic-line', mode: 'texml' });
    for (const digits of [['1'], ['1'], ['2']]) await api('POST', '/sandbox/calls', { to, from: '+13125550147', digits });
    await api('POST', '/sandbox/calls', { to, from: '+13125550148', digits: [], hangupAfterSeconds: 1 });

    await page.keyboard.press('Shift+T');
    const toggle = page.getByTestId('traffic-toggle');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByTestId('traffic-total').textContent()).toBe('4');
    expect(await page.getByTestId('traffic-calls-menu').textContent()).toBe('4');
    expect(await page.getByTestId('traffic-calls-sales').textContent()).toBe('2');
    expect(await page.getByTestId('traffic-calls-bye').textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('traffic-drop-menu').textContent()).toContain('1 hung up');
    await expect.poll(() => edgeLabel('menu-1').textContent()).toBe('2');
    expect(await edgeLabel('menu-2').textContent()).toBe('1');
    expect(await edgeLabel('sales-next').textContent()).toBe('2');
    expect(await edgeLabel('menu-timeout').textContent()).toBe('0');
    expect(await page.getByTestId('traffic-legend').textContent()).toContain('4 calls');

    // The busiest node is the hottest.
    const heat = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .cf-heat`).evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor as string);
    expect(await heat('menu')).not.toBe(await heat('sales'));
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: join(DOCS, 'builder-traffic.png') });
  });

  it('filters by period and version', async () => {
    await page.locator('select[name=traffic-period]').selectOption('custom');
    await page.locator('input[name=traffic-from]').fill('2020-01-01');
    await page.locator('input[name=traffic-to]').fill('2020-01-31');
    await expect.poll(() => page.getByTestId('traffic-empty').count()).toBe(1);
    await page.locator('select[name=traffic-period]').selectOption('today');
    await expect.poll(() => page.getByTestId('traffic-total').textContent()).toBe('4');
    await page.locator('select[name=traffic-version]').selectOption('1');
    await expect.poll(() => page.getByTestId('traffic-total').textContent()).toBe('4');
  });

  it('does not disturb editing, and turning it off restores the canvas', async () => {
    await page.locator('.react-flow__node[data-id="sales"] .cf-node-head').click();
    await expect.poll(() => page.locator('[data-testid=inspector] input[name=node-id]').inputValue()).toBe('sales');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toMatch(/Saved/);
    await page.getByTestId('traffic-toggle').click();
    await expect.poll(() => page.getByTestId('traffic-panel').count()).toBe(0);
    expect(await page.locator('.cf-traffic, .cf-heat').count()).toBe(0);
    expect(await page.locator('.react-flow__edge-text').count()).toBe(0);
    expect(await page.locator('.react-flow__edge.traffic-edge').count()).toBe(0);
    // The flow itself is unchanged: the overlay never edited it.
    expect((await api('GET', '/api/flows/traffic-line')).revision).toBe(1);
    expect(browser.errors).toEqual([]);
  });
});
