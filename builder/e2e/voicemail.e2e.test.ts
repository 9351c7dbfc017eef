/**
 * #/voicemail in Debian's Chromium against the real server and its sandbox: test calls leave voicemails (the
 * sandbox's caller speaks a message, the flow records and transcribes it), the inbox lists them unread, the
 * wavesurfer.js player plays one (its audio element's time moves) under the page's CSP, the transcription shows,
 * the keyboard drives it, delete + undo keeps a message and delete alone removes it for good; the mailbox's
 * notification settings show the server's SSRF refusal; no critical axe-core findings.
 *
 *   hello(say) → vm(voicemail: mailbox "sales", transcribe) ─next→ bye(hangup)
 *                                                           └noRecording→ bye
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
const FIRST = 'Hi this is Ann, please call me back about the invoice';
const SECOND = 'Hello it is Bob, the delivery is at the back door';
const flow = {
  format: 'callflow/1', id: 'vm-e2e', name: 'Voicemail line', timezone: 'America/Chicago', start: 'hello',
  nodes: [
    { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Nobody is here.' } },
    { id: 'vm', type: 'voicemail', position: { x: 0, y: 100 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 60, transcribe: true, mailbox: 'sales' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'e1', source: 'hello', sourceHandle: 'next', target: 'vm' },
    { id: 'e2', source: 'vm', sourceHandle: 'next', target: 'bye' },
    { id: 'e3', source: 'vm', sourceHandle: 'noRecording', target: 'bye' },
  ],
};

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let line = '';

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
/** A sandbox caller dials the line and says `message` at the beep (POST /sandbox/calls answers once the call ended). */
async function leaveVoicemail(message: string, from: string): Promise<string> {
  const call = await (await fetch(`${server.url}/sandbox/calls`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ to: line, from, mode: 'texml', speech: [message] }) })).json() as { transcript: { kind: string }[] };
  expect(call.transcript.map((e) => e.kind)).toContain('recorded');
  let id = '';
  await expect.poll(async () => { id = (await rest('GET', '/api/voicemails')).body.voicemails.find((v: { transcription: string | null }) => v.transcription === message)?.id ?? ''; return id; }, { timeout: 10_000 }).not.toBe('');
  return id;
}
/** The player's `<audio>` position in seconds (typed loosely: this file compiles without the DOM lib). */
const audioTime = () => page.getByTestId('vm-audio').evaluate((a) => (a as unknown as { currentTime: number }).currentTime);
const item = (id: string) => page.locator(`.vm-list li[data-id="${id}"]`);
const detail = () => page.getByTestId('vm-detail');
/** Focus on the page itself (not a field), where the inbox's shortcuts apply. */
const focusPage = () => page.locator('h1', { hasText: 'Voicemail' }).click();

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  // The server registers its demo numbers with the sandbox just after it starts listening.
  for (const end = Date.now() + 20_000; !line && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) line = (await rest('GET', '/api/numbers')).body.numbers[0]?.e164 ?? '';
  expect((await rest('POST', '/api/flows', flow)).status).toBe(201);
  expect((await rest('POST', '/api/flows/vm-e2e/publish')).status).toBeLessThan(300);
  expect((await rest('PUT', `/api/numbers/${encodeURIComponent(line)}`, { flowId: 'vm-e2e', mode: 'texml' })).status).toBe(200);
}, 120_000);
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('the voicemail inbox, end to end', { sequential: true, timeout: 60_000 }, () => {
  let ann = '', bob = '';

  it('says what to do while the inbox is empty', async () => {
    await signIn(page, server, '#/voicemail');
    await expect.poll(() => page.locator('.empty').first().textContent()).toContain('No voicemail yet');
  });

  it('a test call leaves a voicemail that shows unread, with its transcription, newest unread first', async () => {
    ann = await leaveVoicemail(FIRST, '+13125550147');
    bob = await leaveVoicemail(SECOND, '+13125550148');
    await page.reload();
    await expect.poll(() => page.locator('.vm-list li').count()).toBe(2);
    expect(await page.locator('.vm-list li').first().getAttribute('data-id')).toBe(bob);
    await expect.poll(() => item(ann).getAttribute('class')).toContain('unread');
    await item(ann).locator('a').click();
    await expect.poll(() => detail().getAttribute('data-id')).toBe(ann);
    await expect.poll(() => page.getByTestId('vm-transcription').textContent()).toBe(FIRST);
    await expect.poll(() => page.getByRole('option', { name: /sales \(2 unread\)/ }).count()).toBe(1);
  });

  it('plays it in the waveform player with Space, which marks it read; ←/→ seek, U marks it unread again', async () => {
    await expect.poll(() => page.getByTestId('vm-player').getAttribute('data-state'), { timeout: 15_000 }).toBe('paused'); // fetched and drawn
    await expect.poll(() => page.locator('.vm-wave canvas').count()).toBeGreaterThan(0); // wavesurfer drew it (in its shadow root)
    await focusPage();
    await page.keyboard.press(' ');
    await expect.poll(() => audioTime()).toBeGreaterThan(0);
    await expect.poll(() => item(ann).getAttribute('class')).toContain('read');
    await expect.poll(() => item(ann).getAttribute('class')).not.toContain('unread');
    expect((await rest('GET', `/api/voicemails/${ann}`)).body.voicemail.readAt).toBeTruthy();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => audioTime()).toBeLessThan(0.5);
    await page.keyboard.press('u');
    await expect.poll(() => item(ann).getAttribute('class')).toContain('unread');
    await expect.poll(async () => (await rest('GET', `/api/voicemails/${ann}`)).body.voicemail.readAt).toBeNull();
  });

  it('J/K move between messages and ! marks one urgent', async () => {
    await page.keyboard.press('k');
    await expect.poll(() => detail().getAttribute('data-id')).toBe(bob);
    await page.keyboard.press('j');
    await expect.poll(() => detail().getAttribute('data-id')).toBe(ann);
    await page.keyboard.press('!');
    await expect.poll(() => item(ann).locator('.vm-urgent').count()).toBe(1);
    expect((await rest('GET', `/api/voicemails/${ann}`)).body.voicemail.urgent).toBe(true);
  });

  it('has no critical accessibility findings, no page or CSP errors; screenshot', async () => {
    expect(await axeFindings(page)).toEqual([]);
    // Serious ones too, on this page's own elements (the shell's navigation is not this page's).
    expect((await axeFindings(page, ['serious'])).map((f) => ({ ...f, targets: f.targets.filter((t) => !/^a\[href\$="#\/\w+"\]$/.test(t)) })).filter((f) => f.targets.length)).toEqual([]);
    expect(browser.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.screenshot({ path: join(DOCS, 'console-voicemail.png') });
  });

  it('Delete, then Undo, keeps the message (also after the undo window)', async () => {
    await focusPage();
    await page.keyboard.press('Delete');
    await expect.poll(() => item(ann).count()).toBe(0);
    await expect.poll(() => page.getByTestId('vm-undo').textContent()).toContain('+13125550147');
    await page.getByTestId('vm-undo').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => item(ann).count()).toBe(1);
    await expect.poll(() => detail().getAttribute('data-id')).toBe(ann);
    await page.waitForTimeout(11_000); // past the server's 10 s window
    await page.reload();
    await expect.poll(() => item(ann).count()).toBe(1);
    expect((await rest('GET', `/api/voicemails/${ann}`)).status).toBe(200);
  });

  it('Delete without undo removes it for good once the window passed', async () => {
    await item(bob).locator('a').click();
    await expect.poll(() => detail().getAttribute('data-id')).toBe(bob);
    await detail().getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => item(bob).count()).toBe(0);
    await expect.poll(() => page.getByTestId('vm-undo').count(), { timeout: 15_000 }).toBe(0); // the offer ran out
    await page.waitForTimeout(1000);
    const gone = await rest('POST', `/api/voicemails/${bob}/restore`);
    expect(gone.status).toBe(404);
    await page.reload();
    await expect.poll(() => page.locator('.vm-list li').count()).toBe(1);
    expect((await rest('GET', '/api/voicemails')).body.voicemails.map((v: { id: string }) => v.id)).toEqual([ann]);
  });

  it('says so when the inbox cannot be loaded, and Retry recovers', async () => {
    await page.route('**/api/voicemails?*', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"Internal error"}}' }));
    await page.reload();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Could not load voicemails');
    await page.unroute('**/api/voicemails?*');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.locator('.vm-list li').count()).toBe(1);
  });

  it('mailbox settings: the SSRF rule refuses a private webhook with its reason; a good one is saved', async () => {
    await page.locator('select[name=vm-mailbox]').selectOption('sales');
    await expect.poll(() => page.getByRole('heading', { name: /Notifications for mailbox/ }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('mb-email').textContent()).toContain('Email recipients: set them on Notifications');
    await page.locator('input[name=mb-webhook]').fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await expect.poll(() => page.locator('#mb-error').textContent()).toMatch(/webhookUrl/);
    expect(await page.locator('input[name=mb-webhook]').getAttribute('aria-invalid')).toBe('true');
    await page.locator('input[name=mb-webhook]').fill('https://example.com/hooks/voicemail');
    await page.locator('input[name=mb-sms]').fill('+13125550123');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await expect.poll(async () => (await rest('GET', '/api/voicemails/mailboxes')).body.mailboxes.find((m: { id: string }) => m.id === 'sales'))
      .toMatchObject({ notifySms: '+13125550123', webhookUrl: 'https://example.com/hooks/voicemail' });
    expect(await axeFindings(page)).toEqual([]);
    expect(browser.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
