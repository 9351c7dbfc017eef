import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

// Screenshots go to docs/ only when asked (UPDATE_SCREENSHOTS=1), as builder.e2e.test.ts does.
const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return r.status === 204 ? null : r.json() as Promise<any>;
};
const member = async (id: string) => ((await api('GET', '/api/team')).members as any[]).find((m) => m.id === id);
const row = (id: string) => page.locator(`tr[data-member="${id}"]`);

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  await signIn(page, server, '#/team');
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('#/team', () => {
  it('starts empty, and shows the API\'s E.164 error under the number', async () => {
    await expect.poll(() => page.locator('.empty').textContent()).toContain('No team members yet');
    expect(await axeFindings(page)).toEqual([]);
    await page.locator('input[name=memberName]').fill('Alice Ng');
    await page.locator('input[name=memberTo]').fill('555-0101');
    await page.locator('input[name=memberTo]').press('Enter');
    await expect.poll(() => page.locator('#add-to-error').textContent()).toContain('E.164');
    expect(await page.locator('input[name=memberTo]').getAttribute('aria-invalid')).toBe('true');
  });

  it('adds a member, and says which flow rings them', async () => {
    await page.locator('input[name=memberTo]').fill('+13125550101');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => row('alice-ng').count()).toBe(1);
    expect(await member('alice-ng')).toMatchObject({ name: 'Alice Ng', to: '+13125550101', status: 'available' });
    await api('POST', '/api/flows', {
      format: 'callflow/1', id: 'sales-line', name: 'Sales line', timezone: 'America/Chicago', start: 'ring',
      nodes: [{ id: 'ring', type: 'roundRobin', position: { x: 0, y: 0 }, data: { members: [{ id: 'alice-ng', name: 'Alice Ng', to: '+13125550101' }] } }], edges: [],
    });
    await page.reload();
    await expect.poll(() => row('alice-ng').getByTestId('used-by').textContent()).toBe('Sales line (ring)');
    await expect.poll(() => row('alice-ng').getByTestId('available-now').textContent()).toBe('Yes');
  });

  it('changes the status with the keyboard (arrow keys in the radio group)', async () => {
    await row('alice-ng').getByRole('radio', { name: 'available' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await member('alice-ng')).setStatus).toBe('busy');
    await expect.poll(() => row('alice-ng').getByTestId('available-now').textContent()).toBe('No: busy');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await member('alice-ng')).setStatus).toBe('offline');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await member('alice-ng')).setStatus).toBe('available');
    await expect.poll(() => row('alice-ng').getByRole('radio', { name: 'available' }).isChecked()).toBe(true);
  });

  it('sets working hours with the flow\'s hours editor; outside them the member is not available now', async () => {
    await row('alice-ng').getByRole('button', { name: 'Edit Alice Ng' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name=hasHours]').check();
    await dialog.locator('select[name=timezone]').selectOption('America/Chicago');
    await expect.poll(() => dialog.getByTestId('hours-weekly').count()).toBe(1);
    // A shift of one minute a week, on a day that is not today in Chicago: outside it now.
    for (const d of ['mon', 'tue', 'wed', 'thu', 'fri']) await dialog.getByRole('button', { name: `Remove ${d} range` }).click();
    const today = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', weekday: 'short' }).format(new Date()).toLowerCase().slice(0, 3);
    const other = today === 'sat' ? 'sun' : 'sat';
    await dialog.getByRole('button', { name: `Add hours on ${other}` }).click();
    await dialog.locator(`input[aria-label="${other} opens"]`).fill('10:00');
    await dialog.locator(`input[aria-label="${other} closes"]`).fill('10:01');
    expect(await axeFindings(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(async () => (await member('alice-ng')).workingHours).toEqual({ timezone: 'America/Chicago', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], [other]: [{ open: '10:00', close: '10:01' }] }, holidays: [], overrides: [] });
    await expect.poll(() => row('alice-ng').getByTestId('available-now').textContent()).toBe('No: outside working hours');
    await api('PUT', '/api/team/bo', { name: 'Bo Diaz', to: '+13125550102', status: 'busy' });
    await page.reload();
    await expect.poll(() => row('bo').getByTestId('available-now').textContent()).toBe('No: busy');
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: join(DOCS, 'console-team.png') });
    await api('DELETE', '/api/team/bo');
    await page.reload();
    await expect.poll(() => row('bo').count()).toBe(0);
  });

  it('Escape closes the editor without saving', async () => {
    await row('alice-ng').getByRole('button', { name: 'Edit Alice Ng' }).click();
    await page.getByRole('dialog').locator('input[name=name]').fill('Someone else');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect((await member('alice-ng')).name).toBe('Alice Ng');
  });

  it('removes a member after a confirmation that names the flows using them', async () => {
    await row('alice-ng').getByRole('button', { name: 'Remove Alice Ng' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Alice Ng is rung by Sales line (ring)');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await member('alice-ng')).toBeTruthy();
    await row('alice-ng').getByRole('button', { name: 'Remove Alice Ng' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
    await expect.poll(() => row('alice-ng').count()).toBe(0);
    expect(await member('alice-ng')).toBeUndefined();
    await expect.poll(() => page.locator('.empty').textContent()).toContain('No team members yet');
    // The one 400 is the bad number of the first test, answered on purpose.
    expect(browser.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });
});
