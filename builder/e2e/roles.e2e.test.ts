/**
 * The console respects the signed-in person's role, in Debian's Chromium against the real server and sandbox:
 * a viewer (invited, accepted, signed in through the sign-in page) sees every write control disabled with the
 * reason, while reading still works (the numbers list, a voicemail plays and is marked read without an error
 * toast); an editor gets editor controls but not the admin ones on Numbers and Usage. axe on each page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';

const NEED_EDITOR = 'Needs the editor role or above (you are a viewer)';
const NEED_ADMIN = (r: string) => `Needs the admin role or above (you are ${r})`;
const flow = {
  format: 'callflow/1', id: 'roles-vm', name: 'Roles voicemail', timezone: 'America/Chicago', start: 'vm',
  nodes: [
    { id: 'vm', type: 'voicemail', position: { x: 0, y: 0 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 60, transcribe: true, mailbox: 'sales' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
  ],
  edges: [{ id: 'e1', source: 'vm', sourceHandle: 'next', target: 'bye' }, { id: 'e2', source: 'vm', sourceHandle: 'noRecording', target: 'bye' }],
};

let server: Awaited<ReturnType<typeof startServer>>;
let viewer: Awaited<ReturnType<typeof openBrowser>>;
let editor: Awaited<ReturnType<typeof openBrowser>>;
let line = '';

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
/** Invites `email` as `role` and accepts the invitation (the public accept route), so they can sign in. */
async function person(email: string, role: string) {
  const inv = await rest('POST', '/api/invitations', { email, role });
  expect(inv.status).toBe(201);
  const token = String(inv.body.link).split('/').at(-1);
  const ok = await fetch(`${server.url}/api/invitations/accept`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, name: role, password: `${role} password 1` }) });
  expect(ok.status).toBeLessThan(300);
  return { email, password: `${role} password 1` };
}
/** Every element matching `sel` is disabled and says why. */
async function disabledWith(page: Page, sel: string, reason: string) {
  const l = page.locator(sel);
  await expect.poll(() => l.count(), { timeout: 10_000 }).toBeGreaterThan(0);
  for (const el of await l.all()) {
    expect(await el.isDisabled()).toBe(true);
    expect(await el.getAttribute('title')).toBe(reason);
  }
}
async function noCritical(page: Page) { expect(await axeFindings(page)).toEqual([]); }

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  for (const end = Date.now() + 20_000; !line && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) line = (await rest('GET', '/api/numbers')).body.numbers[0]?.e164 ?? '';
  expect((await rest('POST', '/api/flows', flow)).status).toBe(201);
  expect((await rest('POST', '/api/flows/roles-vm/publish')).status).toBeLessThan(300);
  expect((await rest('PUT', `/api/numbers/${encodeURIComponent(line)}`, { flowId: 'roles-vm', mode: 'texml' })).status).toBe(200);
  const call = await (await fetch(`${server.url}/sandbox/calls`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ to: line, from: '+13125550142', mode: 'texml', speech: ['please call back'] }) })).json() as { transcript: { kind: string }[] };
  expect(call.transcript.map((e) => e.kind)).toContain('recorded');
  const v = await person('vic@example.com', 'viewer'), e = await person('eddie@example.com', 'editor');
  viewer = await openBrowser(); editor = await openBrowser();
  await signIn(viewer.page, server, '#/numbers', v);
  await signIn(editor.page, server, '#/numbers', e);
}, 120_000);
afterAll(async () => { await viewer?.close(); await editor?.close(); await server?.stop(); });

