import { Router, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { AuthFailures } from '../rate-limit.js';
import type { Company } from '../store/types.js';
import { checkPassword, hashPassword, passwordSchema } from '../accounts/passwords.js';
import { resetUrl } from '../accounts/links.js';
import { actorOf, companyOf, countFailure, newToken, SESSION_TTL_MS, setSessionCookie, type Actor } from './auth.js';
import { audit } from './audit.js';

const email = z.string().trim().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/, 'An email address, e.g. ana@example.com');
const signInBody = z.object({ email, password: z.string().min(1).max(200) }).strict();
const resetBody = z.object({ email }).strict();
const completeBody = z.object({ token: z.string().min(10).max(200), password: passwordSchema }).strict();
const tokenBody = z.object({ token: z.string().min(10).max(200) }).strict();
const acceptBody = z.object({ token: z.string().min(10).max(200), name: z.string().trim().min(1).max(100), password: passwordSchema }).strict();
const nameBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();
const passwordBody = z.object({ current: z.string().max(200).optional(), password: passwordSchema }).strict();

/** A password reset link is valid this long. */
export const RESET_TTL_MS = 3600_000;

/** What GET /api/me and sign-in answer: the company (shape kept from before accounts), who you are, your role, and the CSRF token of a session. */
export function meBody(company: Company, a: Actor) {
  const p = a.person;
  return {
    company: { id: company.id, name: company.name },
    person: p ? { id: p.id, email: p.email, name: p.name, role: p.role } : null,
    role: a.role, via: a.via, ...(a.session ? { csrfToken: a.session.csrf } : {}),
  };
}

/** Refuses at once while this address is past the wrong-password limit, even for a right password (or guessing would go on, 429s telling wrong from right). */
async function refuseWhileLimited(req: Parameters<AuthFailures['waiting']>[0], res: Response, failures?: AuthFailures) {
  const wait = failures ? await failures.waiting(req) : 0;
  if (!wait) return;
  res.set('Retry-After', String(wait));
  throw new AppError('rate_limited', `Too many failed sign-ins from this address (limit ${failures!.perMinute} a minute): try again in ${wait} s`);
}

/**
 * The routes that come before a key or session: sign in (`POST /api/session`), ask for a reset link
 * (`POST /api/password-reset`: printed on the console, the answer never says whether the email exists), use it
 * (`/api/password-reset/complete`), read and accept an invitation (`/api/invitations/peek`, `/accept`).
 * Failures count in the same per-IP limiter as wrong API keys.
 */
