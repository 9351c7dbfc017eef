/**
 * Outbound calls that run a flow (reminders, callbacks): `startFlowCall` dials the callee from one of the
 * company's numbers, in that number's mode, and the flow's published version runs on the call once it is
 * answered. The call is written down (outbound_calls, migration 020) under a random token before the dial;
 * the dial carries the token (Call Control `client_state`, the TeXML `Url`'s query), so the first webhook
 * finds the flow, version and vars whether it comes before or after Telnyx's answer to the dial.
 *
 * Call Control: `POST /v2/calls` on the company's Call Control connection with answering machine detection;
 * the flow starts on `call.answered` (webhooks/call-control.ts) and AMD's events come later.
 * TeXML: the TeXML calls API (`POST /v2/texml/calls/{application}`) with `Url` = our voice URL and
 * synchronous machine detection: Telnyx fetches the Url once detection has an answer (`AnsweredBy`), with
 * `DetectMessageEnd` after a machine's greeting ended, so the flow starts knowing who answered.
 */
import { randomUUID } from 'node:crypto';
import { encodeClientState, decodeClientState } from '../../engine/call-control.js';
import type { AmdEnv, EngineEvent, Mode } from '../../engine/types.js';
import type { Flow } from '../../engine/schema.js';
import { kindOf } from '../../engine/nodes/index.js';
import { AppError } from '../errors.js';
import type { Ctx } from '../deps.js';
import type { CallLogRow, SessionRow } from '../store/types.js';
import type { AmdMode, OutboundCallRow } from '../store/outbound-types.js';
import { connectionFor } from '../api/numbers-market.js';
import { telnyxError } from '../api/telnyx-error.js';
import { incrementOf, ratesOf } from '../billing/ledger.js';
import { holdBudget } from '../billing/budget.js';
import { billedSeconds, perMinute } from '../billing/rates.js';
import { owned } from './own-numbers.js';
import { callbackStart } from './queue.js';

/** What {@link startFlowCall} needs. `amd` defaults to `greeting_end` (a machine's greeting end is reported: leave a message after it). */
export interface FlowCallRequest {
  companyId: string; flowId: string; from: string; to: string;
  vars?: Record<string, string>; amd?: AmdMode; timeoutSecs?: number;
}

/** A started flow call: Telnyx's id for it and the mode it runs in. */
export interface FlowCall { callId: string; mode: Mode; token: string }

/** The `flow` of an outbound dial's client_state: `out:` and the token (never a flow id: those are slugs without a colon). */
const OUT_PREFIX = 'out:';
/** The client_state node of an outbound dial, before the flow has run a step. */
export const OUTBOUND_NODE = '__outbound';
/** The query parameter of the TeXML voice URL that names an outbound flow call. */
export const OUTBOUND_QUERY = 'outbound';

/** The token an outbound dial's client_state carries, or undefined for every other client_state. */
export function outboundToken(clientState: string | null | undefined): string | undefined {
  const cs = decodeClientState(clientState);
  return cs?.node === OUTBOUND_NODE && cs.flow.startsWith(OUT_PREFIX) ? cs.flow.slice(OUT_PREFIX.length) : undefined;
}

/** TeXML's `MachineDetection` / `DetectionMode` for a Call Control AMD mode (TeXML has fewer). */
function texmlAmd(amd: AmdMode): Record<string, string> {
  if (amd === 'disabled') return { MachineDetection: 'Disable' };
  if (amd === 'premium') return { MachineDetection: 'Enable', DetectionMode: 'Premium' };
  return { MachineDetection: amd === 'detect' ? 'Enable' : 'DetectMessageEnd' };
}

/**
 * Dials `to` from `from` (an active number of the company: anything else is refused, 400 `from`) and runs
 * the flow's published version on the call once it is answered (no such flow of the company, or none
 * published: 400 `flowId`). The first minute and the AMD fee must fit the budget (402). Returns Telnyx's
 * call id; the call log row (direction outbound) exists when it returns.
 */
export async function startFlowCall(ctx: Ctx, req: FlowCallRequest): Promise<FlowCall> {
  const { companyId } = req;
  const amd = req.amd ?? 'greeting_end';
  const number = await ctx.store.numberByE164(req.from);
  if (!number || !(await owned(ctx, companyId, req.from))) throw new AppError('bad_request', `from: ${req.from} is not an active number of this company`, ['from']);
  const flow = await ctx.store.getFlow(companyId, req.flowId);
  if (!flow) throw new AppError('bad_request', `flowId: no flow ${req.flowId} in this company`, ['flowId']);
  if (!flow.publishedVersion) throw new AppError('bad_request', `flowId: flow ${req.flowId} has no published version (publish it first)`, ['flowId']);
  const mode = number.mode;
  const [rates, inc] = await Promise.all([ratesOf(ctx, companyId), incrementOf(ctx, companyId)]);
  const first = perMinute(rates.call_out_minute, billedSeconds(60, inc)) + (amd === 'disabled' ? 0 : rates.amd_call);
  const hold = await holdBudget(ctx, companyId, first, 'This call');
  try {
    const connection = await connectionFor(ctx, companyId, mode);
    if (!connection) throw new AppError('bad_request', `No ${mode === 'texml' ? 'TeXML application' : 'Call Control connection'} for ${req.from}: set one with PUT /api/numbers/connections`, ['connection']);
    const token = randomUUID();
    const row = { token, companyId, flowId: flow.id, version: flow.publishedVersion, mode, from: req.from, to: req.to, vars: req.vars ?? {}, amd };
    await ctx.store.addOutboundCall(row);
    const callId = mode === 'texml' ? await dialTexml(ctx, connection, row, req.timeoutSecs) : await dialCallControl(ctx, connection, row, req.timeoutSecs);
    await outboundSession(ctx, token, callId, null);
    return { callId, mode, token };
  } finally {
    // A call is charged when it ends; once it is in the call log, its first minute stays counted only by the check above.
    hold.release();
  }
}

