import { Router } from 'express';
import { answerCommand, decodeClientState, encodeClientState, toCommands, type ClientState, type Command } from '../../engine/call-control.js';
import type { DialStatus, EngineEvent } from '../../engine/types.js';
import { advance } from '../calls/runner.js';
import type { Ctx } from '../deps.js';
import type { SessionRow, UnitOfWork } from '../store/types.js';
import { APOLOGY_NODE, endSafely, executeCommands, sendCommand, type ExecOptions } from '../telnyx/executor.js';
import { rawBody, webhook, type Answer, type Incoming } from './capture.js';
import { ccEvent, dialStatusOf, type CcPayload } from './cc-events.js';
import { joinSpeech, stopSpeech } from './cc-speech.js';
import { NOT_IN_SERVICE } from './texml.js';
import { waitFor } from './dedupe.js';
import { onCallControlEvent } from '../calls/lifecycle.js';
import { callOfAnotherCompany } from './company-check.js';
import { endRinging, ringLegEvent, type RingState } from './cc-ring.js';
import { httpResultFor } from '../calls/http-runner.js';
import type { HttpResult } from '../../engine/nodes/http-result.js';
import { rejectsFirst } from '../calls/reject-first.js';
import { unansweredReject } from '../../engine/nodes/reject.js';
import { outboundSession, outboundToken, startedEvent } from '../calls/outbound-flow.js';

const NOT_IN_SERVICE_NODE = '__not_in_service';
interface Envelope { data?: { id?: string; event_type?: string; payload?: CcPayload } }

const json = (body: unknown, extra: Partial<Answer> = {}): Answer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body), ...extra });

/** Runs commands; on a hard failure the call gets the safe ending (apology, then hangup). */
async function run(ctx: Ctx, ccid: string, flow: string, commands: Command[], o: ExecOptions): Promise<Record<string, unknown>> {
  const res = await executeCommands(ctx.telnyx, ccid, commands, o);
  if (res.ok) return { commands };
  const cs = encodeClientState({ flow, node: APOLOGY_NODE, seq: 0 });
  const fallback = await endSafely(ctx.telnyx, ccid, cs, String(commands[0]?.body.command_id ?? 'x'), o);
  return { commands, failed: res.failed, fallback };
}

/**
 * A simultaneous ring's `dial` commands as Telnyx takes them: on our
 * connection, linked to the caller's leg (same call session, so the legs'
 * webhooks find the call) and, without a callerId, from our number (Telnyx
 * shows the caller's own number through `bridge_intent`). Deterministic, so a
 * resend after a crash sends the same bodies.
 */
async function linkDials(ctx: Ctx, ccid: string, commands: Command[], connectionId: string | undefined): Promise<Command[]> {
  if (!commands.some((c) => c.action === 'dial')) return commands;
  const call = await ctx.store.callById(ccid);
  // Our number on the call: the one dialled for an inbound call, the caller ID of an outbound flow call.
  const ours = (call?.direction === 'outbound' ? call.from : call?.to) ?? undefined;
  const connection = connectionId ?? ctx.connections.callControl;
  return commands.map((c) => (c.action === 'dial' ? { action: c.action, body: { connection_id: connection, link_to: ccid, ...c.body, from: c.body.from ?? ours } } : c));
}

/** call.initiated: route by number, create the session and answer (or answer to say the number is not in service). */
async function initiated(ctx: Ctx, ccid: string, p: CcPayload, o: ExecOptions, mine?: Mine): Promise<Record<string, unknown>> {
  if (p.direction !== 'incoming') return { ignored: 'outgoing leg' };
  const number = p.to ? await ctx.store.numberByE164(p.to) : undefined;
  const existing = await ctx.store.getSession(ccid);
  if (existing && number && existing.companyId !== number.companyId) return { ignored: 'number of another company' };
  const flow = number?.flowId ? await ctx.store.getFlow(number.companyId, number.flowId) : undefined;
  if (!number || !flow?.publishedVersion) {
    const cmd: Command = { action: 'answer', body: { client_state: encodeClientState({ flow: '__none', node: NOT_IN_SERVICE_NODE, seq: 0 }), command_id: `answer-${ccid}` } };
    return run(ctx, ccid, '__none', [cmd], o);
  }
  const base = { callId: ccid, companyId: number.companyId, flowId: flow.id, version: flow.publishedVersion, mode: 'call-control' as const };
  await ctx.store.startCall({ ...base, callSessionId: p.call_session_id ?? null }, { ...base, direction: 'inbound', from: p.from ?? null, to: p.to ?? null, startedAt: ctx.now().toISOString() });
  const call = { callId: ccid, from: p.from ?? '', to: p.to ?? '' };
  if (mine && await rejectsFirst(ctx, base, call)) return refuseUnanswered(ctx, mine, base, call, o);
  return run(ctx, ccid, flow.id, [answerCommand(ccid, flow.id)], o);
}

