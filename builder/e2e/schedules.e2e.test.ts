/**
 * The builder with a shared schedule (issue #13 item 4): the example flow shared-hours follows us-office (seeded on
 * first start from flows/schedules/). Its hours step shows the schedule, previews an instant by it (a holiday rule),
 * sets a temporary change ("closed until …") that the API then holds, clears it, and can switch to its own hours.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const api = async (method: string, path: string) => (await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}` } })).json() as Promise<any>;

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  await signIn(page, server, '#/flows');
  await page.goto(`${server.url}/#/flows/shared-hours`);
  await page.locator('.react-flow__node[data-id="hours"]').waitFor();
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => {
  expect(browser?.errors ?? []).toEqual([]);
  await browser?.close(); await server?.stop();
});

describe('a step that follows a shared schedule', () => {
  it('shows the schedule and previews Thanksgiving by its rule', async () => {
    await page.getByTestId('tab-inspect').click();
    await page.locator('.react-flow__node[data-id="hours"] .cf-node-head').click();
    await expect.poll(() => page.getByTestId('shared-schedule').textContent()).toContain('Follows “US office” (America/New_York)');
    await expect.poll(() => page.getByLabel('Hours', { exact: true }).inputValue()).toBe('us-office');
    await page.locator('input[name=hours-preview-at]').fill('2026-11-26T12:00');
    await expect.poll(() => page.getByTestId('hours-preview-port').textContent()).toBe('holiday');
    await page.locator('input[name=hours-preview-at]').fill('2026-12-24T13:00');
    await expect.poll(() => page.getByTestId('hours-preview-port').textContent()).toBe('closed'); // the short Christmas Eve
  });

  it('sets "closed until" from the inspector (the API then holds it) and goes back to the regular hours', async () => {
    await page.getByLabel('Temporary change').selectOption('closed');
    await page.getByLabel('Until').fill('23:59');
    await page.getByRole('button', { name: 'Set temporary change' }).click();
    await expect.poll(() => page.getByTestId('schedule-temporary').textContent()).toContain('Closed until');
    await expect.poll(async () => (await api('GET', '/api/schedules/us-office')).schedule.temporary?.state).toBe('closed');
    await page.getByRole('button', { name: 'Back to regular hours' }).click();
    await expect.poll(async () => (await api('GET', '/api/schedules/us-office')).schedule.temporary).toBeNull();
    await expect.poll(() => page.getByTestId('schedule-temporary').count()).toBe(0);
  });

  it('switches the step to hours of its own, with a recurring holiday rule', async () => {
    await page.getByLabel('Hours', { exact: true }).selectOption('');
    await expect.poll(() => page.getByTestId('hours-weekly').count()).toBe(1);
    await page.getByRole('button', { name: '+ Add holiday' }).click();
    await page.getByLabel('Holiday: repeats').selectOption('weekday');
    await page.getByLabel('Holiday: which').selectOption('last');
    await page.getByLabel('Holiday weekday').selectOption('mon');
    await page.getByLabel('Holiday month').selectOption('5');
    await page.locator('input[name=hours-preview-at]').fill('2027-05-31T12:00');
    await expect.poll(() => page.getByTestId('hours-preview-port').textContent()).toBe('holiday');
  });

  it('#/schedules edits the schedule itself (saved with its revision) and shows what holds now', async () => {
    const before = (await api('GET', '/api/schedules/us-office')).schedule;
    await page.goto(`${server.url}/#/schedules`);
    await page.locator('li[data-schedule="us-office"] button[aria-expanded]').click();
    await expect.poll(() => page.getByTestId('schedule-editor').count()).toBe(1);
    expect(await axeFindings(page)).toEqual([]);
    await page.getByLabel('mon opens').fill('10:00');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(async () => (await api('GET', '/api/schedules/us-office')).schedule.weekly.mon[0].open).toBe('10:00');
    expect((await api('GET', '/api/schedules/us-office')).schedule.revision).toBe(before.revision + 1);
    await expect.poll(() => page.locator('li[data-schedule="us-office"] [data-testid=schedule-now-line]').textContent()).toMatch(/^(Open|Closed|Holiday)/);
  });
});
