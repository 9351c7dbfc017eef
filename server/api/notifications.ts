/**
 * `/api/notifications`: the company's SMTP settings (the password is stored, never returned) and a test email,
 * missed-call alert settings per number, and the outbox (what was sent, what waits, what failed; "retry now").
 */
import { Router } from 'express';
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { MissedCallSettings, SmtpSettings } from '../store/notify-types.js';
import { companyOf } from './auth.js';
import { e164 } from './messages.js';
import { audit } from './audit.js';
import { webhookTargetProblem } from '../messaging/outbound-webhook.js';

/** An address, or `Name <address>`. */
const fromAddress = z.string().min(3).max(320).refine((v) => z.email().safeParse(/<([^>]+)>\s*$/.exec(v)?.[1] ?? v).success, 'an email address, or Name <address>');
const zone = z.string().refine((tz) => IANAZone.isValidZone(tz), 'Unknown IANA time zone');
const smtpBody = z.object({
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address'),
  port: z.number().int().min(1).max(65535),
  security: z.enum(['tls', 'starttls', 'none']),
  user: z.string().max(320).nullable().optional(),
  /** Absent: keep the stored one; null: none. */
  password: z.string().max(1000).nullable().optional(),
  from: fromAddress,
  timezone: zone.optional(),
}).strict();
const testBody = z.object({ to: z.email() }).strict();
const missedBody = z.object({
  sms: e164.nullable().optional(),
  emails: z.array(z.email()).max(20).optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
  textBack: z.object({ enabled: z.boolean(), text: z.string().max(480).optional(), hours: z.number().min(1).max(720).optional() }).strict().optional(),
}).strict();
const outboxQuery = z.object({ state: z.enum(['pending', 'sent', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

/** Defaults of a number with no alert settings yet. */
export const NO_ALERTS: MissedCallSettings = { sms: null, emails: [], webhookUrl: null, textBack: { enabled: false, text: 'Sorry we missed your call. We will call you back soon.', hours: 24 } };

/** The settings as the API shows them: the password never leaves the server. */
const shown = (s: SmtpSettings) => { const { password, ...rest } = s; return { ...rest, passwordSet: !!password }; };

export function notificationsRouter(ctx: Ctx): Router {
  const r = Router();
  r.get('/api/notifications/smtp', async (_req, res) => {
    const s = await ctx.store.smtpSettings(companyOf(res).id);
    res.json({ smtp: s ? shown(s) : null });
  });
  r.put('/api/notifications/smtp', async (req, res) => {
    const company = companyOf(res).id;
    const b = smtpBody.parse(req.body);
    const old = await ctx.store.smtpSettings(company);
    const s: SmtpSettings = {
      host: b.host, port: b.port, security: b.security, user: b.user || null, from: b.from, timezone: b.timezone ?? old?.timezone ?? 'UTC',
      password: b.password === undefined ? old?.password ?? null : b.password || null,
    };
    await ctx.store.putSmtpSettings(company, s);
    await audit(ctx, res, 'smtp.change', s.host, { port: s.port, from: s.from, passwordChanged: b.password !== undefined });
    res.json({ smtp: shown(s) });
  });
  r.post('/api/notifications/smtp/test', async (req, res) => {
    const company = companyOf(res).id;
    const { to } = testBody.parse(req.body);
    if (!(await ctx.store.smtpSettings(company))) throw new AppError('conflict', 'Save the SMTP settings first', ['smtp']);
    // Through the outbox, so it is listed there; tried once, at once, because someone waits for the answer.
    const [row] = await ctx.store.enqueue([{ companyId: company, channel: 'email', kind: 'test', target: to, payload: {} }]);
    await ctx.outbox!.attemptNow(row!);
    const after = (await ctx.store.getOutbox(company, row!.id))!;
    if (after.state !== 'sent') throw new AppError('smtp', `The test email was not accepted: ${after.lastError}`, ['smtp'], { outbox: after });
    res.json({ outbox: after });
  });
  r.get('/api/notifications/missed', async (_req, res) => {
    res.json({ numbers: await ctx.store.listMissedCallSettings(companyOf(res).id) });
  });
  r.get('/api/notifications/missed/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const number = await ownNumber(ctx, company, req.params.e164);
    res.json({ e164: number, ...((await ctx.store.missedCallSettings(company, number)) ?? NO_ALERTS) });
  });
  r.put('/api/notifications/missed/:e164', async (req, res) => {
    const company = companyOf(res).id;
    const number = await ownNumber(ctx, company, req.params.e164);
    const b = missedBody.parse(req.body);
    const problem = b.webhookUrl ? webhookTargetProblem(b.webhookUrl, ctx.outbound.allowPrivate) : undefined;
    if (problem) throw new AppError('bad_request', `webhookUrl: ${problem}`, ['webhookUrl']);
    const old = (await ctx.store.missedCallSettings(company, number)) ?? NO_ALERTS;
    const s: MissedCallSettings = {
      sms: b.sms === undefined ? old.sms : b.sms, emails: b.emails ?? old.emails, webhookUrl: b.webhookUrl === undefined ? old.webhookUrl : b.webhookUrl,
      textBack: { ...old.textBack, ...Object.fromEntries(Object.entries(b.textBack ?? {}).filter(([, v]) => v !== undefined)) },
    };
    if (s.textBack.enabled && !s.textBack.text.trim()) throw new AppError('bad_request', 'textBack.text: say something to the caller', ['textBack', 'text']);
    await ctx.store.putMissedCallSettings(company, number, s);
    res.json({ e164: number, ...s });
  });
  r.get('/api/notifications/outbox', async (req, res) => {
    res.json({ outbox: await ctx.store.listOutbox(companyOf(res).id, outboxQuery.parse(req.query)) });
  });
  r.post('/api/notifications/outbox/:id/retry', async (req, res) => {
    const row = await ctx.store.retryOutbox(companyOf(res).id, req.params.id, ctx.now().toISOString());
    if (!row) throw notFound(`Pending or failed notification ${req.params.id}`);
    ctx.outbox?.kick();
    res.json({ outbox: row });
  });
  return r;
}

/** The company's own number (active or pending), or 400 / 404. */
async function ownNumber(ctx: Ctx, company: string, raw: string): Promise<string> {
  const parsed = e164.safeParse(raw);
  if (!parsed.success) throw new AppError('bad_request', `e164: ${parsed.error.issues[0]!.message}`, ['e164']);
  const n = await ctx.store.bizNumber(company, parsed.data);
  if (!n || n.status === 'released') throw notFound(`Number ${parsed.data}`);
  return parsed.data;
}