/**
 * The flow refuses the call before anything answers it (server/calls/reject-first.ts): its first step is taken
 * now, on call.initiated, and stored like any step; its command is Telnyx's `reject`, never `answer`. (Should the
 * stored step not be a reject after all, the call is answered and the step's commands follow the answer.)
 */
async function refuseUnanswered(ctx: Ctx, mine: Mine, base: { callId: string; flowId: string }, call: { callId: string; from: string; to: string }, o: ExecOptions): Promise<Record<string, unknown>> {
  const session = (await ctx.store.getSession(base.callId))!;
  if (session.snapshot) return { ignored: 'already started' };
  let commands: Command[] = [];
  const started: EngineEvent = { type: 'call.started', from: call.from, to: call.to, callId: call.callId, direction: 'inbound' };
  const adv = await advance(ctx, session, started, {
    key: mine.key,
    render: (r) => {
      const clientState = encodeClientState({ flow: base.flowId, node: 'reject', seq: r.snapshot.context.seq });
      const refuse = unansweredReject(r.instructions, { callId: base.callId, clientState });
      commands = refuse ? [refuse] : [answerCommand(base.callId, base.flowId), ...toCommands(r.instructions, { callId: base.callId, flowId: base.flowId })];
      return JSON.stringify({ commands });
    },
    unit: mine.unit,
  });
  if (adv.kind !== 'stepped') return { ignored: adv.kind };
  mine.stepped = true;
  await mine.unit.durable();
  return run(ctx, base.callId, base.flowId, commands, o);
}

/** What `handle` answers when a racing attempt won the step: its stored answer is what counts. */
const LOST = Symbol('lost the step to a racing attempt');

/** The event being handled: its dedupe key, the webhook's unit of work, and whether this attempt stepped the session with it. */
interface Mine { key: string; stepped: boolean; unit: UnitOfWork }

/**
 * Steps the session with `event` and carries out the commands. The answer
 * (`{commands}`) is stored with the snapshot, in one transaction, before any
 * command is sent; losing the snapshot write to a racing attempt is LOST.
 */
async function stepAndRun(ctx: Ctx, mine: Mine, session: SessionRow, event: EngineEvent, o: ExecOptions, connectionId?: string, before: Command[] = [], http?: HttpResult): Promise<Record<string, unknown> | typeof LOST> {
  const live = session.mode === 'call-control' && event.type !== 'call.ended';
  let commands: Command[] = [];
  const adv = await advance(ctx, session, event, {
    key: mine.key,
    render: (r) => {
      commands = live ? joinSpeech(before, toCommands(r.instructions, { callId: session.callId, flowId: session.flowId })) : [];
      return JSON.stringify({ commands });
    },
    // Written in the webhook's unit, committed with the turn's other units.
    unit: mine.unit,
    ...(http ? { http } : {}),
  });
  if (adv.kind === 'stale') return LOST;
  // No command leaves before the step is durable.
  if (adv.kind === 'stepped') await mine.unit.durable();
  if (adv.kind !== 'stepped') return { ignored: adv.kind };
  mine.stepped = true;
  if (!live) return { commands: [] };
  return run(ctx, session.callId, session.flowId, await linkDials(ctx, session.callId, commands, connectionId), o);
}

/** Marks that the dial of the session's current step was bridged. */
const bridgeKey = (s: SessionRow) => `bridged:${s.callId}:${s.seq}`;

/** Is this event about a step the call has already left? (Late or reordered delivery.) */
const isStale = (cs: ClientState | undefined, s: SessionRow) => !!cs && cs.flow === s.flowId && cs.seq !== s.seq;

