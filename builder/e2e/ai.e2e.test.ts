import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

/*
 * The example flow a first start imports (flows/ai-receptionist.json), opened in Chromium:
 *
 *   greet → ask(aiGather) ─ok→ route ─billing→ … ─appointment→ booking(aiAssistant) ─done→ booked → bye
 *                         └failed→ person → front-desk                              └failed→ person
 */
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  await signIn(page, server);
  await page.goto(`${server.url}/#/flows/ai-receptionist`);
  await node('ask').waitFor();
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('the AI blocks in the builder', { sequential: true, timeout: 60_000 }, () => {
  it('the palette offers both with their help text, and the inspector edits the fields to collect', async () => {
    await expect.poll(() => page.getByTestId('palette-aiGather').count()).toBe(1);
    await expect.poll(() => page.getByTestId('palette-aiAssistant').count()).toBe(1);
    await expect.poll(() => page.getByTestId('palette-aiGather').getAttribute('title')).toContain('keep each in a variable');
    await expect.poll(() => page.getByTestId('palette-aiAssistant').getAttribute('title')).toContain('Telnyx AI Assistants');
    await page.getByTestId('tab-inspect').click();
    await node('ask').locator('.cf-node-head').click();
    await expect.poll(() => page.locator('[data-testid=inspector] input[name="fields.0.name"]').inputValue()).toBe('name');
    await expect.poll(() => page.locator('[data-testid=inspector] input[name="fields.1.name"]').inputValue()).toBe('reason');
  });

  it('the simulator answers the AI gather with buttons (gave up, answered), and the call follows', async () => {
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toContain('waiting in ask');
    await page.getByRole('button', { name: 'Caller gave up' }).click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('The AI could not collect the details');
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toContain('waiting in front-desk');
    await page.getByTestId('sim-start').click(); // restart
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toContain('waiting in ask');
    await page.getByRole('button', { name: 'Caller answered' }).click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('The AI collected name: "example", reason: "example"');
  });
});
