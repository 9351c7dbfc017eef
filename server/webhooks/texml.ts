import type { RequestHandler } from 'express';
import { renderApology, renderTexml, type TexmlUrls } from '../../engine/texml.js';
import type { Instruction } from '../../engine/types.js';
import { rejectsFirst } from '../calls/reject-first.js';
import { advance } from '../calls/runner.js';
import type { Ctx } from '../deps.js';
import { webhook, type Answer, type Incoming } from './capture.js';
import { actionEvent, isLegAnswered, parseStep, texmlFields, urlMarker, TERMINAL_STATUSES } from './texml-events.js';
import { callOfAnotherCompany, numberOfAnotherCompany } from './company-check.js';
import { onTexmlStatus } from '../calls/lifecycle.js';
import { parseScreenStep, screenLeg, screenUrl } from './texml-screen.js';
import { storedScreen } from '../calls/screen.js';
import { httpResultFor } from '../calls/http-runner.js';
import { HTTP_VERB } from '../../engine/nodes/http-request.js';
import { OUTBOUND_QUERY, outboundSession, startedEvent } from '../calls/outbound-flow.js';

export const NOT_IN_SERVICE = 'The number you have called is not in service. Please check the number and try again. Goodbye.';

/** What a status callback is answered with: nothing to do. */
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const xml = (body: string, callId?: string | null, companyId?: string | null): Answer => ({ status: 200, contentType: 'text/xml', body, callId, companyId });

/** Action URLs point back at `/webhooks/texml/<verb>-<node>-<seq>`. */
export function texmlUrls(ctx: Ctx): TexmlUrls {
  const base = `${ctx.publicUrl()}/webhooks/texml`;
  // A step of an inlined subflow (`verify/ask`, engine/subflow-expand.ts) is written `verify.ask` in the URL segment.
  return { action: (i) => `${base}/${i.verb}-${i.node.replaceAll('/', '.')}-${i.seq}`, recordingStatus: `${base}/status`, status: `${base}/status`, transcription: `${base}/transcription`, screen: (i) => screenUrl(base, i) };
}

function notInService(ctx: Ctx): string {
  const says: Instruction[] = [{ verb: 'say', text: NOT_IN_SERVICE, node: 'server', seq: 0 }, { verb: 'hangup', reason: 'not-in-service', node: 'server', seq: 0 }];
  return renderTexml(says, texmlUrls(ctx));
}

/**
 * A TeXML webhook that must not act: the apology (valid TeXML, the caller is never left in silence), logged with
 * why. Logged against no call and no company: a forged request must not show up in the call it named.
 */
export function refusedTexml(ctx: Ctx, inc: Incoming, reason: string): Answer {
  ctx.log.warn({ path: inc.path, method: inc.method, reason }, 'TeXML webhook refused');
  return xml(renderApology(), null, null);
}

/** The signed form fields of a TeXML request, or the refusal to answer (GET, JSON, another content type). */
export function signedFields(ctx: Ctx, inc: Incoming): { fields: Record<string, string> } | { refused: Answer } {
  const t = texmlFields(inc.method, inc.raw, inc.headers['content-type']);
  return 'fields' in t ? t : { refused: refusedTexml(ctx, inc, t.refused) };
}

const foreignCall = (callId: string, to: string | undefined) => `call ${callId} belongs to another company than the number ${to}`;

/**
 * Answers a TeXML request once per dedupe key (CallSid + step): a stored
 * answer is returned as is; otherwise `work` runs. `work` stores its answer in
 * the same transaction as the snapshot it steps to (so a crash leaves either
 * both or neither, and a retry after a crash simply steps again), and returns
 * undefined when it did not step: a racing attempt won the snapshot write, or
 * the call is past this step. Then the winner's answer, committed with its
 * snapshot, is read back; no answer at all means the step cannot be acted on.
 */
async function once(ctx: Ctx, key: string, work: () => Promise<string | undefined>): Promise<string> {
  const stored = await ctx.store.eventState(key);
  if (stored?.answer != null) return stored.answer;
  const answer = await work();
  if (answer !== undefined) return answer;
  return (await ctx.store.eventState(key))?.answer ?? renderApology();
}

/** Stores an answer that no snapshot carries (not in service, nothing stepped); another attempt's answer wins. */
async function keep(ctx: Ctx, key: string, answer: string): Promise<string> {
  if (await ctx.store.storeEventAnswer(key, answer, true)) return answer;
  return (await ctx.store.eventState(key))?.answer ?? answer;
}

