import { Router } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { ROLES, type Role } from '../store/account-types.js';
import { aRole, atLeast } from '../accounts/roles.js';
import { actorOf, companyOf } from './auth.js';
import { audit } from './audit.js';

const createBody = z.object({ name: z.string().trim().min(1).max(100).optional(), role: z.enum(ROLES as [Role, ...Role[]]).optional() }).strict();
const listQuery = z.object({ all: z.enum(['true', 'false']).optional() });

/**
 * `/api/keys`: your own API keys, for scripts. A key acts as you (or with a lower `role` you pick), never
 * above your current role; removing you revokes them. The key is in the create answer only. Admins and owners
 * list (`?all=true`) and revoke anyone's, including keys of no one (from `callflow admin`, acting as an owner).
 */
export function keysRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/keys', async (req, res) => {
    const a = actorOf(res), all = listQuery.parse(req.query).all === 'true';
    if (all && !atLeast(a.role, 'admin')) throw new AppError('forbidden', `Listing everyone's keys needs the admin role or above; you are ${aRole(a.role)}`, undefined, { need: 'admin', role: a.role });
    const keys = await ctx.store.listKeys(companyOf(res).id, all || !a.person ? undefined : a.person.id);
    res.json({ keys });
  });
  r.post('/api/keys', async (req, res) => {
    const a = actorOf(res), b = createBody.parse(req.body);
    if (b.role && !atLeast(a.role, b.role)) throw new AppError('forbidden', `A key cannot act above you: you are ${aRole(a.role)}`, ['role'], { need: b.role, role: a.role });
    const { key, row } = await ctx.store.createPersonKey({ companyId: companyOf(res).id, personId: a.person?.id ?? null, role: b.role ?? null, name: b.name ?? null });
    await audit(ctx, res, 'key.create', `${row.prefix}…`, { name: row.name, role: row.role });
    res.status(201).json({ key, apiKey: row });
  });
  r.delete('/api/keys/:id', async (req, res) => {
    const a = actorOf(res);
    const mine = atLeast(a.role, 'admin') || !a.person ? undefined : a.person.id;
    const row = await ctx.store.revokeKeyById(companyOf(res).id, req.params.id, mine);
    if (!row) throw notFound(`API key ${req.params.id}`);
    await audit(ctx, res, 'key.revoke', `${row.prefix ?? '(issued before accounts)'}…`, { name: row.name, owner: row.personId });
    res.status(204).end();
  });
  return r;
}
