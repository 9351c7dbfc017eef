/**
 * `POST /v2/calls` (dial) as Telnyx plays it: a new leg with its own
 * call_control_id and its own webhooks. A leg dialled with `link_to` rings one
 * of the linked caller's scripted callee outcomes (one per leg, in dial order):
 * `answer`/`voicemail` → call.initiated + call.answered; `busy` → call.hangup
 * `user_busy`; `failed` → `call_rejected`; `no-answer` → `timeout` after
 * `timeout_secs`. Legs linked to the same call play one after another, in the
 * order they were dialled, so the first listed member to answer is the first
 * the app hears of. A leg the app hung up while it rang ends `originator_cancel`.
 */
import type { SandboxContext } from './context.js';
import type { Body, CcLeg } from './cc-leg.js';
import { picksUp, screenKeys, type Unanswered } from './sim-call.js';
import { DEFAULT_CALLEE, type CalleeScript } from './callees.js';
import { playOutboundCc } from './outbound.js';

/** How Telnyx ends a leg the callee did not take (TELNYX.md §3 hangup_cause). */
export const CAUSES: Record<Unanswered, { cause: string; text: string }> = {
  busy: { cause: 'user_busy', text: 'busy' },
  failed: { cause: 'call_rejected', text: 'failed' },
  'no-answer': { cause: 'timeout', text: 'no answer' },
};

/** Legs linked to each call play in turn: the linked leg → the chain of their outcomes. */
const chains = new WeakMap<CcLeg, Promise<void>>();

/** Plays a new outbound leg: linked (a member rung for a caller) or a plain outbound call that answers. */
export function playDialledLeg(ctx: SandboxContext, leg: CcLeg, b: Body, linked: CcLeg | undefined, callee: CalleeScript = DEFAULT_CALLEE): void {
  const call = leg.call;
  const initiated = () => leg.emit('call.initiated', { direction: 'outgoing', state: 'bridging', start_time: call.startedAt.toISOString() });
  const answered = async () => {
    leg.state = 'answered';
    call.add('connected', call.to);
    await leg.emit('call.answered', { state: 'answered', start_time: call.startedAt.toISOString() });
  };
  if (!linked) {
    // A plain outbound call: its scripted callee (outbound.ts; a person by default) and AMD as Telnyx reports it.
    leg.enqueue(() => playOutboundCc(leg, b, callee));
    return;
  }
  const outcome = linked.call.nextCallee();
  const timeout = Number(b.timeout_secs ?? 30);
  // call.initiated follows the dial at once (on the leg's own queue, before any command's effect on it).
  const rang = new Promise<void>((resolve) => { leg.enqueue(async () => { await initiated(); resolve(); }); });
  const gone = () => leg.state === 'ended' || !!call.ended;
  const play = async () => {
    await rang;
    if (gone()) return; // hung up by the app while it rang
    linked.call.add('ringing', call.to, picksUp(outcome) ? 4 : 0);
    call.add('ringing', call.to, outcome === 'no-answer' ? timeout : 4);
    if (picksUp(outcome)) {
      // What this person does if the app screens the leg (a gather on it): their keys, or nothing (a voicemail never presses).
      call.scriptKeys(screenKeys(outcome), outcome === 'voicemail' ? 'voicemail' : 'person', linked.call);
      await answered();
      return;
    }
    const c = CAUSES[outcome as Unanswered];
    linked.call.add('silence', `${call.to}: ${c.text}`);
    await leg.hangupBy('caller', c.cause, 'transfer', `${call.to}: ${c.text}`);
  };
  const next = (chains.get(linked) ?? Promise.resolve()).then(play).catch((err: Error) => { linked.call.add('error', `sandbox error: ${err.message}`); });
  chains.set(linked, next);
}
