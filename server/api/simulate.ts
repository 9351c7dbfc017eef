import type { RequestHandler } from 'express';
import { z } from 'zod';
import { parseFlow } from '../../engine/schema.js';
import { simulate } from '../../engine/simulate.js';
import { simulateConversation } from '../../engine/simulate-sms.js';
import { renderTexml } from '../../engine/texml.js';
import { toCommands } from '../../engine/call-control.js';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import { texmlUrls } from '../webhooks/texml.js';
import { withSubflows } from './subflows.js';
import { scheduleRefs, schedulesEnv } from '../calls/schedules.js';
import { companyOf } from './auth.js';

const httpAnswer = z.union([
  z.literal('timeout'),
  z.strictObject({ timeout: z.literal(true) }),
  z.strictObject({ error: z.string().max(500) }),
  z.strictObject({ status: z.number().int().min(100).max(599), body: z.union([z.string().max(65_536), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional() }),
], { error: 'Answer with {status, body}, "timeout" or {error}' });

const body = z.object({
  flow: z.unknown(),
  digits: z.array(z.string().max(64)).max(100).optional(),
  speech: z.array(z.string().max(500)).max(100).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
  from: z.string().regex(/^\+[1-9]\d{1,14}$/, 'Use E.164, e.g. +13125550100').optional(),
  mode: z.enum(['texml', 'call-control']).default('texml'),
  /** httpRequest answers by node id: `{status, body}`, `'timeout'`, `{error}`, or a list of them taken in order. */
  http: z.record(z.string().max(100), z.union([httpAnswer, z.array(httpAnswer).max(20)])).optional(),
  /** One per AI gather: what Telnyx's AI returns (`{result}`), or that it got nothing (`{failed: true}`), or the caller hangs up. */
  ai: z.array(z.union([
    z.object({ result: z.record(z.string().max(64), z.unknown()) }).strict(),
    z.object({ failed: z.literal(true) }).strict(),
    z.object({ hangup: z.literal(true) }).strict(),
  ], { error: 'Each ai entry is {result: {...}}, {failed: true} or {hangup: true}' })).max(100).optional(),
  /** One per AI Assistant conversation: how it ends. */
  assistant: z.array(z.enum(['done', 'failed', 'hangup'])).max(100).optional(),
  /** An SMS flow ("channel": "sms"): the texter's texts in order, null = no reply until the wait times out. */
  texts: z.array(z.union([z.string().max(1600), z.null()])).max(100).optional(),
  /** An outbound call (POST /api/calls with flowId): the vars it starts with and who answers (AMD's result). */
  outbound: z.object({
    vars: z.record(z.string(), z.string().max(4096)).optional(),
    amd: z.enum(['human', 'machine', 'not_sure', 'human_residence', 'human_business']).optional(),
  }).strict().optional(),
}).strict();

/** `POST /api/flows/simulate`: drives the engine's scripted simulation and renders each step as Telnyx would get it. */
export function simulateRoute(ctx: Ctx): RequestHandler {
  return async (req, res) => {
    const b = body.parse(req.body);
    let flow;
    // Subflow steps run the company's flows as published now (what a publish would embed).
    try { flow = parseFlow(await withSubflows(ctx.store, companyOf(res).id, b.flow)); } catch (err) {
      if (err instanceof z.ZodError) {
        const i = err.issues[0]!;
        const path = ['flow', ...(i.path as (string | number)[])];
        throw new AppError('bad_request', `${path.join('.')}: ${i.message}`, path);
      }
      throw err;
    }
    const at = b.at ?? ctx.now().toISOString();
    if (flow.channel === 'sms') {
      // A text conversation: no TeXML, no commands; what the flow sends is in the instructions (sms, reply.await).
      if (!b.texts?.length) throw new AppError('bad_request', 'texts: an SMS flow needs the texter\'s texts, e.g. ["HOURS"] (null = no reply)', ['texts']);
      const conv = simulateConversation(flow, { at, from: b.from, texts: b.texts });
      return void res.json({ steps: conv.steps.map((s) => ({ event: s.event, at: s.at, run: s.run, node: s.waiting ? s.snapshot.value : null, instructions: s.instructions, trace: s.trace })) });
    }
    // The company's shared schedules as they are now (a flow's node may follow one): the simulation routes as a call would.
    const schedules = await schedulesEnv(ctx, companyOf(res).id, scheduleRefs(flow));
    const { steps } = simulate(flow, { at, mode: b.mode, from: b.from, digits: b.digits, speech: b.speech, ...(b.http ? { http: b.http } : {}), ai: b.ai, assistant: b.assistant, schedules, ...(b.outbound ? { outbound: b.outbound } : {}) });
    res.json({
      steps: steps.map((s) => ({
        event: s.event,
        node: s.waitingIn ?? null,
        instructions: s.instructions,
        ...(b.mode === 'texml'
          ? { texml: renderTexml(s.instructions, texmlUrls(ctx)) }
          : { commands: toCommands(s.instructions, { callId: 'sim-call', flowId: flow.id }) }),
        trace: s.trace,
      })),
    });
  };
}
