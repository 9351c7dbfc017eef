import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  await signIn(browser.page, server);
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('the console shell', () => {
  it('links every page, marks the current one, and says so for an unknown page', async () => {
    const { page } = browser;
    const nav = page.getByRole('navigation', { name: 'Console' });
    await expect.poll(() => nav.locator('a[aria-current=page]').textContent()).toBe('Flows');
    await page.goto(`${server.url}/#/nowhere`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('There is no page “nowhere”');
    await expect.poll(() => nav.locator('a[aria-current=page]').count()).toBe(0);
    await page.getByRole('link', { name: 'Go to the flows' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Flows' }).count()).toBe(1);
  });

  it('has no critical accessibility violations on the flows page', async () => {
    expect(await axeFindings(browser.page)).toEqual([]);
    expect(browser.errors).toEqual([]);
  });

  it('the accessibility check finds what it should (an image without alt text is critical)', async () => {
    await browser.page.evaluate(() => { const d = (globalThis as any).document; const i = d.createElement('img'); i.id = 'axe-canary'; d.body.append(i); });
    expect((await axeFindings(browser.page)).map((f) => f.id)).toContain('image-alt');
    await browser.page.evaluate(() => (globalThis as any).document.getElementById('axe-canary')?.remove());
  });
});
