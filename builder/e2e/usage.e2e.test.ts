import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';
import { pageShot } from './shot.js';

/** `#/usage` in Chromium against the real server and its sandbox: chart, ledger pages, CSV statement, budget and rates, estimates. */
const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
const TEXTS = 22;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
};
const json = async (path: string) => JSON.parse((await call('GET', path)).text);

/** Pixels of the chart's canvas near a colour (the spend line is #2563eb, the budget line #c0262d). */
const pixels = (page: Page, rgb: [number, number, number]) => page.getByTestId('spend-chart').evaluate((c: any, [r, g, b]) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - r) < 30 && Math.abs(d[i + 1] - g) < 30 && Math.abs(d[i + 2] - b) < 30) n++;
  return n;
}, rgb);
const BLUE: [number, number, number] = [37, 99, 235];
const RED: [number, number, number] = [192, 38, 45];

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  // The demo numbers' month (2 entries) and some texts (one segment each): more than one ledger page.
  for (let i = 0; i < TEXTS; i++) expect((await call('POST', '/api/messages', { from: '+18445550199', to: '+13125550100', text: `hello ${i}` })).status).toBeLessThan(300);
  for (let t = Date.now(); (await json('/api/usage')).entries.length < TEXTS + 2;) {
    if (Date.now() - t > 15_000) throw new Error('the texts were not charged in 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await openBrowser();
  await signIn(browser.page, server, '#/flows');
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('#/usage', () => {
  it('says when usage cannot load and retries', async () => {
    const { page } = browser;
    await page.route('**/api/usage', (r) => r.abort('connectionrefused'), { times: 1 });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Usage' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not load usage' });
    await expect.poll(() => alert.textContent()).toContain('Cannot reach the server');
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.getByTestId('usage-total').count()).toBe(1);
  });

  it("draws this month's cumulative spend with chart.js, under the page's CSP", async () => {
    const { page } = browser;
    const usage = await json('/api/usage');
    const chart = page.getByTestId('spend-chart');
    expect(usage.totalMicros).toBe(2 * 2_000_000 + TEXTS * 4_000); // two toll-free months and the texts' segments
    await expect.poll(() => chart.getAttribute('aria-label')).toBe(`Spend in ${usage.month}: $4.088, no monthly budget set.`);
    await expect.poll(() => pixels(page, BLUE)).toBeGreaterThan(50);
    expect(await pixels(page, RED)).toBe(0); // no budget, no budget line
  });

  it('pages through the ledger', async () => {
    const { page } = browser;
    const rows = page.getByRole('table', { name: 'Ledger' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(20);
    const pager = page.getByRole('navigation', { name: 'Ledger pages' });
    expect(await pager.textContent()).toContain(`Page 1 of 2 (${TEXTS + 2} entries)`);
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rows.count()).toBe(TEXTS + 2 - 20);
    await pager.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => rows.count()).toBe(20);
  });

  it('downloads the statement as CSV with the API key, one row per ledger entry and a total', async () => {
    const { page } = browser;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download statement (CSV)' }).click()]);
    const usage = await json('/api/usage');
    expect(download.suggestedFilename()).toBe(`statement-${usage.month}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,kind,quantity,unit,ref,detail,micros,usd');
    expect(lines).toHaveLength(1 + TEXTS + 2 + 1);
    expect(lines.filter((l) => l.includes(',sms_out_segment,'))).toHaveLength(TEXTS);
    expect(lines.at(-1)).toMatch(new RegExp(`^,total,.*,${usage.totalMicros},`));
    expect(csv).toBe((await call('GET', `/api/usage/statement?format=csv&month=${usage.month}`)).text);
  });

  it("shows the API's field error for a bad budget, saves a good one and draws its line", async () => {
    const { page } = browser;
    const budget = page.getByLabel('Monthly budget (USD)');
    await budget.fill('-5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    const err = page.locator('#budget-error');
    await expect.poll(() => err.textContent()).toMatch(/>=\s*0/); // zod's words, from the 400's issues for budgetMicros
    expect(await budget.getAttribute('aria-invalid')).toBe('true');
    expect((await json('/api/usage/budget')).budgetMicros).toBeNull();
    await budget.fill('abc');
    await budget.press('Enter');
    await expect.poll(() => err.textContent()).toContain('Enter an amount in dollars');
    await page.getByLabel('Billing increment (seconds)').fill('0');
    await budget.fill('50');
    await budget.press('Enter');
    await expect.poll(() => page.locator('#increment-error').textContent()).toMatch(/>=\s*1/);
    await page.getByLabel('Billing increment (seconds)').fill('6');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(async () => (await json('/api/usage/budget')).budgetMicros).toBe(50_000_000);
    expect(await err.count()).toBe(0);
    await expect.poll(() => page.getByTestId('spend-chart').getAttribute('aria-label')).toContain('of a $50.00 budget');
    await expect.poll(() => pixels(page, RED)).toBeGreaterThan(50);
  });

  it('saves a rate and shows what the API refuses under its row', async () => {
    const { page } = browser;
    const sms = page.getByLabel('sms out segment');
    await sms.fill('-0.01');
    await page.getByRole('button', { name: 'Save rates' }).click();
    await expect.poll(() => page.locator('#rate-sms_out_segment-error').textContent()).toMatch(/>=\s*0/);
    await sms.fill('0.005');
    await page.getByRole('button', { name: 'Save rates' }).click();
    await expect.poll(async () => (await json('/api/usage/rates')).overrides.sms_out_segment).toBe(5_000);
    expect(await page.locator('#rate-sms_out_segment-error').count()).toBe(0);
  });

  it('estimates the cost of each path of a flow', async () => {
    const { page } = browser;
    await page.getByLabel('Flow to estimate').selectOption('main-line');
    const est = await json('/api/usage/estimate/main-line');
    const rows = page.getByRole('table', { name: 'Cost per path' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(est.paths.length);
    // Dearest first, each the API's estimate for its path.
    const shown = (await rows.locator('td:last-child').allTextContents()).map((t) => Math.round(Number(t.replace(/[$,]/g, '')) * 1e6));
    expect(shown).toEqual(est.paths.map((p: { micros: number }) => p.micros).sort((a: number, b: number) => b - a));
    expect(shown[0]).toBeGreaterThan(0);
    expect(await axeFindings(page)).toEqual([]);
    await pageShot(page, join(DOCS, 'console-usage.png'), 1800);
  });

  it('shows an empty ledger for a month with nothing charged', async () => {
    const { page } = browser;
    await page.getByLabel('Month', { exact: true }).fill('2020-01');
    await expect.poll(() => page.getByText('Nothing charged this month yet').count()).toBe(1);
    expect(await axeFindings(page)).toEqual([]);
    // Chromium logs the connection dropped on purpose and the refused saves (400); a CSP refusal or any other error fails here.
    expect(browser.errors.filter((e) => !/ERR_CONNECTION_REFUSED|status of 400/.test(e))).toEqual([]);
  });
});