/** `refused`: the company check failed; nothing about the call (flow, call log, charges) may act on the event. */
async function handle(ctx: Ctx, mine: Mine, type: string, p: CcPayload, o: ExecOptions): Promise<{ body: Record<string, unknown> | typeof LOST; session?: SessionRow; refused?: boolean }> {
  const ccid = p.call_control_id ?? '';
  const cs = decodeClientState(p.client_state);
  // A leg we dialled for a simultaneous ring is not a new call: handled below, with its owner.
  if (type === 'call.initiated' && !(cs?.ring && p.direction === 'outgoing')) {
    const body = await initiated(ctx, ccid, p, o, mine);
    if (body.ignored === 'number of another company') return { body, refused: true };
    // A transfer target's leg (outgoing, in the caller's call session) is logged with the call it belongs to.
    const owner = p.direction === 'outgoing' && p.call_session_id ? await ctx.store.sessionByCallSessionId(p.call_session_id) : undefined;
    return { body, session: (await ctx.store.getSession(ccid)) ?? owner };
  }
  // The safe endings: not-in-service message after answer, and hangup after any apology.
  if (type === 'call.answered' && cs?.node === NOT_IN_SERVICE_NODE) {
    const speak: Command = { action: 'speak', body: { payload: NOT_IN_SERVICE, voice: 'female', language: 'en-US', client_state: encodeClientState({ flow: '__none', node: APOLOGY_NODE, seq: 0 }), command_id: `nis-${ccid}` } };
    return { body: await run(ctx, ccid, '__none', [speak], o) };
  }
  if ((type === 'call.speak.ended' || type === 'call.playback.ended') && cs?.node === APOLOGY_NODE) {
    await sendCommand(ctx.telnyx, ccid, { action: 'hangup', body: { command_id: `apology-end-${ccid}` } }, o);
    return { body: { commands: [{ action: 'hangup' }] } };
  }
  let session = ccid ? await ctx.store.getSession(ccid) : undefined;
  // An outbound flow call's first webhook may come before the dial's answer was stored: its token finds the flow.
  // The dial's answer created the session without a call session id: the first webhook that names one fills it in
  // (a transfer target's events find their call by it).
  const out = ccid && (!session || (!session.callSessionId && p.call_session_id)) ? outboundToken(p.client_state) : undefined;
  if (out) session = (await outboundSession(ctx, out, ccid, p.call_session_id ?? null)) ?? session;
  // The company check (server/webhooks/company-check.ts): the call's own leg names the company's number.
  if (session && await callOfAnotherCompany(ctx, session.companyId, session.callId, p.to, p.from)) {
    ctx.log.warn({ type, ccid, to: p.to }, 'call control event refused: the call belongs to another company than its number');
    return { body: { ignored: 'number of another company' }, refused: true };
  }
  if (!session && p.call_session_id) {
    // Not our leg: the transfer target (same call session), or a recording event without call_control_id.
    const owner = await ctx.store.sessionByCallSessionId(p.call_session_id);
    if (owner && cs?.ring && ccid && ccid !== owner.callId) {
      // A leg of a simultaneous ring (see cc-ring.ts).
      const end = (status: DialStatus, to?: string) => stepAndRun(ctx, mine, owner, { type: 'dial.ended', status, ...(to ? { to } : {}) }, o, p.connection_id);
      return { body: (await ringLegEvent(ctx, owner, type, p, cs as RingState, o, end)) as Record<string, unknown> | typeof LOST, session: owner };
    }
    if (owner && type === 'call.hangup' && ccid && ccid !== owner.callId) {
      if (isStale(cs, owner) || !cs) return { body: { ignored: 'stale target leg' }, session: owner };
      const bridged = (await ctx.store.eventAnswer(bridgeKey(owner))) !== undefined;
      const status = bridged ? 'connected' : dialStatusOf(p.hangup_cause);
      return { body: await stepAndRun(ctx, mine, owner, { type: 'dial.ended', status }, o, p.connection_id), session: owner };
    }
    if (owner && type === 'call.recording.saved') session = owner;
    else if (owner) return { body: { ignored: 'other leg' }, session: owner };
  }
  if (!session) return { body: { ignored: 'unknown call' } };
  if (type === 'call.answered') {
    if (session.snapshot) return { body: { ignored: 'already started' }, session };
    await ctx.store.patchCallLog(session.callId, { answeredAt: ctx.now().toISOString() });
    const log = await ctx.store.getCall(session.companyId, session.callId);
    const started: EngineEvent = await startedEvent(ctx, session.callId, log, { from: p.from, to: p.to });
    return { body: await stepAndRun(ctx, mine, session, started, o, p.connection_id), session };
  }
  if (type === 'call.hangup') {
    await ctx.store.patchCallLog(session.callId, { endedAt: ctx.now().toISOString(), hangupCause: p.hangup_cause, hangupSource: p.hangup_source });
    await endRinging(ctx, session, o);
  }
  if (type === 'call.machine.detection.ended' || type === 'call.machine.premium.detection.ended') await ctx.store.patchCallLog(session.callId, { amdResult: p.result ?? 'not_sure' });
  if (type === 'call.machine.greeting.ended' || type === 'call.machine.premium.greeting.ended') await ctx.store.patchCallLog(session.callId, { amdGreeting: p.result ?? 'not_sure' });
  // Telnyx does not order its deliveries: AMD's result can reach us before call.answered. It is kept on the call log
  // above, where the flow's first step reads it (outbound-flow.ts amdEnv); stepping now would start the flow early and
  // the answer would then find it "already started" and the call silent.
  if (type.startsWith('call.machine.') && !session.snapshot) return { body: { ignored: 'machine detection before the answer: kept for the first step' }, session };
  if (type === 'call.bridged') {
    // Bridged: the transfer connected. The flow carries on when the conversation ends
    // (the target leg hangs up), as TeXML's Dial action does; stepping now would run the
    // next node (often a hangup) over a live conversation.
    if (!isStale(cs, session)) await ctx.store.claimEvent(bridgeKey(session));
    return { body: { bridged: true }, session };
  }
  let event = ccEvent(type, p);
  // The end of an httpRequest's hold prompt: the step goes on with the request's result, once it is in (at most its timeout).
  let http: HttpResult | undefined;
  if (event?.type === 'http.ended' && !isStale(cs, session)) event = { type: 'http.ended', result: (http = await httpResultFor(ctx, session.callId, session.seq, mine.key)) };
  if (event?.type === 'recording.saved') await ctx.store.patchCallLog(session.callId, { recordingUrl: event.url, recordingSeconds: event.seconds });
  if (!event) return { body: { ignored: type }, session };
  // AMD's events are the call's, not a step's: they carry whatever client_state the last command set.
  if (type !== 'call.hangup' && !type.startsWith('call.machine.') && isStale(cs, session)) return { body: { ignored: 'stale', seq: cs?.seq, current: session.seq }, session };
  // A transcript counts only while a speech menu listens (a late one after its stop carries the next step's state).
  if (type === 'call.transcription' && !cs?.speech) return { body: { ignored: 'not listening for speech' }, session };
  const before = cs?.speech && (type === 'call.transcription' || type === 'call.gather.ended') ? stopSpeech(type, cs, session.callId) : [];
  return { body: await stepAndRun(ctx, mine, session, event, o, p.connection_id, before, http), session };
}

