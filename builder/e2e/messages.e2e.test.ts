/**
 * #/messages in Debian's Chromium against the real server and its sandbox: send an SMS and watch its delivery
 * state move (queued when the API answered, delivered once the sandbox's message.sent / message.finalized
 * webhooks came in), send an MMS, see a text from the sandbox appear without a reload (and an unread badge on
 * another conversation), and see a send to a number that replied STOP refused with the server's reason.
 * No critical axe-core findings; the page works under its CSP (no console errors).
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
const ALICE = '+13125550199';
const BOB = '+13125550177';
const CAROL = '+13125550166';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let line = '';

async function rest(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return r.json();
}
/** A customer's phone texts one of our numbers (the sandbox sends the signed message.received). */
async function textUs(from: string, text: string) {
  const r = await fetch(`${server.url}/sandbox/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from, to: line, text }) });
  expect(r.status).toBe(200);
}
const thread = () => page.getByTestId('msg-thread');
const conv = (customer: string) => page.locator(`.msg-convs li[data-customer="${customer}"]`);
const errors = () => browser.errors.filter((e) => !/Failed to load resource/.test(e)); // refused sends answer 4xx on purpose

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  for (const end = Date.now() + 20_000; !line && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) line = (await rest('GET', '/api/numbers')).numbers[0]?.e164 ?? '';
}, 120_000);
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('messages, end to end', { sequential: true, timeout: 60_000 }, () => {
  it('says what to do while there are no texts', async () => {
    await signIn(page, server, '#/messages');
    await expect.poll(() => page.locator('.empty').first().textContent()).toContain('No texts yet');
  });

  it('starts a conversation, sends an SMS and sees its delivery state change', async () => {
    await page.locator('input[name=msg-new-to]').fill(ALICE);
    await page.locator('input[name=msg-new-to]').press('Enter');
    await expect.poll(() => thread().textContent()).toContain(`No messages with ${ALICE} yet`);
    await expect.poll(() => page.locator('select[name=msg-from]').inputValue()).toBe(line);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/messages') && r.request().method() === 'POST');
    await page.locator('textarea[name=msg-text]').fill('Your table is ready');
    await page.locator('textarea[name=msg-text]').press('Enter');
    expect((await (await answered).json()).message.status).toBe('queued'); // what the API said at first
    const sent = thread().getByTestId('msg').filter({ hasText: 'Your table is ready' });
    await expect.poll(() => sent.getByTestId('msg-status').textContent(), { timeout: 8000 }).toBe('Delivered'); // then the webhooks moved it (the thread polls every 2 s)
    await expect.poll(() => page.locator('textarea[name=msg-text]').inputValue()).toBe('');
    await expect.poll(() => conv(ALICE).textContent()).toContain('You: Your table is ready');
  });

  it('sends an MMS with a media URL', async () => {
    await page.locator('input[name=msg-media]').fill('https://example.com/menu.jpg');
    await page.locator('textarea[name=msg-text]').fill('Tonight’s menu');
    await page.getByRole('button', { name: 'Send MMS' }).click();
    const mms = thread().getByTestId('msg').filter({ hasText: 'Tonight’s menu' });
    await expect.poll(() => mms.locator('a.msg-media').getAttribute('href')).toBe('https://example.com/menu.jpg');
    await expect.poll(() => mms.getByTestId('msg-status').textContent(), { timeout: 8000 }).toBe('Delivered');
  });

  it('an inbound text appears without a reload; another customer’s shows as unread', async () => {
    await textUs(ALICE, 'Great, on my way');
    await expect.poll(() => thread().getByTestId('msg').filter({ hasText: 'Great, on my way' }).getByTestId('msg-status').textContent(), { timeout: 10_000 }).toBe('Received');
    await textUs(BOB, 'Do you have parking?');
    await expect.poll(() => conv(BOB).getByTestId('conv-unread').textContent(), { timeout: 10_000 }).toBe('1 unread');
    expect(await conv(ALICE).getByTestId('conv-unread').count()).toBe(0); // open: read as it came in
    await conv(BOB).locator('a').click();
    await expect.poll(() => thread().textContent()).toContain('Do you have parking?');
    await expect.poll(() => conv(BOB).getByTestId('conv-unread').count()).toBe(0);
  });

  it('a number that replied STOP is shown opted out, and a send to it is refused with the reason', async () => {
    await textUs(CAROL, 'STOP');
    await expect.poll(() => conv(CAROL).locator('.msg-opted').count(), { timeout: 10_000 }).toBe(1);
    await conv(CAROL).locator('a').click();
    await expect.poll(() => thread().getByRole('note').textContent()).toContain('opted out');
    await page.locator('textarea[name=msg-text]').fill('Come back, 20% off');
    await page.getByRole('button', { name: 'Send SMS' }).click();
    await expect.poll(() => page.getByTestId('msg-refused').textContent()).toMatch(/has opted out \(replied STOP\)/);
    expect(await thread().getByTestId('msg').filter({ hasText: 'Come back' }).count()).toBe(0);
    expect(await page.locator('textarea[name=msg-text]').inputValue()).toBe('Come back, 20% off'); // nothing typed is lost
  });

  it('a send past the monthly budget is refused with the server’s reason', async () => {
    const spent = (await rest('GET', '/api/usage')).totalMicros ?? 0;
    await rest('PUT', '/api/usage/budget', { budgetMicros: Math.max(1, spent) }); // nothing left to spend
    await conv(BOB).locator('a').click();
    await expect.poll(() => thread().textContent()).toContain('Do you have parking?');
    await page.locator('textarea[name=msg-text]').fill('Yes, in the back');
    await page.getByRole('button', { name: 'Send SMS' }).click();
    await expect.poll(() => page.getByTestId('msg-refused').textContent()).toMatch(/budget/i);
    await rest('PUT', '/api/usage/budget', { budgetMicros: null });
    await page.getByRole('button', { name: 'Send SMS' }).click(); // the text was kept: send it now
    await expect.poll(() => thread().getByTestId('msg').filter({ hasText: 'Yes, in the back' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('msg-refused').count()).toBe(0);
  });

  it('has no critical accessibility findings and no page or CSP errors; screenshot', async () => {
    await conv(ALICE).locator('a').click();
    await expect.poll(() => thread().textContent()).toContain('Great, on my way');
    expect(await axeFindings(page)).toEqual([]);
    expect(errors()).toEqual([]);
    // Serious ones too, on this page's own elements (the shell's navigation is not this page's).
    expect((await axeFindings(page, ['serious'])).map((f) => ({ ...f, targets: f.targets.filter((t) => !/^a\[href\$="#\/\w+"\]$/.test(t)) })).filter((f) => f.targets.length)).toEqual([]);
    await page.screenshot({ path: join(DOCS, 'console-messages.png') });
  });

  it('says so when the API cannot be reached, and recovers', async () => {
    await page.route('**/api/messages/conversations', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"Internal error"}}' }));
    await page.reload();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Could not load conversations');
    await page.unroute('**/api/messages/conversations');
    await page.getByRole('button', { name: 'Retry' }).first().click();
    await expect.poll(() => conv(ALICE).count()).toBe(1);
  });
});
