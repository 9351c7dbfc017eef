import { Router } from 'express';
import type { Ctx } from '../deps.js';
import { getAndPost, rawBody, webhook, type Answer, type Incoming } from './capture.js';
import { texmlFields } from './texml-events.js';
import { onTexmlTranscription } from '../calls/lifecycle.js';

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** The Record verb's `transcriptionCallback`: the text joins its voicemail (once per TranscriptionSid). */
async function transcription(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const f = texmlFields(inc.raw, inc.headers['content-type'], inc.query);
  const key = `texml:${f.CallSid ?? ''}:transcription:${f.TranscriptionSid ?? f.RecordingUrl ?? ''}`;
  const companyId = (await ctx.store.claimEvent(key)) ? await onTexmlTranscription(ctx, f) : undefined;
  return { status: 200, contentType: 'text/xml', body: EMPTY, callId: f.CallSid ?? null, companyId: companyId ?? null };
}

/** POST /webhooks/texml/transcription (mounted before the `/webhooks/texml/:step` action route). */
export function texmlTranscriptionRouter(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): Router {
  const r = Router();
  getAndPost(r, '/webhooks/texml/transcription', rawBody, webhook(ctx, 'texml', check, (i) => transcription(ctx, i), () => ({ status: 200, contentType: 'text/xml', body: EMPTY })));
  return r;
}