async function callControl(ctx: Ctx, inc: Incoming): Promise<Answer> {
  let env: Envelope;
  try { env = JSON.parse(inc.raw) as Envelope; } catch {
    return { status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'bad_request', message: 'Body is not JSON', path: [] } }) };
  }
  const id = env.data?.id;
  const type = env.data?.event_type;
  if (!id || !type) return { status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'bad_request', message: 'data.id and data.event_type are required', path: ['data'] } }) };
  const p = env.data?.payload ?? {};
  const key = `cc:${id}`;
  const reply = async (answer: string, s?: SessionRow) => {
    s ??= p.call_control_id ? await ctx.store.getSession(p.call_control_id) : undefined;
    return { status: 200, contentType: 'application/json' as const, body: answer, eventId: id, callId: s?.callId ?? null, companyId: s?.companyId ?? null };
  };
  const o: ExecOptions = { attempts: ctx.commandAttempts, delayMs: ctx.retryDelayMs, log: ctx.log, onError: (action, final) => ctx.metrics.commandError(action, final) };
  // Done: answered and its commands sent. Answered only: a crash (or a racing attempt still at work) between the two.
  const stored = await ctx.store.eventState(key);
  if (stored?.done) return reply(stored.answer ?? JSON.stringify({ duplicate: true }));
  if (stored?.answer != null) return reply(await complete(ctx, key, type, p, o));
  // Never answered: first delivery, or a retry of one that died before its step was stored. Process it.
  const mine: Mine = { key, stepped: false, unit: inc.unit };
  let out: Awaited<ReturnType<typeof handle>>;
  try {
    out = await handle(ctx, mine, type, p, o);
  } catch (err) {
    // Our bug or a broken flow version: never leave the caller in silence.
    ctx.log.error({ err, type, ccid: p.call_control_id }, 'call control event failed; ending the call safely');
    const ccid = p.call_control_id;
    const live = ccid && type !== 'call.hangup';
    const fallback = live ? await endSafely(ctx.telnyx, ccid, encodeClientState({ flow: '__error', node: APOLOGY_NODE, seq: 0 }), `error-${id}`, o) : 'none';
    out = { body: { error: 'internal', fallback }, session: ccid ? await ctx.store.getSession(ccid).catch(() => undefined) : undefined };
  }
  const { body, session } = out;
  // A racing attempt stepped first: its answer is the answer, and its commands are its to send.
  if (body === LOST) return reply(await complete(ctx, key, type, p, o), session);
  // Call log of outbound legs, charges, recordings, voicemail, team; a failure here must not change the answer.
  if (!out.refused) await onCallControlEvent(ctx, type, p).catch((err) => ctx.log.error({ err, type }, 'call lifecycle hook failed'));
  const answer = JSON.stringify(body);
  const done = json(body, { eventId: id, callId: session?.callId ?? null, companyId: session?.companyId ?? null });
  // Stepped: the answer went in with the snapshot; the commands are sent, so it is done now.
  // The done flag commits with the webhook's log row (its unit), before the answer.
  if (mine.stepped) { await ctx.store.finishEvent(key, answer, inc.unit); return done; }
  // Not stepped: store the answer, unless another attempt stored one meanwhile (then that one counts).
  if (await ctx.store.storeEventAnswer(key, answer, true)) return done;
  return reply(await complete(ctx, key, type, p, o), session);
}

