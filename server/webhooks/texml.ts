import { Router } from 'express';
import { renderApology, renderTexml, type TexmlUrls } from '../../engine/texml.js';
import type { Instruction } from '../../engine/types.js';
import { advance } from '../calls/runner.js';
import type { Ctx } from '../deps.js';
import { getAndPost, rawBody, webhook, type Answer, type Incoming } from './capture.js';
import { actionEvent, parseStep, texmlFields, TERMINAL_STATUSES } from './texml-events.js';
import { onTexmlStatus } from '../calls/lifecycle.js';

export const NOT_IN_SERVICE = 'The number you have called is not in service. Please check the number and try again. Goodbye.';

const xml = (body: string, callId?: string | null, companyId?: string | null): Answer => ({ status: 200, contentType: 'text/xml', body, callId, companyId });

/** Action URLs point back at `/webhooks/texml/<verb>-<node>-<seq>`. */
export function texmlUrls(ctx: Ctx): TexmlUrls {
  const base = `${ctx.publicUrl()}/webhooks/texml`;
  return { action: (i) => `${base}/${i.verb}-${i.node}-${i.seq}`, recordingStatus: `${base}/status`, transcription: `${base}/transcription` };
}

function notInService(ctx: Ctx): string {
  const says: Instruction[] = [{ verb: 'say', text: NOT_IN_SERVICE, node: 'server', seq: 0 }, { verb: 'hangup', reason: 'not-in-service', node: 'server', seq: 0 }];
  return renderTexml(says, texmlUrls(ctx));
}

const fieldsOf = (inc: Incoming) => texmlFields(inc.raw, inc.headers['content-type'], inc.query);

/**
 * Runs `work` once per dedupe key: a retried request (same CallSid and step)
 * gets the stored answer and causes no second step.
 */
async function once(ctx: Ctx, key: string, work: () => Promise<string>): Promise<string> {
  if (!(await ctx.store.claimEvent(key))) {
    const stored = await ctx.store.eventAnswer(key);
    return stored ?? renderApology();
  }
  const answer = await work();
  await ctx.store.setEventAnswer(key, answer);
  return answer;
}

async function voiceUrl(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const f = fieldsOf(inc);
  const callId = f.CallSid;
  if (!callId) return xml(renderApology());
  const number = f.To ? await ctx.store.numberByE164(f.To) : undefined;
  const body = await once(ctx, `texml:${callId}:start`, async () => {
    const flow = number?.flowId ? await ctx.store.getFlow(number.companyId, number.flowId) : undefined;
    if (!number || !flow?.publishedVersion) return notInService(ctx);
    const base = { callId, companyId: number.companyId, flowId: flow.id, version: flow.publishedVersion, mode: 'texml' as const };
    await ctx.store.createSession({ ...base, callSessionId: f.CallSessionId ?? null });
    const t = ctx.now().toISOString();
    await ctx.store.startCallLog({ ...base, direction: 'inbound', from: f.From ?? null, to: f.To ?? null, startedAt: t });
    await ctx.store.patchCallLog(callId, { answeredAt: t });
    const session = (await ctx.store.getSession(callId))!;
    const adv = await advance(ctx, session, { type: 'call.started', from: f.From ?? '', to: f.To ?? '', callId, direction: 'inbound' });
    return adv.kind === 'stepped' ? renderTexml(adv.result.instructions, texmlUrls(ctx)) : renderApology();
  });
  return xml(body, callId, number?.companyId);
}

async function action(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const f = fieldsOf(inc);
  const ref = parseStep(inc.params.step ?? '');
  const callId = f.CallSid;
  if (!ref || !callId) return xml(renderApology(), callId);
  const session = await ctx.store.getSession(callId);
  const body = await once(ctx, `texml:${callId}:${inc.params.step}`, async () => {
    // A callback for a step the call has moved past (and never answered) cannot be acted on.
    if (!session || session.seq !== ref.seq) return renderApology();
    const adv = await advance(ctx, session, actionEvent(ref, f));
    return adv.kind === 'stepped' ? renderTexml(adv.result.instructions, texmlUrls(ctx)) : renderApology();
  });
  return xml(body, callId, session?.companyId);
}

async function status(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const f = fieldsOf(inc);
  const callId = f.CallSid;
  const session = callId ? await ctx.store.getSession(callId) : undefined;
  if (callId && f.RecordingStatus === 'completed' && f.RecordingUrl) {
    await ctx.store.patchCallLog(callId, { recordingUrl: f.RecordingUrl, recordingSeconds: Number(f.RecordingDuration) || null });
  }
  if (callId && f.CallStatus && TERMINAL_STATUSES.has(f.CallStatus)) {
    await ctx.store.patchCallLog(callId, {
      endedAt: ctx.now().toISOString(), hangupCause: f.HangupCause ?? f.CallStatus, hangupSource: f.HangupSource ?? undefined,
    });
    if (session) await advance(ctx, session, { type: 'call.ended', cause: f.HangupCause ?? f.CallStatus });
  }
  await onTexmlStatus(ctx, f).catch((err) => ctx.log.error({ err, callId }, 'call lifecycle hook failed')); // keep the audio; charge and close a finished call
  return xml('<?xml version="1.0" encoding="UTF-8"?><Response/>', callId, session?.companyId);
}

/** The TeXML routes: voice URL, status callbacks and action callbacks (GET or POST, form or JSON). */
export function texmlRouter(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): Router {
  const r = Router();
  const apology = (): Answer => xml(renderApology());
  getAndPost(r, '/webhooks/texml', rawBody, webhook(ctx, 'texml', check, (i) => voiceUrl(ctx, i), apology));
  getAndPost(r, '/webhooks/texml/status', rawBody, webhook(ctx, 'texml', check, (i) => status(ctx, i), apology));
  getAndPost(r, '/webhooks/texml/:step', rawBody, webhook(ctx, 'texml', check, (i) => action(ctx, i), apology));
  return r;
}
