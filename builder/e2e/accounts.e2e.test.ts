/**
 * Accounts end to end in Debian's Chromium against the real server and sandbox: the owner signs in (the
 * first-start set-password link, then email and password), invites a viewer, the viewer accepts in another
 * browser and signs in; their Publish button is disabled with the reason and a forced publish is refused by
 * the API (403); the owner's publish is on the audit page. axe on sign-in, settings and audit; screenshots.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';
import { pageShot } from './shot.js';

// The README's screenshots are refreshed only when asked (UPDATE_SCREENSHOTS=1); a plain run writes them to the temp folder.
const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
/** Serious axe findings on the page's own elements (the shell's nav links are the shell's to fix). */
async function seriousOwn(page: Awaited<ReturnType<typeof openBrowser>>['page']) {
  return (await axeFindings(page, ['serious'])).map((f) => ({ ...f, targets: f.targets.filter((t) => !/^a\[href\$="#\/\w+"\]$/.test(t)) })).filter((f) => f.targets.length);
}

const VIEWER = { email: 'vera@example.com', password: 'vera password 1' };


let server: Awaited<ReturnType<typeof startServer>>;
let owner: Awaited<ReturnType<typeof openBrowser>>;
let viewer: Awaited<ReturnType<typeof openBrowser>>;
let inviteLink = '';

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  owner = await openBrowser();
  viewer = await openBrowser();
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    await owner?.page.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-owner-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    await viewer?.page.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-viewer-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
  }
});
afterAll(async () => { await owner?.close(); await viewer?.close(); await server?.stop(); });

