import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureBuilt, openBrowser } from './browser.js';
import { signIn } from './session.js';
import { startServer } from './server.js';

/*
 * The seeded example SMS flow (flows/sms-keywords.json, "channel": "sms") in the builder's simulator: a text
 * conversation instead of a call. Texts go in, the flow's texts come out; "No reply" times the wait out.
 *
 *   text ─▶ pick(keywords) ─other→ menu(sms) → wait(waitForReply) ─reply→ pick   ─address→ address(sms)
 *                                                                 └timeout→ bye(sms)
 */
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const transcript = () => page.getByTestId('transcript').innerText();

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

describe('an SMS flow in the simulator', () => {
  it('texts, a reply, no reply, and a new run', async () => {
    await signIn(page, server);
    await page.goto(`${server.url}/#/flows/sms-keywords`);
    await page.getByTestId('tab-simulate').click();
    // No call controls for a conversation: no mode picker, no Start call.
    await expect.poll(() => page.getByTestId('sim-send-text').count()).toBe(1);
    expect(await page.locator('select[name=sim-mode]').count()).toBe(0);
    expect(await page.getByTestId('sim-start').count()).toBe(0);
    await page.locator('input[name=sim-date]').fill('2026-11-25');
    await page.locator('input[name=sim-time]').fill('10:00');
    await page.locator('select[name=sim-zone]').selectOption('America/Chicago');

    await page.getByTestId('sim-text').fill('hello');
    await page.getByTestId('sim-send-text').click();
    await expect.poll(transcript).toContain('Texter sent “hello”');
    await expect.poll(transcript).toContain('Reply 1 for our hours');
    await expect.poll(() => page.getByTestId('sim-status').innerText()).toBe('waiting in wait for a reply');

    await page.getByTestId('sim-no-reply').click();
    await expect.poll(transcript).toContain('No problem. Text HOURS, ADDRESS or CALL any time.');
    await expect.poll(() => page.getByTestId('sim-status').innerText()).toBe('conversation ended');
    expect(await page.getByTestId('sim-no-reply').count()).toBe(0);

    await page.getByTestId('sim-text').fill('where');
    await page.getByTestId('sim-send-text').click();
    await expect.poll(transcript).toContain('Acme Plumbing, 1200 W Fulton St');
    await expect.poll(() => page.getByTestId('sim-status').innerText()).toBe('conversation ended');
  });

  it('the flow settings say what starts the flow', async () => {
    await page.getByTestId('tab-inspect').click();
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await expect.poll(() => page.locator('select[name=flow-channel]').inputValue()).toBe('sms');
  });
});
