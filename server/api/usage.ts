import { Router } from 'express';
import { z } from 'zod';
import { expandSubflows } from '../../engine/subflow-expand.js';
import { withSubflows } from './subflows.js';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import { parseFlow } from '../../engine/schema.js';
import { companyOf } from './auth.js';
import { incrementOf, monthOf, ratesOf } from '../billing/ledger.js';
import { chargeMonthlyFees } from '../billing/fees.js';
import { DEFAULT_RATES, RATE_KINDS, dollars } from '../billing/rates.js';
import { buildStatement, statementCsv } from '../billing/statement.js';
import { ASSUMPTIONS, estimatePaths } from '../billing/estimate.js';
import { audit } from './audit.js';

const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Use YYYY-MM').optional(), format: z.enum(['json', 'csv']).default('json') });
const budgetBody = z.object({
  budgetMicros: z.number().int().min(0).nullable().optional(),
  billingIncrementSeconds: z.number().int().min(1).max(60).optional(),
}).strict();
const ratesBody = z.object({ rates: z.partialRecord(z.enum(RATE_KINDS as [string, ...string[]]), z.number().int().min(0).nullable()) }).strict();

/** `/api/usage`: the ledger, budget, rate table, monthly statement (JSON or CSV) and per-path cost estimates. */
export function usageRouter(ctx: Ctx): Router {
  const r = Router();
  const statement = async (companyId: string, name: string, month: string) => {
    await chargeMonthlyFees(ctx, companyId, month);
    const budget = (await ctx.store.settings(companyId)).budgetMicros ?? null;
    return buildStatement({ id: companyId, name }, month, await ctx.store.listUsage(companyId, month), budget);
  };
  r.get('/api/usage', async (req, res) => {
    const c = companyOf(res);
    const month = monthQuery.parse(req.query).month ?? monthOf(ctx.now().toISOString());
    const st = await statement(c.id, c.name, month);
    res.json({ month, totalMicros: st.totalMicros, total: dollars(st.totalMicros), budgetMicros: st.budgetMicros,
      remainingMicros: st.budgetMicros === null ? null : st.budgetMicros - st.totalMicros, lines: st.lines, entries: st.entries });
  });
  r.get('/api/usage/statement', async (req, res) => {
    const c = companyOf(res);
    const q = monthQuery.parse(req.query);
    const st = await statement(c.id, c.name, q.month ?? monthOf(ctx.now().toISOString()));
    if (q.format === 'csv') {
      res.type('text/csv').attachment(`statement-${st.month}.csv`).send(statementCsv(st));
      return;
    }
    res.json({ statement: { ...st, total: dollars(st.totalMicros) } });
  });
  r.get('/api/usage/budget', async (_req, res) => {
    const s = await ctx.store.settings(companyOf(res).id);
    res.json({ budgetMicros: s.budgetMicros ?? null, billingIncrementSeconds: await incrementOf(ctx, companyOf(res).id) });
  });
  r.put('/api/usage/budget', async (req, res) => {
    const id = companyOf(res).id;
    const b = budgetBody.parse(req.body);
    const s = { ...(await ctx.store.settings(id)), ...b };
    await ctx.store.saveSettings(id, s);
    await audit(ctx, res, 'usage.budget', null, b);
    res.json({ budgetMicros: s.budgetMicros ?? null, billingIncrementSeconds: await incrementOf(ctx, id) });
  });
  r.get('/api/usage/rates', async (_req, res) => {
    const id = companyOf(res).id;
    res.json({ rates: await ratesOf(ctx, id), defaults: DEFAULT_RATES, overrides: await ctx.store.rateOverrides(id) });
  });
  r.put('/api/usage/rates', async (req, res) => {
    const id = companyOf(res).id;
    const rates = ratesBody.parse(req.body).rates as Record<string, number | null>;
    await ctx.store.putRateOverrides(id, rates);
    await audit(ctx, res, 'usage.rates', null, { rates });
    res.json({ rates: await ratesOf(ctx, id), overrides: await ctx.store.rateOverrides(id) });
  });
  r.get('/api/usage/estimate/:flowId', async (req, res) => {
    const id = companyOf(res).id;
    const row = await ctx.store.getFlow(id, req.params.flowId);
    if (!row) throw new AppError('not_found', `Flow ${req.params.flowId} not found`, ['flowId']);
    let flow;
    // A subflow step is estimated through its flow as published now (what a publish would embed).
    try { flow = expandSubflows(parseFlow(await withSubflows(ctx.store, id, row.doc))); } catch { throw new AppError('bad_request', `Flow ${row.id} does not parse; fix it before estimating`, ['flowId']); }
    // ?direction=outbound: the flow as an outbound call runs it (POST /api/calls with flowId): outbound minutes + AMD.
    const { direction } = z.object({ direction: z.enum(['inbound', 'outbound']).default('inbound') }).parse({ direction: req.query.direction });
    const paths = estimatePaths(flow, await ratesOf(ctx, id), await incrementOf(ctx, id), direction);
    res.json({ flowId: row.id, direction, assumptions: ASSUMPTIONS, paths });
  });
  return r;
}
