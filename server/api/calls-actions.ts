import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { e164 } from './messages.js';
import { telnyxError } from './telnyx-error.js';
import { connectionFor } from './numbers-market.js';
import { incrementOf, ratesOf } from '../billing/ledger.js';
import { holdBudget } from '../billing/budget.js';
import { billedSeconds, perMinute } from '../billing/rates.js';
import { startFlowCall } from '../calls/outbound-flow.js';
import { identifierSchema } from '../../engine/nodes/common.js';
import { MAX_TEXT } from '../../engine/template.js';

const dialBody = z.object({
  from: e164, to: z.string().regex(/^(\+[1-9]\d{6,14}|sips?:\S+)$/, 'E.164 number or sip: URI'),
  // Default: `detect`; with a flow `greeting_end` (a machine's greeting end is reported: answeredBy leaves a message after it).
  answeringMachineDetection: z.enum(['disabled', 'detect', 'detect_beep', 'detect_words', 'greeting_end', 'premium']).optional(),
  timeoutSecs: z.number().int().min(5).max(600).default(30),
  /** A published flow of the company to run on the call once it is answered (server/calls/outbound-flow.ts). */
  flowId: z.string().min(1).max(200).optional(),
  /** `{{vars.NAME}}` values the flow starts with (strings only). */
  vars: z.record(identifierSchema, z.string({ error: 'vars values must be strings' }).max(MAX_TEXT, `at most ${MAX_TEXT} characters`))
    .refine((v) => Object.keys(v).length <= 50, 'at most 50 vars').optional(),
}).strict().refine((b) => !b.vars || b.flowId, { message: 'vars need a flowId (they are the flow\'s variables)', path: ['vars'] });
const recordBody = z.object({ format: z.enum(['mp3', 'wav']).default('mp3'), channels: z.enum(['single', 'dual']).default('single') }).strict();
/** The TeXML account a call's webhooks name (`AccountSid` of its first signed form body that has one). */
async function texmlAccountOf(ctx: Ctx, callId: string): Promise<string | undefined> {
  for (const w of await ctx.store.webhooksForCall(callId)) {
    const sid = w.kind === 'texml' ? new URLSearchParams(w.rawBody).get('AccountSid') : null;
    if (sid) return sid;
  }
  return undefined;
}

/** `/api/calls`: outbound dial with answering machine detection (optionally running a flow), hang up, recording start/stop, stored audio. */
export function callActionsRouter(ctx: Ctx): Router {
  const r = Router();
  const live = async (companyId: string, id: string) => {
    const call = await ctx.store.getCall(companyId, id);
    if (!call) throw notFound(`Call ${id}`);
    if (call.endedAt) throw new AppError('conflict', `Call ${id} has ended`, ['id']);
    return call;
  };
  r.post('/api/calls', async (req, res) => {
    const company = companyOf(res).id;
    const b = dialBody.parse(req.body);
    if (b.flowId) {
      const started = await startFlowCall(ctx, { companyId: company, flowId: b.flowId, from: b.from, to: b.to, vars: b.vars, amd: b.answeringMachineDetection, timeoutSecs: b.timeoutSecs });
      res.status(201).json({ call: await ctx.store.getCall(company, started.callId) });
      return;
    }
    const amd = b.answeringMachineDetection ?? 'detect';
    const number = await ctx.store.bizNumber(company, b.from);
    if (!number || number.status !== 'active') throw new AppError('bad_request', `from: ${b.from} is not an active number of this company`, ['from']);
    // The first minute (billed in increments) and AMD must fit in the budget; inbound calls never come here.
    const [rates, inc] = await Promise.all([ratesOf(ctx, company), incrementOf(ctx, company)]);
    const first = perMinute(rates.call_out_minute, billedSeconds(60, inc)) + (amd === 'disabled' ? 0 : rates.amd_call);
    const hold = await holdBudget(ctx, company, first, 'This call');
    let callId: string;
    try {
      const connection = await connectionFor(ctx, company, 'call-control');
      if (!connection) throw new AppError('bad_request', 'No Call Control connection: set one with PUT /api/numbers/connections or TELNYX_CONNECTION_ID', ['connection']);
      let data;
      try {
        data = (await ctx.telnyx.calls.dial({
          connection_id: connection, from: b.from, to: b.to, answering_machine_detection: amd, timeout_secs: b.timeoutSecs,
          webhook_url: `${ctx.publicUrl()}/webhooks/call-control`, command_id: randomUUID(),
        } as never)).data;
      } catch (err) { throw telnyxError(err, 'Dialling'); }
      if (!data?.call_control_id) throw new AppError('telnyx', 'Telnyx returned no call_control_id');
      callId = data.call_control_id;
      await ctx.store.startCallLog({ callId, companyId: company, flowId: null, version: null, mode: 'call-control', direction: 'outbound', from: b.from, to: b.to, startedAt: ctx.now().toISOString() });
    } finally {
      // A call is charged when it ends; once it is in the call log, its first minute stays counted only by the check above.
      hold.release();
    }
    res.status(201).json({ call: await ctx.store.getCall(company, callId) });
  });
  r.post('/api/calls/:id/hangup', async (req, res) => {
    const call = await live(companyOf(res).id, req.params.id);
    // A TeXML call is ended through the TeXML calls API (its CallSid is no call_control_id), under the account its webhooks name.
    const account = call.mode === 'texml' ? await texmlAccountOf(ctx, call.callId) : undefined;
    if (call.mode === 'texml' && !account) throw new AppError('conflict', `Call ${call.callId}: no webhook of it names its TeXML AccountSid, so it cannot be hung up from here`, ['id']);
    try {
      if (account) await ctx.telnyx.texml.accounts.calls.update(call.callId, { account_sid: account, Status: 'completed' });
      else await ctx.telnyx.calls.actions.hangup(call.callId, { command_id: `api-hangup-${call.callId}` });
    } catch (err) { throw telnyxError(err, 'Hanging up'); }
    res.status(202).json({ ok: true });
  });
  r.post('/api/calls/:id/recording/:op', async (req, res) => {
    const op = z.enum(['start', 'stop']).parse(req.params.op);
    const call = await live(companyOf(res).id, req.params.id);
    try {
      if (op === 'start') await ctx.telnyx.calls.actions.startRecording(call.callId, { ...recordBody.parse(req.body ?? {}), command_id: randomUUID() });
      else await ctx.telnyx.calls.actions.stopRecording(call.callId, { command_id: randomUUID() });
    } catch (err) { throw telnyxError(err, `Recording ${op}`); }
    res.status(202).json({ ok: true });
  });
  r.get('/api/calls/:id/recordings/:rec', async (req, res) => {
    const rec = await ctx.store.getRecording(companyOf(res).id, req.params.rec);
    if (!rec || rec.callId !== req.params.id) throw notFound(`Recording ${req.params.rec}`);
    res.type(rec.contentType).setHeader('cache-control', 'private, no-store');
    res.send(rec.audio);
  });
  return r;
}
