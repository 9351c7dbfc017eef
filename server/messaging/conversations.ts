/**
 * SMS-triggered flows (issue #13 item 7b): a text to a number with an SMS flow (`PUT /api/numbers/:e164`
 * `smsFlowId`) starts or continues the texter's conversation, one run of that flow in mode `sms` (the third way
 * a flow runs, beside TeXML and Call Control: engine/README.md "Text conversations").
 *
 *   message.received ─▶ inbound.ts (stored once, STOP/START/HELP answered) ─▶ conversationText
 *        ─▶ the pair's active conversation, or a new one on the number's published SMS flow
 *        ─▶ step (pure) ─▶ one conditional write on seq (+ the waitForReply's due time) ─▶ its texts, sent after
 *   sweeper (every 15 s) ─▶ due conversations ─▶ input.timeout, claimed by the same conditional write
 *
 * The texts go through the messaging send path (sendMessage: the sender must be the company's active number, an
 * opted-out texter gets nothing, the budget cap holds) and are stored in the thread like any message.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { step } from '../../engine/step.js';
import { awaitedMinutes } from '../../engine/simulate-sms.js';
import type { EngineEvent, Env, StepResult } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { ConversationRow } from '../store/conversation-types.js';
import type { MessageRow } from '../store/business-types.js';
import { flowFor, versionKey } from '../calls/runner.js';
import type { Keyword } from './keywords.js';
import { sendMessage } from './send.js';

/** What stepping a conversation did: `stale` when another step (a retry, another instance, the sweeper) won. */
export type ConversationStep = 'stepped' | 'ignored' | 'stale' | 'failed';

/** Why a run ended, from its last step's trace (`end-of-flow`, `hangup`, `unwired`, ...), or `not-waiting`. */
function endedReason(r: StepResult): string {
  const ended = r.trace.findLast((t) => t.kind === 'ended');
  return ended?.kind === 'ended' ? ended.reason : 'not-waiting';
}

/**
 * One event for one conversation: the engine's step, written with one conditional write on the row's seq, then
 * (only by the step that won) its texts sent in order. A run waits only where a waitForReply said so (`reply.await`,
 * its due time stored with the step); a step that ends or waits on anything else finishes the run.
 */
export async function stepConversation(ctx: Ctx, conv: ConversationRow, event: EngineEvent): Promise<ConversationStep> {
  let r: StepResult;
  try {
    const flow = await flowFor(ctx, conv);
    const company = await ctx.store.company(conv.companyId);
    const env: Env = { now: ctx.now().toISOString(), mode: 'sms', company: { name: company?.name ?? '', id: conv.companyId } };
    r = step(flow, conv.snapshot, event, env, { version: versionKey(conv.companyId, conv.flowId, conv.version) });
  } catch (err) {
    // A version this engine cannot run: the conversation ends (nothing is sent); the next text tries again.
    ctx.log.error({ err, conversation: conv.id, flowId: conv.flowId, version: conv.version }, 'SMS flow could not run');
    if (conv.snapshot) await ctx.store.saveConversation(conv.id, conv.seq, conv.snapshot, { dueAt: null, done: true, endedReason: 'error' });
    else await ctx.store.endConversations(conv.companyId, conv.customer, 'error');
    return 'failed';
  }
  if (conv.snapshot && !r.trace.length && !r.instructions.length) return 'ignored';
  const minutes = awaitedMinutes(r);
  const done = minutes === undefined;
  const dueAt = done ? null : new Date(ctx.now().getTime() + minutes * 60_000).toISOString();
  const saved = await ctx.store.saveConversation(conv.id, conv.seq, r.snapshot, { dueAt, done, ...(done ? { endedReason: endedReason(r) } : {}) });
  if (!saved) return 'stale';
  for (const i of r.instructions) {
    if (i.verb !== 'sms') continue; // reply.await is the due time above; a hangup ends the run; nothing else applies to a text
    try {
      await sendMessage(ctx, conv.companyId, { from: i.from, to: i.to, text: i.text, ...(i.mediaUrls?.length ? { mediaUrls: i.mediaUrls } : {}) });
    } catch (err) {
      // Opted out, past the budget, not our number, Telnyx down: logged; the conversation goes on.
      ctx.log.warn({ err, conversation: conv.id, node: i.node }, 'text from SMS flow not sent');
    }
  }
  return 'stepped';
}

/**
 * An inbound text, stored once (inbound.ts calls this only for the first delivery): STOP ends the texter's
 * conversations and START / HELP are answered by the keyword rules only (they win over any flow); any other text
 * from a texter who has not opted out continues the pair's conversation or starts the number's SMS flow.
 */
export async function conversationText(ctx: Ctx, companyId: string, m: MessageRow, keyword: Keyword | undefined): Promise<void> {
  if (keyword === 'stop') { await ctx.store.endConversations(companyId, m.customer, 'stopped'); return; }
  if (keyword || !m.customer || !m.ourNumber) return;
  if (await ctx.store.isOptedOut(companyId, m.customer)) return;
  // A step that lost its write (the sweeper's timeout, a text that came at the same time) is tried again on the row as it is now.
  for (let attempt = 0; attempt < 3; attempt++) {
    const conv = (await ctx.store.activeConversation(m.ourNumber, m.customer)) ?? (await startRun(ctx, companyId, m));
    if (!conv) return;
    const event: EngineEvent = { type: 'message.received', from: m.customer, to: m.ourNumber, text: m.text ?? '', conversationId: conv.id, ...(m.media.length ? { media: m.media } : {}) };
    if ((await stepConversation(ctx, conv, event)) !== 'stale') return;
  }
  ctx.log.warn({ number: m.ourNumber, message: m.id }, 'text not given to its SMS flow: three steps lost to others');
}

/** A new run of the number's SMS flow at its published version; undefined when there is none (or another text started one first). */
async function startRun(ctx: Ctx, companyId: string, m: MessageRow): Promise<ConversationRow | undefined> {
  const flowId = await ctx.store.smsFlowOf(m.ourNumber);
  if (!flowId) return undefined;
  const flow = await ctx.store.getFlow(companyId, flowId);
  if (!flow?.publishedVersion) { ctx.log.warn({ number: m.ourNumber, flowId }, 'SMS flow has no published version'); return undefined; }
  return (await ctx.store.startConversation({ id: randomUUID(), companyId, number: m.ourNumber, customer: m.customer, flowId, version: flow.publishedVersion }))
    ?? ctx.store.activeConversation(m.ourNumber, m.customer);
}

/**
 * One sweep: every conversation whose waitForReply is due at `ctx.now()` gets `input.timeout`. The step's
 * conditional write on seq is the claim: of two sweepers (two instances) or a sweeper and a reply, one step wins
 * and only it sends. Returns how many timeouts this sweep fired.
 */
export async function sweepConversations(ctx: Ctx, limit = 100): Promise<number> {
  let fired = 0;
  for (const c of await ctx.store.dueConversations(ctx.now().toISOString(), limit)) {
    if ((await stepConversation(ctx, c, { type: 'input.timeout' })) === 'stepped') fired++;
  }
  return fired;
}

/** Sweeps every `everyMs` (unref'd: never what keeps the process alive); returns stop. As the voicemail purger, any instance may run one. */
export function startConversationSweeper(ctx: Ctx, log: Pick<Logger, 'warn'> = ctx.log, everyMs = 15_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepConversations(ctx)
      .catch((err: unknown) => log.warn({ err }, 'SMS flow timeouts failed; the next sweep tries again'))
      .finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
