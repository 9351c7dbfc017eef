import type { RequestHandler } from 'express';
import type { Ctx } from '../deps.js';
import { webhook, type Answer, type Incoming } from './capture.js';
import { refusedTexml, signedFields } from './texml.js';
import { callOfAnotherCompany } from './company-check.js';
import { onTexmlTranscription } from '../calls/lifecycle.js';

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** The Record verb's `transcriptionCallback`: the text joins its voicemail (once per TranscriptionSid). */
async function transcription(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const t = signedFields(ctx, inc);
  if ('refused' in t) return t.refused;
  const f = t.fields;
  const call = f.CallSid ? await ctx.store.callById(f.CallSid) : undefined;
  if (call && await callOfAnotherCompany(ctx, call.companyId, call.callId, f.To, f.From)) return refusedTexml(ctx, inc, `call ${f.CallSid} belongs to another company than the number ${f.To}`);
  const key = `texml:${f.CallSid ?? ''}:transcription:${f.TranscriptionSid ?? f.RecordingUrl ?? ''}`;
  const companyId = (await ctx.store.claimEvent(key)) ? await onTexmlTranscription(ctx, f) : undefined;
  return { status: 200, contentType: 'text/xml', body: EMPTY, callId: f.CallSid ?? null, companyId: companyId ?? null };
}

/** The webhook handler of `/webhooks/texml/transcription` (routed by webhooks/texml-routes.ts, before the action route). */
export function texmlTranscriptionHandler(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): RequestHandler {
  return webhook(ctx, 'texml', check, (i) => transcription(ctx, i), () => ({ status: 200, contentType: 'text/xml', body: EMPTY }));
}
