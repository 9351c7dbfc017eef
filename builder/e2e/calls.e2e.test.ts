import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { axeFindings } from './axe.js';
import { ensureBuilt, openBrowser } from './browser.js';
import { startServer } from './server.js';
import { signIn } from './session.js';
import { pageShot } from './shot.js';
import { DESK_LINE as FLOW } from '../../test/business/desk-line.js';

// Every call here rings the desk line (its picture is in desk-line.ts): menu 1 → desk transfer, 2 → voicemail.

const DOCS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs') : tmpdir();
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let number = '';
const ids = { answered: '', voicemail: '', missed: '' };

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const place = async (body: Record<string, unknown>): Promise<{ callId: string; ended: { by: string } }> => (await fetch(`${server.url}/sandbox/calls`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: number, from: '+13125550177', ...body }),
})).json() as Promise<{ callId: string; ended: { by: string } }>;
/** Waits in a hook (expect.poll works only inside a test) until `fn` is truthy. */
async function until<T>(fn: () => Promise<T>, what: string, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const rows = async () => Promise.all((await page.locator('table[aria-label="Call history"] tbody tr').all()).map((r) => r.getAttribute('data-call')));

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer();
  await api('POST', '/api/flows', FLOW);
  await api('POST', '/api/flows/line/publish');
  const found = (await api('GET', '/api/numbers/search?areaCode=312&features=voice&limit=1')).numbers[0].phoneNumber as string;
  await api('POST', '/api/numbers', { phoneNumber: found, flowId: 'line', mode: 'texml' });
  await until(async () => (await api('GET', '/api/numbers')).numbers.find((n: any) => n.e164 === found)?.status === 'active', 'the number active');
  number = found;
  ids.answered = (await place({ digits: ['1'], callee: ['answer'] })).callId;
  ids.voicemail = (await place({ digits: ['2'], speech: ['Please call me back'] })).callId;
  ids.missed = (await place({ digits: ['1'], callee: ['no-answer'] })).callId;
  await until(async () => (await api('GET', '/api/calls?outcome=voicemail')).calls.length === 1, 'the voicemail kept');
  browser = await openBrowser();
  page = browser.page;
  await signIn(page, server, '#/calls');
}, 120_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `callflow-e2e-fail-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
});
afterAll(async () => { await browser?.close(); await server?.stop(); });

describe('#/calls: the call history', () => {
  it('lists the three calls, filters each outcome from the form, and the filter is in the hash', async () => {
    await expect.poll(rows).toHaveLength(3);
    for (const outcome of ['answered', 'voicemail', 'missed'] as const) {
      await page.locator('select[name=outcome]').selectOption(outcome);
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => page.evaluate('location.hash')).toBe(`#/calls?outcome=${outcome}`);
      await expect.poll(rows).toEqual([ids[outcome]]);
    }
    // A linked view opens filtered; an unmatched filter says so and offers the way back.
    await page.goto(`${server.url}/#/calls?outcome=no-answer`);
    await expect.poll(() => page.locator('.calls-page > .empty').textContent()).toContain('No calls match these filters');
    await page.getByRole('link', { name: 'Show all calls' }).click();
    await expect.poll(rows).toHaveLength(3);
  });

  it('the number filter is checked before it is sent, from the keyboard', async () => {
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate('document.activeElement?.name')).toBe('number');
    await page.keyboard.type('555');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('E.164');
    await page.locator('input[name=number]').fill(number);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('location.hash')).toBe(`#/calls?number=${encodeURIComponent(number)}`);
    await expect.poll(rows).toHaveLength(3);
  });

  it('has no critical accessibility violations', async () => {
    await page.goto(`${server.url}/#/calls`);
    await expect.poll(rows).toHaveLength(3);
    expect(await axeFindings(page)).toEqual([]);
    await pageShot(page, join(DOCS, 'console-calls.png'), 800);
  });
});

