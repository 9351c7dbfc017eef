import { Router, type Response } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { ROLES, type PersonRow, type Role } from '../store/account-types.js';
import { inviteUrl } from '../accounts/links.js';
import { aRole } from '../accounts/roles.js';
import { actorOf, companyOf, newToken } from './auth.js';
import { audit } from './audit.js';

const role = z.enum(ROLES as [Role, ...Role[]]);
const roleBody = z.object({ role }).strict();
const inviteBody = z.object({ email: z.string().trim().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/, 'An email address, e.g. ana@example.com'), role }).strict();

/** An invitation link is valid this long. */
export const INVITE_TTL_MS = 7 * 24 * 3600_000;

const LAST_OWNER = (p: PersonRow) => new AppError('conflict', `${p.email} is the only owner: make someone else an owner first`, undefined, { reason: 'last_owner' });

/** Only an owner hands out, changes or removes the owner role (an admin manages everyone else). */
function mustBeOwnerFor(res: Response, what: string) {
  if (actorOf(res).role !== 'owner') throw new AppError('forbidden', `${what} needs the owner role; you are ${aRole(actorOf(res).role)}`, undefined, { need: 'owner', role: actorOf(res).role });
}

/** `/api/people` and `/api/invitations` (admin and owner; anyone signed in may list the people): roles, removal, invitations. */
export function peopleRouter(ctx: Ctx): Router {
  const r = Router();
  const mustPerson = async (res: Response, id: string) => {
    const p = await ctx.store.person(companyOf(res).id, id);
    if (!p) throw notFound(`Person ${id}`);
    return p;
  };
  r.get('/api/people', async (_req, res) => { res.json({ people: await ctx.store.listPeople(companyOf(res).id) }); });
  r.patch('/api/people/:id', async (req, res) => {
    const b = roleBody.parse(req.body);
    const p = await mustPerson(res, req.params.id);
    if (p.role === 'owner' || b.role === 'owner') mustBeOwnerFor(res, 'Changing an owner, or making one,');
    const out = await ctx.store.setRole(p.companyId, p.id, b.role);
    if (out === 'missing') throw notFound(`Person ${p.id}`);
    if (out === 'last_owner') throw LAST_OWNER(p);
    if (out.role !== p.role) await audit(ctx, res, 'person.role', p.email, { from: p.role, to: out.role });
    res.json({ person: out });
  });
  r.delete('/api/people/:id', async (req, res) => {
    const p = await mustPerson(res, req.params.id);
    if (p.role === 'owner') mustBeOwnerFor(res, 'Removing an owner');
    const out = await ctx.store.removePerson(p.companyId, p.id);
    if (out === 'missing') throw notFound(`Person ${p.id}`);
    if (out === 'last_owner') throw LAST_OWNER(p);
    await audit(ctx, res, 'person.remove', p.email, { role: p.role });
    res.status(204).end();
  });
  r.get('/api/invitations', async (_req, res) => { res.json({ invitations: await ctx.store.listInvitations(companyOf(res).id) }); });
  r.post('/api/invitations', async (req, res) => {
    const b = inviteBody.parse(req.body);
    if (b.role === 'owner') mustBeOwnerFor(res, 'Inviting an owner');
    if (await ctx.store.personByEmail(b.email)) throw new AppError('conflict', `${b.email} has an account already`, ['email']);
    const token = newToken(), at = ctx.now();
    const invitation = await ctx.store.createInvitation({
      companyId: companyOf(res).id, email: b.email, role: b.role, token, invitedBy: actorOf(res).label,
      at: at.toISOString(), expiresAt: new Date(at.getTime() + INVITE_TTL_MS).toISOString(),
    });
    await audit(ctx, res, 'person.invite', invitation.email, { role: b.role });
    // The link is shown this once (only its hash is kept): no email is sent yet, the inviter passes it on.
    res.status(201).json({ invitation, link: inviteUrl(ctx.publicUrl(), token) });
  });
  r.delete('/api/invitations/:id', async (req, res) => {
    const inv = await ctx.store.revokeInvitation(companyOf(res).id, req.params.id);
    if (!inv) throw notFound(`Invitation ${req.params.id}`);
    await audit(ctx, res, 'invitation.revoke', inv.email, { role: inv.role });
    res.status(204).end();
  });
  return r;
}
