import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureBuilt, openBrowser } from './browser.js';
import { signIn } from './session.js';
import { startServer } from './server.js';

/*
 * Built by hand in Chromium, from an empty canvas:
 *
 *   businessHours --open--> menu --1--> say ("Connecting you to sales") --next--> hangup
 *                 --closed--> say-2 ("We are closed") --next--> hangup
 */
// The README's screenshots are refreshed only when asked (UPDATE_SCREENSHOTS=1); a plain test run writes them to
// the temp folder, so running the suite leaves the working tree clean.
const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

async function drop(type: string, x: number, y: number) {
  const pane = page.locator('.react-flow__pane');
  await page.getByTestId(`palette-${type}`).dragTo(pane, { targetPosition: { x, y } });
}

/** Drags from a node's port handle to another node's input handle with real mouse moves. */
async function connect(source: string, port: string, target: string) {
  const from = (await page.getByTestId(`handle-${source}-${port}`).boundingBox())!;
  const to = (await node(target).locator('.react-flow__handle.target').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => page.locator(`.react-flow__edge[data-id="${source}-${port}"]`).count()).toBe(1);
}

async function select(id: string) {
  await page.getByTestId('tab-inspect').click();
  await node(id).locator('.cf-node-head').click();
  await expect.poll(() => page.locator('[data-testid=inspector] input[name=node-id]').inputValue()).toBe(id);
}

async function simulateAt(date: string, time: string) {
  await page.getByTestId('tab-simulate').click();
  await page.locator('input[name=sim-date]').fill(date);
  await page.locator('input[name=sim-time]').fill(time);
  await page.locator('select[name=sim-zone]').selectOption('America/Chicago');
  await page.getByTestId('sim-start').click();
}

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
}, 120_000);

