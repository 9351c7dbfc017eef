import { Router } from 'express';
import { z } from 'zod';
import { flowJsonSchema, parseFlow } from '../../engine/schema.js';
import { lintFlow, publishable } from '../../engine/lint.js';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { simulateRoute } from './simulate.js';
import { audit } from './audit.js';
import { flowFacts, withSubflows } from './subflows.js';
import { scheduleIds } from './schedules.js';

const updateBody = z.object({ revision: z.number().int().min(1), flow: z.unknown() }).strict();
const rollbackBody = z.object({ version: z.number().int().min(1) }).strict();

/** Parses a flow; zod problems become a 400 whose path starts with `prefix` (e.g. `['flow']` in PUT bodies). */
function parseAt(input: unknown, prefix: (string | number)[] = []) {
  try {
    return parseFlow(input);
  } catch (err) {
    if (!(err instanceof z.ZodError)) throw err;
    const issues = err.issues.map((x) => ({ path: [...prefix, ...(x.path as (string | number)[])], message: x.message }));
    const first = issues[0]!;
    throw new AppError('bad_request', `${first.path.join('.') || '(body)'}: ${first.message}`, first.path, { issues });
  }
}

/** The flow must exist in the key's company (404 for missing and foreign alike). */
async function mustFlow(ctx: Ctx, companyId: string, id: string) {
  const f = await ctx.store.getFlow(companyId, id);
  if (!f) throw notFound(`Flow ${id}`);
  return f;
}

/** The company's active numbers: what lint holds a flow's literal SMS from / caller ID to (engine/lint-numbers.ts). */
async function companyNumbers(ctx: Ctx, companyId: string): Promise<string[]> {
  return (await ctx.store.listBizNumbers(companyId)).filter((n) => n.status === 'active').map((n) => n.e164);
}

/** JSON Schema of callflow/1; public, no key needed. */
export function schemaRouter(): Router {
  const r = Router();
  r.get('/api/flows/schema', (_req, res) => { res.json(flowJsonSchema()); });
  return r;
}

/** `/api/flows…`: CRUD with a revision check (DELETE refuses while numbers route to the flow, unless `?force=true`), versions, publish, rollback, lint, simulate. */
export function flowsRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/flows', async (_req, res) => {
    const flows = await ctx.store.listFlows(companyOf(res).id);
    res.json({ flows: flows.map((f) => ({ id: f.id, name: f.name, revision: f.revision, updatedAt: f.updatedAt, publishedVersion: f.publishedVersion })) });
  });
  r.post('/api/flows/lint', async (req, res) => { res.json({ findings: lintFlow(req.body, { numbers: await companyNumbers(ctx, companyOf(res).id), flows: await flowFacts(ctx, companyOf(res).id), schedules: await scheduleIds(ctx, companyOf(res).id) }) }); });
  r.post('/api/flows/simulate', simulateRoute(ctx));
  r.post('/api/flows', async (req, res) => {
    const flow = parseAt(req.body);
    const row = await ctx.store.createFlow(companyOf(res).id, flow.id, flow.name, req.body);
    if (!row) throw new AppError('conflict', `A flow with id ${flow.id} exists already`, ['id']);
    res.status(201).json({ flow: row.doc, revision: row.revision, publishedVersion: null });
  });
  r.get('/api/flows/:id', async (req, res) => {
    const f = await mustFlow(ctx, companyOf(res).id, req.params.id);
    res.json({ flow: f.doc, revision: f.revision, updatedAt: f.updatedAt, publishedVersion: f.publishedVersion });
  });
  r.put('/api/flows/:id', async (req, res) => {
    const company = companyOf(res).id;
    const body = updateBody.parse(req.body);
    const flow = parseAt(body.flow, ['flow']);
    if (flow.id !== req.params.id) throw new AppError('bad_request', `flow.id must be ${req.params.id}`, ['flow', 'id']);
    const current = await mustFlow(ctx, company, req.params.id);
    const row = await ctx.store.updateFlow(company, req.params.id, body.revision, flow.name, body.flow);
    if (!row) throw new AppError('conflict', `The flow changed since revision ${body.revision}; reload it (current revision ${current.revision})`, undefined, { currentRevision: (await ctx.store.getFlow(company, req.params.id))?.revision ?? current.revision });
    res.json({ flow: row.doc, revision: row.revision });
  });
  r.delete('/api/flows/:id', async (req, res) => {
    const company = companyOf(res).id;
    const f = await mustFlow(ctx, company, req.params.id);
    const force = req.query.force === 'true' || req.query.force === '1';
    if (!force) {
      // Deleting would silently take these numbers offline ("not in service"): refuse unless forced.
      const routed = (await ctx.store.listBizNumbers(company)).filter((n) => n.flowId === f.id && n.status !== 'released').map((n) => n.e164);
      if (routed.length) {
        const list = routed.length === 1 ? routed[0]! : `${routed.slice(0, -1).join(', ')} and ${routed.at(-1)!}`;
        throw new AppError('conflict', `"${f.name}" answers ${list}: point ${routed.length === 1 ? 'that number' : 'those numbers'} at another flow first (or delete with ?force=true)`, undefined, { numbers: routed });
      }
    }
    if (!(await ctx.store.deleteFlow(company, f.id))) throw notFound(`Flow ${f.id}`);
    await audit(ctx, res, 'flow.delete', f.id, { name: f.name, ...(force ? { force } : {}) });
    res.status(204).end();
  });
  r.get('/api/flows/:id/versions', async (req, res) => {
    const f = await mustFlow(ctx, companyOf(res).id, req.params.id);
    const versions = await ctx.store.listVersions(f.companyId, f.id);
    res.json({ versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, published: v.version === f.publishedVersion })) });
  });
  r.get('/api/flows/:id/versions/:version', async (req, res) => {
    const f = await mustFlow(ctx, companyOf(res).id, req.params.id);
    const v = await ctx.store.getVersion(f.companyId, f.id, Number(req.params.version));
    if (!v) throw notFound(`Version ${req.params.version} of flow ${f.id}`);
    res.json({ version: v.version, flow: v.doc });
  });
  r.post('/api/flows/:id/publish', async (req, res) => {
    const f = await mustFlow(ctx, companyOf(res).id, req.params.id);
    const findings = lintFlow(f.doc, { numbers: await companyNumbers(ctx, f.companyId), flows: await flowFacts(ctx, f.companyId), schedules: await scheduleIds(ctx, f.companyId) });
    if (!publishable(findings)) throw new AppError('lint', 'The flow has errors; fix them before publishing', undefined, { findings });
    // The flows its subflow steps run, embedded as published now (server/api/subflows.ts).
    const { version } = await ctx.store.publish(f.companyId, f.id, await withSubflows(ctx.store, f.companyId, f.doc));
    await audit(ctx, res, 'flow.publish', f.id, { version });
    res.status(201).json({ version });
  });
  r.post('/api/flows/:id/rollback', async (req, res) => {
    const f = await mustFlow(ctx, companyOf(res).id, req.params.id);
    const { version } = rollbackBody.parse(req.body);
    const old = await ctx.store.getVersion(f.companyId, f.id, version);
    if (!old) throw new AppError('not_found', `Version ${version} of flow ${f.id} not found`, ['version']);
    const name = parseFlow(old.doc).name;
    const out = await ctx.store.publish(f.companyId, f.id, old.doc, { name });
    await audit(ctx, res, 'flow.rollback', f.id, { to: version, version: out.version });
    res.json({ version: out.version, flow: old.doc, revision: out.revision });
  });
  return r;
}
