import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber, call } from './harness.js';

/*
 *   menu ─1→ sales(say) ─next→ bye(hangup)
 *        ├2→ bye
 *        └timeout→ bye
 */
const flow = {
  format: 'callflow/1', id: 'traffic-line', name: 'Traffic', timezone: 'America/Chicago', start: 'menu',
  nodes: [
    { id: 'menu', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press 1 for sales, 2 to leave.' }, options: { '1': 'Sales', '2': 'Leave' }, maxRetries: 0 } },
    { id: 'sales', type: 'say', position: { x: 0, y: 100 }, data: { text: 'Sales it is.' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'm1', source: 'menu', sourceHandle: '1', target: 'sales' },
    { id: 'm2', source: 'menu', sourceHandle: '2', target: 'bye' },
    { id: 'mt', source: 'menu', sourceHandle: 'timeout', target: 'bye' },
    { id: 's', source: 'sales', sourceHandle: 'next', target: 'bye' },
  ],
};

let s: Stack;
let line: string;
beforeAll(async () => {
  s = await businessStack();
  await s.api('POST', '/api/flows', flow);
  await s.api('POST', '/api/flows/traffic-line/publish');
  line = await buyNumber(s, '212', { flowId: 'traffic-line' });
});
afterAll(async () => { await s.close(); });

const placeCall = async (body: Record<string, unknown>) => {
  const r = await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line, from: '+13125550147', ...body }) });
  expect(r.status).toBe(200);
  return r.json() as Promise<any>;
};
const traffic = async (q = '') => call(s, 'GET', `/api/flows/traffic-line/traffic${q}`);

describe('GET /api/flows/:id/traffic', () => {
  it('is empty for a flow no call went through', async () => {
    const t = await traffic();
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ flowId: 'traffic-line', calls: 0, nodes: {} });
  });

  it.each(['texml', 'call-control'] as const)('counts real sandbox calls per node and port (%s)', async (mode) => {
    await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode });
    const before = (await traffic()).body;
    await placeCall({ digits: ['1'] });
    await placeCall({ digits: ['1'] });
    await placeCall({ digits: ['2'] });
    const t = (await traffic()).body;
    const menu = t.nodes.menu, sales = t.nodes.sales, bye = t.nodes.bye;
    const was = (id: string) => before.nodes[id] ?? { calls: 0, ports: {}, ended: 0 };
    expect(t.calls - before.calls).toBe(3);
    expect(menu.calls - was('menu').calls).toBe(3);
    expect((menu.ports['1'] ?? 0) - (was('menu').ports['1'] ?? 0)).toBe(2);
    expect((menu.ports['2'] ?? 0) - (was('menu').ports['2'] ?? 0)).toBe(1);
    expect(sales.calls - was('sales').calls).toBe(2);
    expect(bye.ended - was('bye').ended).toBe(3);
    expect(t.versions).toEqual({ '1': t.calls });
  });

  it.each(['texml', 'call-control'] as const)('counts where a caller hung up as drop-off (%s)', async (mode) => {
    await s.api('PATCH', `/api/numbers/${encodeURIComponent(line)}`, { mode });
    const before = (await traffic()).body.nodes.menu;
    const c = await placeCall({ digits: [], hangupAfterSeconds: 1 });
    expect(c.ended).toBeTruthy();
    const menu = (await traffic()).body.nodes.menu;
    expect(menu.hungUp - before.hungUp).toBe(1);
    expect(menu.ended - before.ended).toBe(1);
  });

  it('filters by version and period', async () => {
    const all = (await traffic()).body;
    expect((await traffic('?version=2')).body.calls).toBe(0);
    expect((await traffic('?version=1')).body.calls).toBe(all.calls);
    expect((await traffic('?from=2020-01-01&to=2020-02-01')).body.calls).toBe(0);
    const wide = (await traffic(`?from=2020-01-01&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body;
    expect(wide.calls).toBe(all.calls);
  });

  it('answers 400 with the field path for bad dates and versions', async () => {
    for (const [q, path] of [['?from=yesterday', ['from']], ['?to=2026-13-45', ['to']], ['?from=2026-02-01&to=2026-01-01', ['to']], ['?version=0', ['version']]] as const) {
      const r = await traffic(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.path, q).toEqual(path);
    }
  });

  it('is a 404 for another company and for a missing flow', async () => {
    const other = (await s.app.locals.ctx.store.createCompany('Other')).apiKey;
    expect((await call(s, 'GET', '/api/flows/traffic-line/traffic', undefined, other)).status).toBe(404);
    expect((await call(s, 'GET', '/api/flows/nope/traffic')).status).toBe(404);
  });
});