describe('the console for each role', { sequential: true, timeout: 60_000 }, () => {
  it('numbers: a viewer sees the list, but assigning, voicemail and release need admin', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/numbers`);
    await expect.poll(() => page.getByText(line).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await disabledWith(page, `[aria-label="Release ${line}"]`, NEED_ADMIN('a viewer'));
    await disabledWith(page, `select[aria-label="Flow for ${line}"]`, NEED_ADMIN('a viewer'));
    await disabledWith(page, 'button:has-text("Assign")', NEED_ADMIN('a viewer'));
    await disabledWith(page, `tr:has-text("${line}") input[type=checkbox]`, NEED_ADMIN('a viewer'));
    // Searching is reading: it works, but buying needs admin.
    await page.getByLabel('Area code').fill('312');
    await page.getByRole('button', { name: 'Search' }).click();
    await disabledWith(page, 'button[aria-label^="Buy +"]', NEED_ADMIN('a viewer'));
    await noCritical(page);
  });

  it('usage: the budget and rates forms need admin', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/usage`);
    await disabledWith(page, 'button:has-text("Save budget")', NEED_ADMIN('a viewer'));
    await disabledWith(page, 'button:has-text("Save rates")', NEED_ADMIN('a viewer'));
    expect(await page.getByRole('button', { name: 'Download statement (CSV)' }).isDisabled()).toBe(false);
    await noCritical(page);
  });

  it('voicemail: a viewer plays one and it is marked read (no error); delete and mailbox settings need editor', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/voicemail`);
    const id = (await rest('GET', '/api/voicemails')).body.voicemails[0].id as string;
    await page.locator(`.vm-list li[data-id="${id}"] a`).click();
    await disabledWith(page, '[data-testid=vm-detail] button.danger', NEED_EDITOR);
    await expect.poll(() => page.getByTestId('vm-player').getAttribute('data-state'), { timeout: 15_000 }).toBe('paused');
    await page.locator('h1', { hasText: 'Voicemail' }).click();
    await page.keyboard.press(' ');
    await expect.poll(async () => (await rest('GET', `/api/voicemails/${id}`)).body.voicemail.readAt).toBeTruthy();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining(NEED_EDITOR));
    expect((await rest('GET', `/api/voicemails/${id}`)).status).toBe(200);
    await page.goto(`${server.url}/#/voicemail?mailbox=sales`);
    await disabledWith(page, 'button:has-text("Save notifications")', NEED_EDITOR);
    expect(await page.locator('.toast', { hasText: 'Could not' }).count()).toBe(0);
    await noCritical(page);
  });

  it('messages: sending needs editor', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/messages/%2B13125550142`);
    await disabledWith(page, 'button:has-text("Send SMS")', NEED_EDITOR);
    await noCritical(page);
  });

  it('team: adding, editing, removing and status need editor', async () => {
    await rest('PUT', '/api/team/ann', { name: 'Ann', to: '+13125550111', status: 'available' });
    const { page } = viewer;
    await page.goto(`${server.url}/#/team`);
    await disabledWith(page, 'button:has-text("Add member")', NEED_EDITOR);
    await disabledWith(page, '[aria-label="Edit Ann"], [aria-label="Remove Ann"]', NEED_EDITOR);
    await expect.poll(() => page.locator('input[name="status-ann"]:disabled').count()).toBe(3);
    await noCritical(page);
  });

  it('notifications: SMTP needs admin, missed-call alerts need editor', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/notifications`);
    await disabledWith(page, 'button:has-text("Save SMTP settings")', NEED_ADMIN('a viewer'));
    await disabledWith(page, 'button:has-text("Save alerts")', NEED_EDITOR);
    await noCritical(page);
  });

  it('calls: a viewer opens a call and may export it', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/calls`);
    await page.locator('tbody tr a').first().click();
    await expect.poll(() => page.getByRole('button', { name: 'Export as fixture' }).isDisabled()).toBe(false);
    await noCritical(page);
  });

  it('an editor gets editor controls but not the admin ones on Numbers and Usage', async () => {
    const { page } = editor;
    await page.goto(`${server.url}/#/numbers`);
    await disabledWith(page, `[aria-label="Release ${line}"]`, NEED_ADMIN('an editor'));
    await page.goto(`${server.url}/#/usage`);
    await disabledWith(page, 'button:has-text("Save budget")', NEED_ADMIN('an editor'));
    await page.goto(`${server.url}/#/team`);
    await expect.poll(() => page.getByRole('button', { name: 'Add member' }).isDisabled()).toBe(false);
    await page.goto(`${server.url}/#/notifications`);
    await disabledWith(page, 'button:has-text("Save SMTP settings")', NEED_ADMIN('an editor'));
    await expect.poll(() => page.getByRole('button', { name: 'Save alerts' }).first().isDisabled()).toBe(false);
  });
});