async function voiceUrl(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const t = signedFields(ctx, inc);
  if ('refused' in t) return t.refused;
  const f = t.fields;
  const callId = f.CallSid;
  if (!callId) return xml(renderApology());
  const token = inc.query[OUTBOUND_QUERY];
  if (token) return outboundVoiceUrl(ctx, inc, f, callId, token);
  const number = f.To ? await ctx.store.numberByE164(f.To) : undefined;
  // A call id another company's call has: neither that call's stored answer nor a second call under its id.
  const existing = await ctx.store.getSession(callId);
  if (existing && number && existing.companyId !== number.companyId) return refusedTexml(ctx, inc, foreignCall(callId, f.To));
  const key = `texml:${callId}:start`;
  const body = await once(ctx, key, async () => {
    const flow = number?.flowId ? await ctx.store.getFlow(number.companyId, number.flowId) : undefined;
    if (!number || !flow?.publishedVersion) return keep(ctx, key, notInService(ctx));
    const base = { callId, companyId: number.companyId, flowId: flow.id, version: flow.publishedVersion, mode: 'texml' as const };
    const t = ctx.now().toISOString();
    // A `<Reject>` as the first verb: Telnyx never answers the call (server/calls/reject-first.ts), so no minutes.
    const refused = await rejectsFirst(ctx, base, { callId, from: f.From ?? '', to: f.To ?? '' });
    await ctx.store.startCall({ ...base, callSessionId: f.CallSessionId ?? null }, { ...base, direction: 'inbound', from: f.From ?? null, to: f.To ?? null, startedAt: t }, refused ? {} : { answeredAt: t });
    const session = (await ctx.store.getSession(callId))!;
    if (session.snapshot) return undefined; // started by a racing attempt: its answer
    const urls = texmlUrls(ctx);
    const adv = await advance(ctx, session, { type: 'call.started', from: f.From ?? '', to: f.To ?? '', callId, direction: 'inbound' }, { key, render: (r) => renderTexml(r.instructions, urls), unit: inc.unit });
    if (adv.kind === 'stepped') return adv.answer!;
    return adv.kind === 'stale' ? undefined : keep(ctx, key, renderApology());
  });
  return xml(body, callId, number?.companyId);
}

/**
 * The voice URL of an outbound flow call (server/calls/outbound-flow.ts): Telnyx fetches it once the callee
 * answered and synchronous machine detection has its answer (`AnsweredBy`; with DetectMessageEnd a machine's
 * comes once its greeting ended: `machine_end_beep`, …). An unknown token, or a call that is not the one the
 * token was dialled for, gets the apology.
 */
async function outboundVoiceUrl(ctx: Ctx, inc: Incoming, f: Record<string, string>, callId: string, token: string): Promise<Answer> {
  const key = `texml:${callId}:start`;
  let companyId: string | undefined;
  const body = await once(ctx, key, async () => {
    const session = await outboundSession(ctx, token, callId, f.CallSessionId ?? null);
    const log = session && await ctx.store.getCall(session.companyId, callId);
    if (!session || !log || (f.From && f.From !== log.from)) {
      ctx.log.warn({ callId, token }, 'TeXML outbound voice URL names no outbound call of ours');
      return keep(ctx, key, renderApology());
    }
    companyId = session.companyId;
    if (session.snapshot) return undefined; // started by a racing attempt: its answer
    const answeredBy = f.AnsweredBy || undefined;
    await ctx.store.patchCallLog(callId, {
      answeredAt: ctx.now().toISOString(),
      ...(answeredBy ? { amdResult: answeredBy } : {}), ...(answeredBy?.startsWith('machine_end') ? { amdGreeting: answeredBy } : {}),
    });
    const urls = texmlUrls(ctx);
    const adv = await advance(ctx, session, await startedEvent(ctx, callId, log, f), { key, render: (r) => renderTexml(r.instructions, urls), unit: inc.unit });
    if (adv.kind === 'stepped') return adv.answer!;
    return adv.kind === 'stale' ? undefined : keep(ctx, key, renderApology());
  });
  companyId ??= (await ctx.store.getSession(callId))?.companyId;
  return xml(body, callId, companyId);
}

