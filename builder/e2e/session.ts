import type { Page } from 'playwright-core';
import type { startServer } from './server.js';

/**
 * Signs the browser in to a server from {@link startServer} and waits for the console. Every console e2e test
 * signs in through this one function, so a change to how people sign in (accounts, #14) changes one place.
 */
export async function signIn(page: Page, server: Awaited<ReturnType<typeof startServer>>, at = '#/flows'): Promise<void> {
  await page.goto(`${server.url}/${at}`);
  await page.locator('input[name=apiKey]').fill(server.apiKey);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}