describe('accounts in the console', { sequential: true, timeout: 60_000 }, () => {
  it('the sign-in page: email and password, forgot password, an API key instead; no critical axe findings', async () => {
    const { page } = owner;
    await page.goto(server.url);
    await page.locator('input[name=email]').waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Forgot password?' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Use an API key instead' }).count()).toBe(1);
    await page.locator('input[name=email]').fill('owner@localhost');
    await page.locator('input[name=password]').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');
    expect(await axeFindings(page)).toEqual([]);
    expect(await seriousOwn(page)).toEqual([]);
    await page.locator('input[name=password]').fill('');
    await page.screenshot({ path: join(DOCS, 'console-sign-in.png') });
  });

  it('the owner signs in and invites a viewer; the link is shown once', async () => {
    const { page } = owner;
    await signIn(page, server, '#/settings');
    await expect.poll(() => page.getByTestId('who').textContent()).toBe('owner@localhost (owner)');
    await page.getByRole('heading', { name: 'People and roles' }).waitFor();
    await page.locator('input[name=invite-email]').fill(VIEWER.email);
    await page.locator('select[name=invite-role]').selectOption('viewer');
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => page.getByTestId('invite-link').inputValue()).toMatch(/#\/accept\/[A-Za-z0-9_-]{43}$/);
    inviteLink = await page.getByTestId('invite-link').inputValue();
    await expect.poll(() => page.locator('section', { hasText: 'Pending invitations' }).locator('td', { hasText: VIEWER.email }).count()).toBe(1);
  });

  it('the viewer accepts the invitation and signs in', async () => {
    const { page } = viewer;
    await page.goto(inviteLink);
    await expect.poll(() => page.locator('form').textContent()).toContain('as viewer');
    await page.locator('input[name=name]').fill('Vera');
    await page.locator('input[name=new-password]').fill(VIEWER.password);
    await page.locator('input[name=repeat-password]').fill(VIEWER.password);
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    // Out, and in again with email and password.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, server, '#/flows', VIEWER);
    await expect.poll(() => page.getByTestId('who').textContent()).toBe(`${VIEWER.email} (viewer)`);
  });

  it('the viewer\'s Publish button is disabled with the reason, and the API refuses a forced publish', async () => {
    const { page } = viewer;
    await page.goto(`${server.url}/#/flows/main-line`);
    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    await publish.waitFor();
    await expect.poll(() => publish.isDisabled()).toBe(true);
    expect(await publish.getAttribute('title')).toBe('Needs the editor role or above (you are a viewer)');
    const forced = await page.evaluate(async () => {
      const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
      const res = await fetch('/api/flows/main-line/publish', { method: 'POST', headers: { 'X-CSRF-Token': me.csrfToken } });
      return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> } };
    });
    expect(forced.status).toBe(403);
    expect(forced.body.error).toMatchObject({ code: 'forbidden', need: 'editor', role: 'viewer' });
    // The flows list: creating needs editor, deleting admin; each says so.
    await page.goto(`${server.url}/#/flows`);
    const del = page.locator('tr[data-flow="main-line"]').getByRole('button', { name: 'Delete' });
    await del.waitFor();
    expect(await del.isDisabled()).toBe(true);
    expect(await del.getAttribute('title')).toBe('Needs the admin role or above (you are a viewer)');
    expect(await page.getByRole('button', { name: 'Import JSON…' }).isDisabled()).toBe(true);
    // The audit page says it is not theirs, and why.
    await page.goto(`${server.url}/#/audit`);
    await expect.poll(() => page.getByRole('note').textContent()).toContain('for admins and owners');
  });

  it('the owner publishes; the audit page shows it, newest first, and filters by action', async () => {
    const { page } = owner;
    await page.goto(`${server.url}/#/flows/main-line`);
    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    await publish.waitFor();
    await expect.poll(() => publish.isDisabled()).toBe(false);
    await publish.click();
    await expect.poll(() => page.locator('.toast').allTextContents()).toContainEqual(expect.stringMatching(/Published version \d+/));
    await page.goto(`${server.url}/#/audit`);
    const row = page.locator('tr[data-action="flow.publish"]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('owner@localhost');
    expect(await row.textContent()).toContain('main-line');
    await expect.poll(() => page.locator('tbody tr').first().getAttribute('data-action')).toBe('flow.publish');
    await page.locator('select[name=audit-action]').selectOption('person.invite');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => page.locator('tbody tr').first().textContent()).toContain(VIEWER.email);
    await page.locator('select[name=audit-action]').selectOption('');
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await axeFindings(page)).toEqual([]);
    expect(await seriousOwn(page)).toEqual([]);
    await pageShot(page, join(DOCS, 'console-audit.png'), 800);
  });

  it('settings: the people with their roles, API keys created once and revoked after a confirmation; axe clean', async () => {
    const { page } = owner;
    await page.goto(`${server.url}/#/settings`);
    await expect.poll(() => page.locator(`tr[data-person="${VIEWER.email}"]`).count()).toBe(1);
    expect(await page.getByLabel(`Role of ${VIEWER.email}`).inputValue()).toBe('viewer');
    await page.locator('input[name=key-name]').fill('nightly export');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByTestId('new-key').inputValue()).toMatch(/^cf_/);
    const key = await page.getByTestId('new-key').inputValue();
    const ok = await fetch(`${server.url}/api/flows`, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expect(await axeFindings(page)).toEqual([]);
    expect(await seriousOwn(page)).toEqual([]);
    // The only owner cannot be removed or demoted: the controls say so (and the API refuses anyway).
    expect(await page.locator('tr[data-person="owner@localhost"]').getByRole('button', { name: 'Remove' }).getAttribute('title')).toBe('The only owner: make someone else an owner first');
    await pageShot(page, join(DOCS, 'console-settings.png'), 1150);
    await page.locator(`tr[data-key="${key.slice(0, 9)}"]`).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator(`tr[data-key="${key.slice(0, 9)}"]`).count()).toBe(0);
    expect((await fetch(`${server.url}/api/flows`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    // A role changes with its button (arrowing through the select changes nothing on its own); the viewer can publish then.
    await page.getByLabel(`Role of ${VIEWER.email}`).selectOption('editor');
    await page.locator(`tr[data-person="${VIEWER.email}"]`).getByRole('button', { name: 'Change role' }).click();
    await expect.poll(() => page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining(`${VIEWER.email} is now editor`));
    await viewer.page.goto(`${server.url}/#/flows/main-line`);
    await viewer.page.reload();
    const publish = viewer.page.getByRole('button', { name: 'Publish', exact: true });
    await publish.waitFor();
    await expect.poll(() => publish.isDisabled()).toBe(false);
    expect(owner.errors.filter((e) => !/401|403/.test(e))).toEqual([]);
  });
});