/**
 * An event answered by another attempt: once that attempt had its moment to
 * finish (GRACE_MS after it stored the answer) and has not, it died between
 * storing and sending — send its commands again (same `command_id`s, Telnyx
 * drops repeats), run the lifecycle hook (idempotent) and mark it done.
 */
async function complete(ctx: Ctx, key: string, type: string, p: CcPayload, o: ExecOptions): Promise<string> {
  const s = await waitFor(ctx, key, (x) => x.done);
  if (!s || s.answer == null) return JSON.stringify({ duplicate: true });
  if (s.done) return s.answer;
  const body = JSON.parse(s.answer) as { commands?: Command[]; failed?: unknown };
  let answer = s.answer;
  if (body.commands?.length && !body.failed) {
    // The leg the commands were for: this event's, or (a transfer target's hangup, a recording) its session owner's.
    const own = p.call_control_id ? await ctx.store.getSession(p.call_control_id) : undefined;
    const owner = !own && p.call_session_id ? await ctx.store.sessionByCallSessionId(p.call_session_id) : undefined;
    const ccid = own?.callId ?? owner?.callId ?? p.call_control_id ?? '';
    const flow = decodeClientState(body.commands[0]?.body.client_state as string | undefined)?.flow ?? '__none';
    answer = JSON.stringify(await run(ctx, ccid, flow, await linkDials(ctx, ccid, body.commands, p.connection_id), o));
  }
  await onCallControlEvent(ctx, type, p).catch((err) => ctx.log.error({ err, type }, 'call lifecycle hook failed'));
  await ctx.store.finishEvent(key, answer);
  return answer;
}

/** POST /webhooks/call-control: Telnyx Voice API v2 events (JSON envelope). */
export function callControlRouter(ctx: Ctx, check: (raw: string, h: Record<string, string>) => Promise<string | undefined>): Router {
  const r = Router();
  r.post('/webhooks/call-control', rawBody, webhook(ctx, 'call-control', check, (i) => callControl(ctx, i), () => json({ error: 'internal' })));
  return r;
}
