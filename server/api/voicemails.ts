import { Router } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { e164 } from './messages.js';
import { audit } from './audit.js';
import { webhookPublicKey, webhookTargetProblem } from '../messaging/outbound-webhook.js';

const listQuery = z.object({
  unread: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
  mailbox: z.string().min(1).max(100).optional(),
  number: e164.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  sort: z.enum(['newest', 'unread']).optional(),
});
const patchBody = z.object({ read: z.boolean().optional(), urgent: z.boolean().optional() }).strict()
  .refine((b) => b.read !== undefined || b.urgent !== undefined, { message: 'Send read, urgent or both', path: ['read'] });

/** How long a voicemail deleted with undo (POST …/trash) can be restored before the server purges it. */
export const UNDO_SECONDS = 10;
const mailboxBody = z.object({
  name: z.string().min(1).max(100).optional(),
  notifySms: e164.nullable().optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
  /** Who gets each voicemail by email, with the recording attached (SMTP settings: /api/notifications/smtp). */
  email: z.array(z.email()).max(20).optional(),
}).strict();
const mailboxId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'letters, digits, - and _');

/**
 * `/api/voicemails`: the inbox (filters), mark read / urgent, delete (audio and transcription too) at once or
 * with undo (trash, restore), the audio, mailboxes and the notification key.
 */
export function voicemailsRouter(ctx: Ctx): Router {
  const r = Router();
  // Trashed voicemails whose undo window passed are purged before any inbox request is answered (and by the
  // server's sweeper, voicemail-purge.ts, when nobody asks), so no answer shows one that should be gone.
  r.use('/api/voicemails', async (_req, _res, next) => { await ctx.store.purgeDueVoicemails(); next(); });
  // A voicemail whose audio could not be kept says why (audioError, e.g. a refused recording URL).
  const withAudio = (v: { id: string; audioId: string | null; audioError: string | null }) => ({ ...v, audioUrl: v.audioId ? `/api/voicemails/${v.id}/audio` : null, audioError: v.audioId ? null : v.audioError });
  r.get('/api/voicemails', async (req, res) => {
    const f = listQuery.parse(req.query);
    res.json({ voicemails: (await ctx.store.listVoicemails(companyOf(res).id, f)).map(withAudio) });
  });
  r.get('/api/voicemails/mailboxes', async (_req, res) => {
    res.json({ mailboxes: await ctx.store.listMailboxes(companyOf(res).id) });
  });
  r.put('/api/voicemails/mailboxes/:id', async (req, res) => {
    const company = companyOf(res).id;
    const id = mailboxId.parse(req.params.id);
    const b = mailboxBody.parse(req.body);
    const problem = b.webhookUrl ? webhookTargetProblem(b.webhookUrl, ctx.outbound.allowPrivate) : undefined;
    if (problem) throw new AppError('bad_request', `webhookUrl: ${problem}`, ['webhookUrl']);
    const old = await ctx.store.mailbox(company, id);
    const mailbox = await ctx.store.putMailbox({
      companyId: company, id, name: b.name ?? old?.name ?? id,
      notifySms: b.notifySms === undefined ? old?.notifySms ?? null : b.notifySms,
      webhookUrl: b.webhookUrl === undefined ? old?.webhookUrl ?? null : b.webhookUrl,
      email: b.email ?? old?.email ?? [],
    });
    res.json({ mailbox });
  });
  r.get('/api/voicemails/webhook-key', async (_req, res) => {
    res.json({ algorithm: 'ed25519', publicKey: await webhookPublicKey(ctx), signedPayload: 'callflow-timestamp|raw body', headers: ['callflow-signature-ed25519', 'callflow-timestamp'] });
  });
  r.get('/api/voicemails/:id', async (req, res) => {
    const v = await ctx.store.getVoicemail(companyOf(res).id, req.params.id);
    if (!v) throw notFound(`Voicemail ${req.params.id}`);
    res.json({ voicemail: withAudio(v) });
  });
  r.patch('/api/voicemails/:id', async (req, res) => {
    const b = patchBody.parse(req.body);
    const v = await ctx.store.markVoicemail(companyOf(res).id, req.params.id, b);
    if (!v || v.deletedAt || v.purgeAt) throw notFound(`Voicemail ${req.params.id}`);
    res.json({ voicemail: withAudio(v) });
  });
  r.post('/api/voicemails/:id/trash', async (req, res) => {
    const purgeAt = new Date(ctx.now().getTime() + UNDO_SECONDS * 1000).toISOString();
    const v = await ctx.store.trashVoicemail(companyOf(res).id, req.params.id, purgeAt);
    if (!v) throw notFound(`Voicemail ${req.params.id}`);
    await audit(ctx, res, 'voicemail.delete', req.params.id, { undoSeconds: UNDO_SECONDS });
    res.json({ voicemail: withAudio(v), purgeAt, undoSeconds: UNDO_SECONDS });
  });
  r.post('/api/voicemails/:id/restore', async (req, res) => {
    const v = await ctx.store.restoreVoicemail(companyOf(res).id, req.params.id);
    if (!v) throw new AppError('not_found', `Voicemail ${req.params.id} is not in the trash: it was never deleted, or its ${UNDO_SECONDS} s undo window passed and it is gone`);
    await audit(ctx, res, 'voicemail.restore', req.params.id);
    res.json({ voicemail: withAudio(v) });
  });
  r.delete('/api/voicemails/:id', async (req, res) => {
    // Gone for good: the audio, the transcription and their copies in the call log (store deleteVoicemail).
    if (!(await ctx.store.deleteVoicemail(companyOf(res).id, req.params.id))) throw notFound(`Voicemail ${req.params.id}`);
    await audit(ctx, res, 'voicemail.delete', req.params.id);
    res.status(204).end();
  });
  r.get('/api/voicemails/:id/audio', async (req, res) => {
    const company = companyOf(res).id;
    const v = await ctx.store.getVoicemail(company, req.params.id);
    const rec = v?.audioId ? await ctx.store.getRecording(company, v.audioId) : undefined;
    if (!rec) throw notFound(`Audio of voicemail ${req.params.id}`);
    res.type(rec.contentType).setHeader('cache-control', 'private, no-store');
    res.send(rec.audio);
  });
  return r;
}