export function publicAccountsRouter(ctx: Ctx, failures?: AuthFailures): Router {
  const r = Router();
  const fail = async (req: Parameters<AuthFailures['failed']>[0], res: Response, what: string, err: AppError) => {
    throw (await countFailure(req, res, failures, what)) ?? err;
  };
  r.post('/api/session', async (req, res) => {
    const b = signInBody.parse(req.body);
    await refuseWhileLimited(req, res, failures);
    const found = await ctx.store.personByEmail(b.email);
    if (!(await checkPassword(found?.passwordHash, b.password)) || !found) {
      return fail(req, res, 'passwords', new AppError('unauthorized', 'Wrong email or password', undefined, { reason: 'wrong_password' }));
    }
    const token = newToken(), csrf = newToken(), at = ctx.now();
    await ctx.store.createWebSession({ token, personId: found.person.id, csrf, at: at.toISOString(), expiresAt: new Date(at.getTime() + SESSION_TTL_MS).toISOString() });
    setSessionCookie(ctx, res, token);
    const company = (await ctx.store.company(found.person.companyId))!;
    res.json(meBody(company, { role: found.person.role, via: 'session', person: found.person, label: found.person.email, session: { token, csrf } }));
  });
  r.post('/api/password-reset', async (req, res) => {
    const b = resetBody.parse(req.body);
    // Every request prints a line on the console: a flood is limited like wrong passwords.
    const limited = await countFailure(req, res, failures, 'reset requests');
    if (limited) throw limited;
    const found = await ctx.store.personByEmail(b.email);
    if (found) {
      const token = newToken(), at = ctx.now(), expiresAt = new Date(at.getTime() + RESET_TTL_MS).toISOString();
      await ctx.store.createPasswordReset({ token, personId: found.person.id, at: at.toISOString(), expiresAt });
      ctx.links({ purpose: 'reset', email: found.person.email, url: resetUrl(ctx.publicUrl(), token), expiresAt });
    }
    res.status(202).json({ message: 'If that address has an account, a reset link is on its way. No email is sent yet: the server prints the link on its console for the operator to pass on.' });
  });
  r.post('/api/password-reset/complete', async (req, res) => {
    const b = completeBody.parse(req.body);
    const p = await ctx.store.completePasswordReset(b.token, ctx.now().toISOString(), await hashPassword(b.password));
    if (!p) return fail(req, res, 'reset links', new AppError('bad_request', 'This link was used already or has expired: ask for a new one with “Forgot password?”', ['token']));
    res.json({ email: p.email });
  });
  r.post('/api/invitations/peek', async (req, res) => {
    const b = tokenBody.parse(req.body);
    const found = await ctx.store.invitationByToken(b.token, ctx.now().toISOString());
    if (!found) return fail(req, res, 'invitation links', new AppError('not_found', 'This invitation was used already, withdrawn or has expired: ask for a new one'));
    res.json({ email: found.invitation.email, role: found.invitation.role, company: { name: found.company.name }, expiresAt: found.invitation.expiresAt });
  });
  r.post('/api/invitations/accept', async (req, res) => {
    const b = acceptBody.parse(req.body);
    const found = await ctx.store.invitationByToken(b.token, ctx.now().toISOString());
    const p = await ctx.store.acceptInvitation(b.token, ctx.now().toISOString(), { name: b.name, passwordHash: await hashPassword(b.password) });
    if (p === 'email_taken') throw new AppError('conflict', 'That email has an account already: sign in instead');
    if (p === 'invalid' || !found) return fail(req, res, 'invitation links', new AppError('not_found', 'This invitation was used already, withdrawn or has expired: ask for a new one'));
    res.locals.company = found.company;
    res.locals.actor = { role: p.role, via: 'session', person: p, label: p.email } satisfies Actor;
    await audit(ctx, res, 'invitation.accept', p.email, { role: p.role });
    res.status(201).json({ email: p.email, role: p.role });
  });
  return r;
}

/** Signed in: sign out, who am I, my name and password. */
export function meRouter(ctx: Ctx, failures?: AuthFailures): Router {
  const r = Router();
  r.get('/api/me', (_req, res) => { res.json(meBody(companyOf(res), actorOf(res))); });
  r.delete('/api/session', async (_req, res) => {
    const a = actorOf(res);
    if (a.session) await ctx.store.deleteWebSession(a.session.token);
    setSessionCookie(ctx, res, undefined);
    res.status(204).end();
  });
  const self = (res: Response) => {
    const p = actorOf(res).person;
    if (!p) throw new AppError('bad_request', 'This API key belongs to no person: sign in, or use a key of your own (Settings → API keys)');
    return p;
  };
  r.patch('/api/me', async (req, res) => {
    const p = self(res);
    await ctx.store.setName(p.id, nameBody.parse(req.body).name);
    res.json({ person: await ctx.store.person(p.companyId, p.id) });
  });
  r.put('/api/me/password', async (req, res) => {
    const p = self(res);
    const b = passwordBody.parse(req.body);
    const found = await ctx.store.personByEmail(p.email);
    if (found?.passwordHash && !(await checkPassword(found.passwordHash, b.current ?? ''))) {
      throw (await countFailure(req, res, failures, 'passwords')) ?? new AppError('bad_request', 'current: that is not your current password', ['current']);
    }
    // Every other session of this person ends (a stolen one too); this one stays.
    await ctx.store.setPassword(p.id, await hashPassword(b.password), actorOf(res).session?.token);
    res.status(204).end();
  });
  return r;
}