async function dialCallControl(ctx: Ctx, connection: string, o: Omit<OutboundCallRow, 'callId' | 'createdAt'>, timeoutSecs = 30): Promise<string> {
  let data;
  try {
    data = (await ctx.telnyx.calls.dial({
      connection_id: connection, from: o.from, to: o.to, answering_machine_detection: o.amd, timeout_secs: timeoutSecs,
      webhook_url: `${ctx.publicUrl()}/webhooks/call-control`, command_id: `out-${o.token}`,
      client_state: encodeClientState({ flow: `${OUT_PREFIX}${o.token}`, node: OUTBOUND_NODE, seq: 0 }),
    })).data;
  } catch (err) { throw telnyxError(err, 'Dialling'); }
  if (!data?.call_control_id) throw new AppError('telnyx', 'Telnyx returned no call_control_id');
  return data.call_control_id;
}

async function dialTexml(ctx: Ctx, application: string, o: Omit<OutboundCallRow, 'callId' | 'createdAt'>, timeoutSecs = 30): Promise<string> {
  const base = `${ctx.publicUrl()}/webhooks/texml`;
  let data;
  try {
    // The SDK's type for this endpoint lists only From/To/Url/Texml/Method; Telnyx's TeXML AMD guide sends the
    // calls API's other fields (machine detection, status callback, timeout) in the same body.
    data = await ctx.telnyx.texml.calls.create(application, {
      From: o.from, To: o.to, Url: `${base}?${OUTBOUND_QUERY}=${o.token}`, Method: 'POST',
      StatusCallback: `${base}/status`, StatusCallbackMethod: 'POST', Timeout: timeoutSecs, ...texmlAmd(o.amd),
    } as never);
  } catch (err) { throw telnyxError(err, 'Dialling'); }
  const sid = (data as { call_sid?: string } | undefined)?.call_sid;
  if (!sid) throw new AppError('telnyx', 'Telnyx returned no call_sid');
  return sid;
}

/**
 * The session of an outbound flow call, created on first sight (the dial's answer or the call's first
 * webhook, whichever is first; both write the same rows, once): the call log (direction outbound) and the
 * session on the flow version of the dial. Undefined when the token is unknown or names another call.
 */
export async function outboundSession(ctx: Ctx, token: string, callId: string, callSessionId: string | null): Promise<SessionRow | undefined> {
  const o = await ctx.store.outboundCall(token);
  if (!o || !(await ctx.store.linkOutboundCall(token, callId))) return undefined;
  const base = { callId, companyId: o.companyId, flowId: o.flowId, version: o.version, mode: o.mode };
  await ctx.store.startCall({ ...base, callSessionId }, { ...base, direction: 'outbound', from: o.from, to: o.to, startedAt: ctx.now().toISOString() });
  return ctx.store.getSession(callId);
}

/** AMD modes whose detection reports a machine's greeting end (Telnyx: `call.machine.greeting.ended` / premium). */
const REPORTS_GREETING: ReadonlySet<AmdMode> = new Set(['detect_beep', 'detect_words', 'greeting_end', 'premium']);
const readsAmd = new WeakMap<Flow, boolean>();

/**
 * What answering machine detection said so far on this call, for a flow with a node that reads it
 * (NodeKind.readsAmd); undefined for other flows (no read) and for calls without detection (inbound ones).
 * From the call log (webhooks record `amdResult` / `amdGreeting` as they come) and the dial's AMD mode.
 */
export async function amdEnv(ctx: Ctx, callId: string, flow: Flow): Promise<AmdEnv | undefined> {
  let reads = readsAmd.get(flow);
  if (reads === undefined) readsAmd.set(flow, reads = flow.nodes.some((n) => kindOf(n.type)?.readsAmd));
  if (!reads) return undefined;
  const o = await ctx.store.outboundByCallId(callId);
  if (!o || o.amd === 'disabled') return undefined;
  const call = await ctx.store.callById(callId);
  return { result: call?.amdResult ?? null, greeting: call?.amdGreeting ?? null, greetingReported: REPORTS_GREETING.has(o.amd) };
}

/**
 * The `call.started` of a call's first step: an outbound flow call starts `outbound` with the dial's vars;
 * every other call `inbound`. From and to as the call log has them (else as the webhook says).
 */
export async function startedEvent(ctx: Ctx, callId: string, log: CallLogRow | undefined, said: { from?: string; to?: string }): Promise<Extract<EngineEvent, { type: 'call.started' }>> {
  const out = log?.direction === 'outbound' ? await ctx.store.outboundByCallId(callId) : undefined;
  const base = { type: 'call.started' as const, from: log?.from ?? said.from ?? '', to: log?.to ?? said.to ?? '', callId };
  if (!out) return { ...base, direction: 'inbound' };
  // A hold queue's call back resumes in the queue (server/calls/queue.ts).
  const startAt = await callbackStart(ctx, { companyId: out.companyId, flowId: out.flowId, callId }, out.vars);
  return { ...base, direction: 'outbound', vars: out.vars, ...(startAt ? { startAt } : {}) };
}
