import type { Page } from 'playwright-core';

/**
 * A README screenshot of a console page: toasts dismissed, scrolled to the top, in a window tall enough to show
 * the page (the console scrolls inside `<main>`, so a full-page shot would show only the window); the window's
 * size is put back afterwards.
 */
export async function pageShot(page: Page, path: string, height = 1400): Promise<void> {
  // Clicked in the page at once: a toast may fade out between finding its button and clicking it.
  await page.locator('.toasts button').evaluateAll((bs) => bs.forEach((b) => (b as { click(): void }).click()));
  const before = page.viewportSize();
  await page.setViewportSize({ width: before?.width ?? 1280, height });
  await page.locator('.console-main').evaluate((m: any) => m.scrollTo(0, 0));
  await page.screenshot({ path });
  if (before) await page.setViewportSize(before);
}