async function action(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const t = signedFields(ctx, inc);
  if ('refused' in t) return t.refused;
  const f = t.fields;
  // A screened dial's callee leg (its `<Number url>` document and that document's key): not a step of a call.
  const screen = parseScreenStep(inc.params.step ?? '');
  if (screen) return screenLeg(ctx, inc, f, screen, `${ctx.publicUrl()}/webhooks/texml`);
  const ref = parseStep(inc.params.step ?? '');
  const callId = f.CallSid;
  if (!ref || !callId) return xml(renderApology(), callId);
  // Read before the stored answer: a call of another company gets neither a step nor that call's answer.
  const session = await ctx.store.getSession(callId);
  if (session && await callOfAnotherCompany(ctx, session.companyId, callId, f.To, f.From)) return refusedTexml(ctx, inc, foreignCall(callId, f.To));
  const key = `texml:${callId}:${inc.params.step}`;
  let companyId = session?.companyId;
  const body = await once(ctx, key, async () => {
    // A callback for a step the call has moved past: answered with that step (read back), or never (apology).
    // (A racing attempt that stepped since the read above makes the write below stale: its answer is read back.)
    if (!session || session.seq !== ref.seq) return undefined;
    const urls = texmlUrls(ctx);
    const answered = ref.verb === 'dial' ? await ctx.store.dialAnswer(callId, ref.seq) : undefined;
    // A screened dial connects only through a member who accepted (texml-screen.ts), whatever DialCallStatus says.
    const screened = ref.verb === 'dial' && !!(await storedScreen(ctx, callId, ref.seq));
    // An httpRequest's Redirect (after its hold prompt): answered once the request is done, at most its timeout.
    const http = ref.verb === HTTP_VERB ? await httpResultFor(ctx, callId, ref.seq, key) : undefined;
    const event = http ? { type: 'http.ended' as const, result: http } : actionEvent(ref, f, urlMarker(inc.query), answered, screened);
    const adv = await advance(ctx, session, event, { key, render: (r) => renderTexml(r.instructions, urls), unit: inc.unit, ...(http ? { http } : {}) });
    if (adv.kind === 'stepped') return adv.answer!;
    return adv.kind === 'stale' ? undefined : keep(ctx, key, renderApology());
  });
  companyId ??= (await ctx.store.getSession(callId))?.companyId;
  return xml(body, callId, companyId);
}

async function status(ctx: Ctx, inc: Incoming): Promise<Answer> {
  const t = signedFields(ctx, inc);
  if ('refused' in t) return t.refused;
  const f = t.fields;
  const callId = f.CallSid;
  const session = callId ? await ctx.store.getSession(callId) : undefined;
  if (!session && isLegAnswered(f)) return legAnswered(ctx, inc, f);
  if (session && await callOfAnotherCompany(ctx, session.companyId, callId!, f.To, f.From)) return refusedTexml(ctx, inc, foreignCall(callId!, f.To));
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
  return xml(EMPTY, callId, session?.companyId);
}

/**
 * A leg of a simultaneous ring answered ({@link isLegAnswered}): recorded for its parent call at the step the
 * parent waits at, so that step's Dial action callback can say which member answered. The parent must be a
 * live TeXML call, and the number that answered must not be another company's (the company check: a call of
 * ours is never told another company's number was its agent). First answered wins (a conditional write); the
 * callback is logged against the parent call, so its fixture export replays it.
 */
async function legAnswered(ctx: Ctx, inc: Incoming, f: Record<string, string>): Promise<Answer> {
  const parent = await ctx.store.getSession(f.ParentCallSid!);
  if (!parent || parent.mode !== 'texml' || parent.status === 'done' || !parent.snapshot) return xml(EMPTY);
  if (await numberOfAnotherCompany(ctx, parent.companyId, f.To)) return refusedTexml(ctx, inc, `the leg's number ${f.To} belongs to another company than call ${parent.callId}`);
  await ctx.store.recordDialAnswer(parent.callId, parent.seq, f.To!, f.CallSid!);
  return xml(EMPTY, parent.callId, parent.companyId);
}

/** The TeXML webhooks (voice URL, status and action callbacks), each a whole webhook handler; routed by webhooks/texml-routes.ts. */
export function texmlHandlers(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): Record<'voice' | 'status' | 'step', RequestHandler> {
  const apology = (): Answer => xml(renderApology());
  return {
    voice: webhook(ctx, 'texml', check, (i) => voiceUrl(ctx, i), apology),
    status: webhook(ctx, 'texml', check, (i) => status(ctx, i), apology),
    step: webhook(ctx, 'texml', check, (i) => action(ctx, i), apology),
  };
}
