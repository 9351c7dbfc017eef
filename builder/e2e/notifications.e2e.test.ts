import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';
import { parseMime, startSmtp, type TestSmtp } from '../../test/business/smtp.js';

// The README's screenshot is refreshed only when asked (UPDATE_SCREENSHOTS=1), as in builder.e2e.test.ts.
const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let smtp: TestSmtp;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return res.json() as Promise<any>;
};

beforeAll(async () => {
  await ensureBuilt();
  smtp = await startSmtp();
  server = await startServer();
  browser = await openBrowser();
  await api('PUT', '/api/voicemails/mailboxes/sales', { name: 'Sales' });
  await signIn(browser.page, server, '#/notifications');
});
afterAll(async () => { await browser?.close(); await server?.stop(); await smtp?.stop(); });

describe('#/notifications', () => {
  it('saves the SMTP settings (the password is kept, never shown) and the test email arrives at the SMTP server', async () => {
    const { page } = browser;
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const form = page.getByRole('form', { name: 'SMTP settings' });
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Port').fill(String(smtp.port));
    await form.getByLabel('Security').selectOption('none');
    await form.getByLabel('User').fill('mailer');
    await form.getByLabel('Password').fill('s3cret');
    await form.getByLabel('From').fill('Callflow <voicemail@example.com>');
    await form.getByLabel('Time zone').fill('America/Chicago');
    await form.getByLabel('From').press('Enter'); // Enter submits
    await expect.poll(async () => (await api('GET', '/api/notifications/smtp')).smtp).toMatchObject({ host: '127.0.0.1', port: smtp.port, security: 'none', passwordSet: true, timezone: 'America/Chicago' });
    await expect.poll(() => form.getByLabel('Password').getAttribute('placeholder')).toBe('stored: leave empty to keep');
    expect(await form.getByLabel('Password').inputValue()).toBe('');

    const test = page.getByRole('form', { name: 'Send a test email' });
    await test.getByLabel('Send a test email to').fill('me@example.com');
    await test.getByRole('button', { name: 'Send test email' }).click();
    await expect.poll(() => smtp.received.length).toBe(1);
    expect(smtp.received[0]!.to).toEqual(['me@example.com']);
    expect(parseMime(smtp.received[0]!.raw).headers.subject).toBe('Callflow test email');
    expect(smtp.logins).toEqual(['mailer:s3cret']); // the stored password, used although the form never shows it
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Test email accepted for me@example.com');
  });

  it('lists the outbox row with its state and attempts', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator('table.outbox tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('test · email');
    expect(await row.textContent()).toContain('me@example.com');
    expect(await row.locator('.badge').textContent()).toBe('sent');
  });

  it('a refused test email shows the SMTP answer, and the failed row offers "Retry now"', async () => {
    const { page } = browser;
    smtp.refuse = { code: 451, text: 'Greylisted, try later' };
    await page.getByRole('form', { name: 'Send a test email' }).getByRole('button', { name: 'Send test email' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Greylisted');
    smtp.refuse = undefined;
    await page.getByRole('button', { name: 'Refresh' }).click();
    const retry = page.getByRole('button', { name: 'Retry now: email to me@example.com' });
    await expect.poll(() => retry.count()).toBe(1);
    await retry.click();
    await expect.poll(() => smtp.received.length).toBe(2);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('table.outbox .badge').allTextContents()).toEqual(['sent', 'sent']);
  });

  it('saves mailbox recipients and a number\'s missed-call alerts', async () => {
    const { page } = browser;
    const box = page.getByRole('form', { name: 'Mailbox Sales' });
    await box.getByRole('textbox').fill('owner@example.com, team@example.com');
    await box.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await api('GET', '/api/voicemails/mailboxes')).mailboxes[0].email).toEqual(['owner@example.com', 'team@example.com']);

    const first = page.locator('form.missed').first();
    const e164 = (await first.locator('strong').textContent())!;
    await first.getByLabel('SMS to').fill('+13125550123');
    await first.getByLabel('Email to').fill('owner@example.com');
    await first.getByLabel('Text the caller back').check();
    await first.getByLabel('At most once per (hours)').fill('6');
    await first.getByRole('button', { name: 'Save alerts' }).click();
    await expect.poll(async () => api('GET', `/api/notifications/missed/${encodeURIComponent(e164)}`)).toMatchObject({
      sms: '+13125550123', emails: ['owner@example.com'], webhookUrl: null, textBack: { enabled: true, hours: 6 },
    });
  });

  it('has no critical accessibility violations; screenshot for the README', async () => {
    expect(await axeFindings(browser.page)).toEqual([]);
    const { page } = browser;
    // The whole page in one picture: no toasts over it, a window tall enough for the scrolling main area.
    await expect.poll(() => page.locator('.toast-ok').count(), { timeout: 8000 }).toBe(0); // they fade after 4 s
    while (await page.locator('.toast-error').count()) await page.locator('.toast-error').first().getByRole('button', { name: 'Dismiss' }).click();
    await page.setViewportSize({ width: 1280, height: 1300 });
    await page.screenshot({ path: join(DOCS, 'console-notifications.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    // The refused test email's 502 is logged by Chromium as a failed resource: expected, nothing else is.
    expect(browser.errors.filter((e) => !/status of 502/.test(e))).toEqual([]);
  });
});
