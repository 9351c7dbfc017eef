import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { CallCursor } from '../store/history-types.js';
import { companyOf } from './auth.js';
import { e164 } from './messages.js';
import { buildTimeline } from './call-timeline.js';
import { scriptSteps, type CallScript } from './call-script.js';
import { parseStep } from '../webhooks/texml-events.js';
import { monthOf } from '../billing/ledger.js';

const cursorText = z.string().max(600).transform((s, c): CallCursor => {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<CallCursor>;
    if (typeof v.startedAt === 'string' && typeof v.callId === 'string') return { startedAt: v.startedAt, callId: v.callId };
  } catch { /* reported below */ }
  c.addIssue({ code: 'custom', message: 'not a cursor this server handed out (use nextCursor of the previous page)' });
  return z.NEVER;
});

/** `GET /api/calls` filters (README "Call history"); an unknown one is a 400 naming it. */
export const historyQuery = z.object({
  direction: z.enum(['inbound', 'outbound']).optional(), number: e164.optional(), status: z.enum(['active', 'ended']).optional(),
  outcome: z.enum(['answered', 'missed', 'voicemail', 'no-answer', 'live', 'rejected']).optional(),
  since: z.iso.datetime({ offset: true }).optional(), until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: cursorText.optional(),
}).strict();

/** A cursor for {@link historyQuery}: opaque to clients, base64url of where the page ended. */
export const encodeCursor = (c: CallCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/**
 * The call history and the debugger view: the filtered, paged list (with each call's outcome), the live calls
 * (polled by the console; JSON answers carry an ETag and a repeat with If-None-Match gets 304), one call's timeline
 * (webhooks in, nodes and ports, answers out, recordings, costs) and its script for the simulator.
 */
export function callHistoryRouter(ctx: Ctx): Router {
  const r = Router();
  const own = async (companyId: string, id: string) => {
    const call = await ctx.store.callDetail(companyId, id);
    if (!call) throw notFound(`Call ${id}`);
    return call;
  };
  r.get('/api/calls', async (req, res) => {
    const q = historyQuery.parse(req.query);
    const { cursor, ...f } = q;
    const page = await ctx.store.listCallsPage(companyOf(res).id, { ...f, ...(cursor ? { before: cursor } : {}) });
    res.json({ calls: page.calls, nextCursor: page.next ? encodeCursor(page.next) : null });
  });
  r.get('/api/calls/live', async (_req, res) => {
    const { calls } = await ctx.store.listCallsPage(companyOf(res).id, { status: 'active', limit: 200 });
    const nodes = await Promise.all(calls.map(async (c) => (await ctx.store.getSession(c.callId))?.snapshot?.value ?? null));
    res.json({ calls: calls.map((c, i) => ({ ...c, node: nodes[i] })) });
  });
  r.get('/api/calls/:id/timeline', async (req, res) => {
    const companyId = companyOf(res).id;
    const call = await own(companyId, req.params.id);
    const months = [...new Set([monthOf(call.startedAt), monthOf(call.endedAt ?? ctx.now().toISOString())])];
    const [webhooks, recordings, usage, session] = await Promise.all([
      ctx.store.webhooksForCall(call.callId), ctx.store.recordingsOfCall(companyId, call.callId),
      ctx.store.usageOfCall(companyId, call.callId, months), ctx.store.getSession(call.callId),
    ]);
    const entries = buildTimeline({ call, webhooks, recordings, usage });
    const { pathSteps: _steps, ...row } = call;
    res.json({
      call: { ...row, node: session?.snapshot?.value ?? null },
      live: !call.endedAt,
      entries,
      totalMicros: usage.reduce((s, u) => s + u.micros, 0),
    });
  });
  r.get('/api/calls/:id/script', async (req, res) => {
    const call = await own(companyOf(res).id, req.params.id);
    const [webhooks, session, company] = await Promise.all([ctx.store.webhooksForCall(call.callId), ctx.store.getSession(call.callId), ctx.store.company(call.companyId)]);
    // Which target answered each TeXML simultaneous ring (stored per step), looked up before the pure mapping.
    const dialSeqs = [...new Set(webhooks.map((w) => parseStep(decodeURIComponent(w.path.split('?')[0]!.split('/').pop() ?? ''))).filter((s) => s?.verb === 'dial').map((s) => s!.seq))];
    const answers = new Map(await Promise.all(dialSeqs.map(async (seq) => [seq, await ctx.store.dialAnswer(call.callId, seq)] as const)));
    const path = call.path ?? [];
    const script: CallScript = {
      callId: call.callId, flowId: call.flowId, version: call.version, mode: call.mode, company: company?.name ?? '', from: call.from, to: call.to, startedAt: call.startedAt,
      cursors: session?.cursors ?? {},
      steps: scriptSteps(call.callId, webhooks, session?.steps ?? {}, (seq) => answers.get(seq)),
      recorded: { path, end: path.findLast((l) => l.startsWith('end:')) ?? null },
    };
    res.json(script);
  });
  return r;
}
