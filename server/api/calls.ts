import { Router } from 'express';
import { notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { fixtureFor } from './fixture.js';

/** `/api/calls`: one call (the list is calls-history.ts) with its webhooks, and a call exported as a fixture. */
export function callsRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/calls/:id', async (req, res) => {
    const detail = await ctx.store.callDetail(companyOf(res).id, req.params.id);
    if (!detail) throw notFound(`Call ${req.params.id}`);
    const { pathSteps: _steps, ...call } = detail; // with its outcome, as the history has it
    const session = await ctx.store.getSession(call.callId);
    const webhooks = await ctx.store.webhooksForCall(call.callId);
    res.json({ call: { ...call, status: session?.status ?? null, node: session?.snapshot?.value ?? null }, webhooks });
  });
  r.get('/api/calls/:id/fixture', async (req, res) => {
    const call = await ctx.store.getCall(companyOf(res).id, req.params.id);
    if (!call) throw notFound(`Call ${req.params.id}`);
    res.json(await fixtureFor(ctx, call));
  });
  return r;
}
