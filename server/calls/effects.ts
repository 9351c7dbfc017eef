/**
 * The engine's domain effects (engine/types.ts `Effect`), run by the server from one table. The engine
 * decides what happens (a text to send, a message to keep, a team member to release) and says it in the
 * instruction; the server only carries it out, and never reads a node's data or the call's variables to
 * work out what the engine meant. Neither transport renders an effect (TeXML has no verb for them, Call
 * Control no command), so the server runs them in both modes alike, in the order the step emitted them,
 * only in the attempt that stored the step, and only once it is durable (server/calls/runner.ts).
 */
import { isEffect, type EffectInstruction, type EffectVerb, type Instruction } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { SessionRow } from '../store/types.js';
import { flowSmsBlocked } from '../messaging/send.js';
import { voicemailRecorded } from './voicemail.js';
import { updateQueue } from './queue.js';

/** Runs one effect of a step of `session`. A failure is logged by {@link runEffects}; the call goes on. */
export type EffectRunner<V extends EffectVerb> = (ctx: Ctx, effect: Extract<EffectInstruction, { verb: V }>, session: SessionRow) => Promise<void>;

/** TeXML has no SMS verb and Call Control has no SMS command: `sms` goes through the messaging API in both modes. */
async function sendSms(ctx: Ctx, i: Extract<EffectInstruction, { verb: 'sms' }>, session: SessionRow): Promise<void> {
  const blocked = await flowSmsBlocked(ctx, session.companyId, i.to, i.text, i.mediaUrls?.length ?? 0);
  if (blocked) { ctx.log.info({ callId: session.callId, node: i.node, reason: blocked }, 'sms from flow not sent'); return; }
  try {
    await ctx.telnyx.messages.send({ from: i.from, to: i.to, text: i.text, ...(i.mediaUrls?.length ? { media_urls: i.mediaUrls } : {}) });
  } catch (err) {
    ctx.log.warn({ err, callId: session.callId, node: i.node }, 'sms from flow failed');
  }
}

/** A voicemail node's message becomes an inbox entry, unless voicemail is switched off for the number called. */
async function saveVoicemail(ctx: Ctx, i: Extract<EffectInstruction, { verb: 'voicemail.save' }>, session: SessionRow): Promise<void> {
  const call = await ctx.store.callById(session.callId);
  const number = call?.to ? await ctx.store.bizNumber(session.companyId, call.to) : undefined;
  if (number && !number.voicemail) return; // voicemail switched off for this number: nothing kept
  await voicemailRecorded(ctx, session.companyId, session.callId, i.url, {
    mailbox: i.mailbox, transcribe: i.transcribe, seconds: i.seconds, from: call?.from ?? undefined, to: call?.to ?? undefined,
  });
}

/** A connected dial is over: the member reached (by id, else by the number dialled) finished a call now. */
async function releaseMember(ctx: Ctx, i: Extract<EffectInstruction, { verb: 'member.release' }>, session: SessionRow): Promise<void> {
  if (!i.member && !i.to) return;
  await ctx.store.memberCallEnded(session.companyId, i.member ? { id: i.member } : { to: i.to }, ctx.now().toISOString());
}

/** A text conversation's wait (server/messaging/conversations.ts keeps it); a call has nobody texting, so nothing to do. */
async function awaitReply(ctx: Ctx, i: Extract<EffectInstruction, { verb: 'reply.await' }>, session: SessionRow): Promise<void> {
  ctx.log.info({ callId: session.callId, node: i.node }, 'reply.await in a call: nothing to wait for');
}

/** The one table: every effect verb has its runner (a new effect in the engine is a compile error here). */
export const EFFECT_RUNNERS = {
  sms: sendSms,
  'voicemail.save': saveVoicemail,
  'member.release': releaseMember,
  'reply.await': awaitReply,
  'queue.update': updateQueue,
} satisfies { [V in EffectVerb]: EffectRunner<V> };

/** Does the step emit anything for the server to run (so its commit must be awaited before it)? */
export const hasEffects = (instructions: readonly Instruction[]): boolean => instructions.some(isEffect);

/** Runs a step's effects in order; one that fails is logged and the next still runs (the caller's answer never depends on them). */
export async function runEffects(ctx: Ctx, session: SessionRow, instructions: readonly Instruction[]): Promise<void> {
  for (const i of instructions) {
    if (!isEffect(i)) continue;
    try {
      await (EFFECT_RUNNERS[i.verb] as EffectRunner<EffectVerb>)(ctx, i, session);
    } catch (err) {
      ctx.log.error({ err, callId: session.callId, node: i.node, effect: i.verb }, 'effect failed');
    }
  }
}
