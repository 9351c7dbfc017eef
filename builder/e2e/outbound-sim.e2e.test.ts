/**
 * The builder's simulator places an outbound call (the flow dials, AMD scripted) through the example
 * appointment reminder (imported on first start), in Call Control: it waits in answeredBy until detection
 * answers, then, for a machine, until its greeting ends, and plays the message. Against the real server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureBuilt, openBrowser } from './browser.js';
import { signIn } from './session.js';
import { startServer } from './server.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('simulating an outbound call in the builder', { sequential: true, timeout: 60_000 }, () => {
  it('a machine: detection, then the greeting, then the message', async () => {
    await signIn(page, server);
    await page.goto(`${server.url}/#/flows/appointment-reminder`);
    await page.getByTestId('tab-simulate').click();
    await page.locator('select[name=sim-mode]').selectOption('call-control');
    await page.locator('select[name=sim-direction]').selectOption('outbound');
    await page.locator('select[name=sim-answerer]').selectOption('machine');
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('waiting in who');
    await page.getByTestId('sim-amd').click();
    await expect.poll(() => page.getByTestId('sim-greeting').count()).toBe(1);
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('waiting in who');
    await page.getByTestId('sim-greeting').click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('Please call us back');
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toContain('waiting in message');
    expect(browser.errors).toEqual([]);
  });

  it('a person in TeXML: the flow starts knowing, straight to the reminder menu', async () => {
    await page.locator('select[name=sim-mode]').selectOption('texml');
    await page.locator('select[name=sim-answerer]').selectOption('human');
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('Press 1 to confirm');
    await expect.poll(() => page.getByTestId('sim-amd').count()).toBe(0);
  });
});