describe('#/calls/<id>: the timeline', () => {
  it('shows the path and the TeXML answered, with no critical accessibility violations', async () => {
    await page.locator(`tr[data-call="${ids.answered}"] a`).click();
    await expect.poll(() => page.getByTestId('call-path').locator('li').allTextContents()).toEqual(['menu', 'desk', 'bye']);
    const answer = page.locator('[data-kind=answer]').first();
    await answer.locator('summary').click();
    await expect.poll(() => answer.locator('pre').textContent()).toContain('<Gather');
    expect(await page.locator('[data-kind=port]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('desk → connected')]));
    expect(await page.getByTestId('call-cost').textContent()).toMatch(/^\$0\.\d{4}$/);
    expect(await axeFindings(page)).toEqual([]);
    await pageShot(page, join(DOCS, 'console-call.png'), 1600);
  });

  it('a call that is not there (or another company\'s) says so, with Retry', async () => {
    await page.goto(`${server.url}/#/calls/v3%3Anope`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Could not load this call');
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    // The browser logs the 404 itself; nothing else went wrong.
    expect(browser.errors.splice(0).filter((e) => !/status of 404/.test(e))).toEqual([]);
    await page.goBack();
    await expect.poll(() => page.getByTestId('call-path').count()).toBe(1);
  });

  it('exports the call as its fixture', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as fixture' }).click()]);
    const file = await download.path();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(await api('GET', `/api/calls/${encodeURIComponent(ids.answered)}/fixture`));
  });

  it('replays the recorded call in the simulator and reaches the same end', async () => {
    await page.getByRole('link', { name: 'Replay in the simulator' }).click();
    await expect.poll(() => page.evaluate('location.hash')).toBe(`#/flows/line?replay=${encodeURIComponent(ids.answered)}`);
    await expect.poll(() => page.getByTestId('replay-result').textContent(), { timeout: 10_000 }).toContain('same end as the recorded call (end:hangup@bye)');
    await expect.poll(() => page.getByTestId('sim-status').textContent()).toBe('call ended');
    expect(await page.getByTestId('transcript').textContent()).toContain('Caller pressed 1');
    // The missed call replays to the same end by its own path (nobody answered the desk).
    await page.goto(`${server.url}/#/flows/line?replay=${encodeURIComponent(ids.missed)}`);
    await page.reload();
    await expect.poll(() => page.getByTestId('replay-result').textContent(), { timeout: 10_000 }).toContain('same end');
    expect(await page.getByTestId('transcript').textContent()).toContain('Dial ended: no-answer');
  });
});

describe('the path links to the editor', () => {
  it('a node of the path opens the flow with that node selected', async () => {
    await page.goto(`${server.url}/#/calls/${encodeURIComponent(ids.answered)}`);
    await page.getByTestId('call-path').getByRole('link', { name: 'desk' }).click();
    await expect.poll(() => page.evaluate('location.hash')).toBe('#/flows/line?node=desk');
    await expect.poll(() => page.locator('.react-flow__node[data-id="desk"].selected').count()).toBe(1);
  });
});

describe('live calls, without reloading the page', () => {
  it('a call appears under Live now while it runs, its timeline grows, and it ends', async () => {
    await page.goto(`${server.url}/#/calls`);
    await expect.poll(rows).toHaveLength(3);
    await page.evaluate('window.__sameDocument = true');
    // Polling sends the last ETag: an unchanged list of live calls comes back as a bodyless 304.
    const statuses: number[] = [];
    page.on('response', (r) => { if (r.url().endsWith('/api/calls/live')) statuses.push(r.status()); });
    await expect.poll(() => statuses.includes(304), { timeout: 10_000 }).toBe(true);
    const placing = place({ digits: ['2'], speech: ['Slow message'], thinkMs: 2500 });
    const live = page.locator('[data-live-call]');
    await expect.poll(() => live.count(), { timeout: 10_000 }).toBe(1);
    await live.locator('a').click();
    await expect.poll(() => page.getByTestId('call-live').textContent()).toContain('live');
    const before = await page.locator('.timeline li').count();
    await placing;
    await expect.poll(() => page.locator('.badge.outcome-voicemail').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.timeline li').count()).toBeGreaterThan(before);
    await page.getByRole('link', { name: '← Calls' }).click();
    await expect.poll(rows).toHaveLength(4);
    await expect.poll(() => page.getByTestId('live-count').textContent()).toBe('0');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('a live call can be hung up from its timeline, after a confirmation', async () => {
    await api('PATCH', `/api/numbers/${encodeURIComponent(number)}`, { mode: 'call-control' });
    const placing = place({ digits: ['1'], thinkMs: 8_000, mode: 'call-control' });
    const live = page.locator('[data-live-call]');
    await expect.poll(() => live.count(), { timeout: 10_000 }).toBe(1);
    await live.locator('a').click();
    await expect.poll(() => page.getByTestId('call-live').count()).toBe(1);
    await page.getByRole('button', { name: 'Hang up…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => page.getByTestId('call-live').count(), { timeout: 20_000 }).toBe(0);
    expect((await placing).ended.by).toBe('app');
    expect(await page.locator('.call-facts').textContent()).toContain('by');
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
