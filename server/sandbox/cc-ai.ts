/**
 * Call Control's AI commands on one leg (the scripted AI of sandbox/ai.ts):
 * - `gather_using_ai`: the greeting, the caller's scripted answer, then `call.ai_gather.ended` (`status`
 *   valid|invalid, `result`, `message_history`) and `call.conversation.ended`, as the SDK lists both.
 * - `ai_assistant_start`: the conversation, then `call.conversation.ended` (`reason`, `assistant_id`,
 *   `conversation_id`, `duration_sec`) with the caller still on the line, or the caller's hang-up.
 * Both events carry the client_state of the command that started them: the app may have sent others since.
 */
import type { Body, CcLeg } from './cc-leg.js';
import { ASSISTANT_REASON, ASSISTANT_SECONDS, parametersProblem, playAiGather } from './ai.js';
import { uuid } from './util.js';

export async function gatherUsingAi(leg: CcLeg, b: Body): Promise<void> {
  const over = { client_state: leg.clientState || null };
  const started = leg.call.t;
  const out = await playAiGather(leg.call, typeof b.greeting === 'string' ? b.greeting : undefined, parametersProblem(b.parameters));
  if (!out) { await leg.hangupBy('caller', 'normal_clearing', 'caller', 'caller hung up during the AI gather'); return; }
  const conversation = uuid();
  await leg.emit('call.ai_gather.ended', { status: out.status, result: out.result, message_history: out.history }, over);
  await leg.emit('call.conversation.ended', { conversation_id: conversation, duration_sec: Math.round(leg.call.t - started), calling_party_type: 'pstn', reason: 'completed' }, over);
}

export async function startAiAssistant(leg: CcLeg, b: Body): Promise<void> {
  const over = { client_state: leg.clientState || null };
  const id = String((b.assistant as Body).id);
  if (typeof b.greeting === 'string' && b.greeting) leg.call.hear(b.greeting);
  leg.call.add('connected', `AI assistant ${id}`, ASSISTANT_SECONDS);
  const end = leg.call.nextAssistant();
  if (end === 'hangup') { await leg.hangupBy('caller', 'normal_clearing', 'caller', 'caller hung up on the AI assistant'); return; }
  leg.call.add('silence', `AI assistant ${id} ended: ${ASSISTANT_REASON[end]}`);
  await leg.emit('call.conversation.ended', {
    assistant_id: id, conversation_id: uuid(), duration_sec: ASSISTANT_SECONDS, calling_party_type: 'pstn', reason: ASSISTANT_REASON[end],
  }, over);
}
