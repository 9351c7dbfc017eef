import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core finding, short enough to print in a failing assertion. */
export interface AxeFinding { id: string; impact: string; help: string; targets: string[] }

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page as it is now and returns the findings at `impacts`
 * (critical only by default, as the console's done-when asks). axe is evaluated through the DevTools protocol,
 * which the page's CSP does not govern, so the page is tested with its real policy on.
 */
export async function axeFindings(page: Page, impacts: string[] = ['critical']): Promise<AxeFinding[]> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const g = globalThis as any; // runs in the page: window and document, which the node tsconfig does not type
    const r = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n: any) => String(n.target)) }));
  });
  return (found as AxeFinding[]).filter((f) => impacts.includes(f.impact));
}