// A failing step leaves a picture of the page behind, to see what went wrong.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the visual builder, end to end against the real server', { sequential: true, timeout: 60_000 }, () => {
  it('signs in once and stays signed in', async () => {
    await signIn(page, server);
    await expect.poll(() => page.locator('h1', { hasText: 'Flows' }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.locator('h1', { hasText: 'Flows' }).count()).toBe(1); // remembered
  });

  it('creates a flow and builds it by drag and drop', async () => {
    await page.getByLabel('New flow name').fill('E2E line');
    await page.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForSelector('.canvas-empty');
    await page.locator('select[name=flow-timezone]').selectOption('America/Chicago');
    await drop('businessHours', 250, 20);
    await drop('menu', 30, 200);
    await drop('say', 30, 380);
    await drop('say', 450, 200);
    await drop('hangup', 250, 560);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await expect.poll(() => node('businessHours').getAttribute('class')).toContain('is-start');
  });

  it('configures the menu and the business hours in the inspector', async () => {
    await select('menu');
    await page.locator('textarea[name="prompt.text"]').fill('For sales press 1.');
    await page.getByRole('button', { name: 'Remove key 2' }).click();
    await expect.poll(() => page.locator('[data-testid=menu-keys] select').count()).toBe(1);
    await expect.poll(() => page.getByTestId('handle-menu-2').count()).toBe(0); // the port went with the key

    await select('say');
    await page.locator('textarea[name=text]').fill('Connecting you to sales');
    await select('say-2');
    await page.locator('textarea[name=text]').fill('We are closed');

    await select('businessHours');
    await page.getByRole('button', { name: '+ Add holiday' }).click();
    await page.getByLabel('Holiday date').fill('2026-12-25');
    await page.getByLabel('Holiday name').fill('Christmas');
    const preview = page.locator('input[name=hours-preview-at]');
    await preview.fill('2026-11-23T10:00');
    await expect.poll(() => page.getByTestId('hours-preview-port').textContent()).toBe('open');
    await preview.fill('2026-12-25T10:00');
    await expect.poll(() => page.getByTestId('hours-preview-port').textContent()).toBe('holiday');
    await preview.fill('2026-11-22T10:00');
    await expect.poll(() => page.getByTestId('hours-preview-port').textContent()).toBe('closed');
  });

  it('connects the edges, sees a lint problem and fixes it', async () => {
    await connect('businessHours', 'open', 'menu');
    await connect('businessHours', 'closed', 'say-2');
    await connect('menu', '1', 'say');
    await connect('say', 'next', 'hangup');
    await connect('say-2', 'next', 'hangup');

    // Empty the closed message: an error on the node and in the list, and Publish is blocked.
    await select('say-2');
    await page.locator('textarea[name=text]').fill('');
    await expect.poll(() => node('say-2').getAttribute('class')).toContain('has-error');
    await page.getByTestId('tab-problems').click();
    const problem = page.getByTestId('problems').locator('li.error', { hasText: 'say-2' });
    await expect.poll(() => problem.count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);
    await problem.first().locator('button').click(); // focuses the node
    await page.getByTestId('tab-inspect').click();
    await expect.poll(() => page.locator('[data-testid=inspector] input[name=node-id]').inputValue()).toBe('say-2');
    await page.locator('textarea[name=text]').fill('We are closed');
    await expect.poll(() => node('say-2').getAttribute('class')).not.toContain('has-error');
    await expect.poll(() => page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(false);
  });

  it('deletes, undoes, copies and pastes with the keyboard', async () => {
    await page.getByRole('button', { name: 'Fit', exact: true }).click(); // the problem list moved the view
    await page.waitForTimeout(300);
    await select('hangup');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3); // its two edges went with it
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);
    await select('say');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    await expect.poll(() => page.locator('.react-flow__node.selected').getAttribute('data-id')).toBe('say-3');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
  });

  it('saves, reloads and finds the flow intact', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.react-flow__pane').click({ position: { x: 650, y: 450 } }); // an empty spot: deselects
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toMatch(/Saved · rev/);
    await page.reload();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);
    await select('menu');
    await expect.poll(() => page.locator('textarea[name="prompt.text"]').inputValue()).toBe('For sales press 1.');
    await select('businessHours');
    await expect.poll(() => page.getByLabel('Holiday date').inputValue()).toBe('2026-12-25');
    await page.locator('input[name=hours-preview-at]').fill('2026-12-25T10:00');
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(DOCS, 'builder-editor.png') });
  });

  it('explains a conflicting save and reloads the other version', async () => {
    // Someone else saves the flow (through the API) while it is open here.
    const auth = { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' };
    const cur = (await (await fetch(`${server.url}/api/flows/e2e-line`, { headers: auth })).json()) as { flow: Record<string, unknown>; revision: number };
    const theirs = { ...cur.flow, name: 'E2E line (theirs)' };
    expect((await fetch(`${server.url}/api/flows/e2e-line`, { method: 'PUT', headers: auth, body: JSON.stringify({ revision: cur.revision, flow: theirs }) })).status).toBe(200);
    await page.locator('.react-flow__pane').click({ position: { x: 650, y: 450 } });
    await page.locator('input[name=flow-name]').fill('E2E line (mine)');
    await page.keyboard.press('Control+s');
    const banner = page.locator('.banner.error');
    await expect.poll(() => banner.textContent()).toContain('Someone else saved this flow');
    await banner.getByRole('button', { name: 'Discard mine and reload' }).click();
    await expect.poll(() => page.getByTestId('flow-name').textContent()).toBe('E2E line (theirs)');
    await page.locator('input[name=flow-name]').fill('E2E line');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toMatch(/Saved · rev/);
  });

  it('simulates two different paths, at two dates, in the browser', async () => {
    await simulateAt('2026-11-23', '10:00'); // a Monday morning: open
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toContain('waiting in menu');
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('For sales press 1.');
    await page.getByTestId('key-1').click();
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('call ended');
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('Connecting you to sales');
    for (const id of ['businessHours', 'menu', 'say', 'hangup']) await expect.poll(() => node(id).getAttribute('class')).toContain('sim-path');
    await expect.poll(() => node('say-2').getAttribute('class')).not.toContain('sim-path');
    await page.getByTestId('transcript').locator('summary').first().click(); // show the TeXML of the first step
    await page.screenshot({ path: join(DOCS, 'builder-simulator.png') });

    await simulateAt('2026-11-22', '10:00'); // a Sunday: closed
    // The status already read "call ended" from the first run, so wait for what only the second run shows; the
    // canvas marks the path in a later render than the transcript, so its classes are polled too.
    await expect.poll(() => page.getByTestId('transcript').textContent()).toContain('We are closed');
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('call ended');
    await expect.poll(() => node('say-2').getAttribute('class')).toContain('sim-path');
    await expect.poll(() => node('menu').getAttribute('class')).not.toContain('sim-path');
  });

  it('publishes, publishes a change, compares versions and rolls back', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.locator('.badge', { hasText: 'Live: v1' }).count()).toBe(1);

    await select('say');
    await page.locator('textarea[name=text]').fill('Sales is busy today');
    await page.getByRole('button', { name: 'Publish', exact: true }).click(); // saves first, then publishes
    await expect.poll(() => page.locator('.badge', { hasText: 'Live: v2' }).count()).toBe(1);

    await page.getByTestId('tab-versions').click();
    await page.getByLabel('Older version').selectOption('1');
    await page.getByLabel('Newer version').selectOption('2');
    await page.getByRole('button', { name: 'Compare' }).click();
    const diff = page.getByTestId('diff-view');
    await expect.poll(() => diff.locator('.react-flow__node.diff-changed').count()).toBe(1);
    await expect.poll(() => diff.locator('.react-flow__node.diff-changed').getAttribute('data-id')).toBe('say');
    await diff.getByRole('button', { name: 'Close' }).click();

    await page.locator('tr[data-version="1"]').getByRole('button', { name: 'Roll back' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await expect.poll(() => page.locator('.badge', { hasText: 'Live: v3' }).count()).toBe(1);
    await expect.poll(() => node('say').textContent()).toContain('Connecting you to sales');

    // A sandbox test call runs the published flow; which path depends on the real clock.
    await page.getByTestId('tab-test').click();
    await expect.poll(() => page.locator('input[name=tc-to]').inputValue()).toMatch(/^\+1/); // the server's first number
    await page.locator('select[name=tc-mode]').selectOption('texml');
    await page.locator('input[name=tc-digits]').fill('1');
    await page.getByRole('button', { name: 'Place test call' }).click();
    const transcript = page.getByTestId('testcall-transcript');
    const panel = page.getByTestId('testcall');
    await expect.poll(() => panel.innerText(), { timeout: 20_000 }).toMatch(/ended by|failed|Cannot|not found/i);
    await expect.poll(() => panel.innerText()).toMatch(/ended by/);
    await expect.poll(() => transcript.textContent()).toMatch(/For sales press 1\.|We are closed/);
    expect(browser.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});

describe('the flows list', { sequential: true, timeout: 60_000 }, () => {
  it('exports, duplicates, deletes (after confirming) and imports a flow', async () => {
    // Leaving with unsaved changes asks first.
    await page.getByTestId('tab-inspect').click();
    await page.locator('.react-flow__pane').click({ position: { x: 650, y: 450 } });
    await page.locator('input[name=flow-name]').fill('E2E line, edited');
    await page.getByRole('link', { name: '← Flows' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('flow-name').textContent()).toBe('E2E line, edited');
    await page.getByRole('link', { name: '← Flows' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Leave without saving' }).click();
    await page.goto(`${server.url}/#/`);
    const row = page.locator('tr[data-flow="e2e-line"]');
    await expect.poll(() => row.count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Export' }).click()]);
    const file = join(tmpdir(), `callflow-export-${Date.now()}.json`);
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'callflow/1', id: 'e2e-line' });
    expect(exported.nodes).toHaveLength(5);

    await row.getByRole('button', { name: 'Duplicate' }).click();
    const copy = page.locator('tr[data-flow="e2e-line-copy"]');
    await expect.poll(() => copy.count()).toBe(1);
    await copy.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => copy.count()).toBe(1); // cancelling keeps it
    await copy.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete flow' }).click();
    await expect.poll(() => copy.count()).toBe(0);

    writeFileSync(file, JSON.stringify({ ...exported, id: 'imported-line', name: 'Imported line' }));
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.locator('tr[data-flow="imported-line"]').count()).toBe(1);
    await page.locator('tr[data-flow="imported-line"] a').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    rmSync(file, { force: true });
  });
});

describe('the page under its Content-Security-Policy', { sequential: true, timeout: 60_000 }, () => {
  it('is served with the policy, and ?open= with another site\'s URL is ignored with a visible message', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const asked: string[] = [];
    const seen = (r: { url(): string }) => { if (/^https?:/.test(r.url()) && !r.url().startsWith(server.url)) asked.push(r.url()); };
    page.on('request', seen);
    await page.goto(`${server.url}/?open=${encodeURIComponent('https://evil.example/flow.json')}`);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Not opened' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('https://evil.example/flow.json');
    await expect.poll(() => page.locator('h1', { hasText: 'Flows' }).count()).toBe(1); // the builder opened as usual
    page.off('request', seen);
    expect(asked).toEqual([]);
    // Every page of this run worked under the policy: no console error, no refused script or style.
    expect(browser.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
