/**
 * Simultaneous ring in Call Control: the step dialled one leg per member
 * (engine `dial` commands, `client_state.ring` = how many). Telnyx reports
 * each leg on its own (call.initiated, call.answered, call.hangup, all in the
 * caller's call session through `link_to`); this module bridges the first to
 * answer with the caller (parked after unbridge, so the flow goes on from
 * `connected` when the member hangs up), hangs up the others and, when every
 * leg ended unanswered, ends the dial with their combined status.
 *
 * A screened dial (`client_state.screen`, one leg or several) is rung the
 * same way, but a leg that answers first gets the whisper and a one-key
 * gather (the step's stored screen, server/calls/screen.ts); only its
 * `call.gather.ended` with the accept key bridges it (first to accept wins),
 * anything else hangs the leg up, and that hangup counts as no answer.
 *
 * Its bookkeeping lives in `processed_events` rows (one conditional write
 * each, so racing or redelivered webhooks agree): `ring:<call>:<seq>:leg:<k>`
 * the k-th leg seen, `:winner` the leg bridged, `:ended:<k>` the k-th leg
 * that ended unanswered (answer `<leg> <status>`).
 */
import { encodeClientState, screenCommands, type ClientState, type Command } from '../../engine/call-control.js';
import type { DialStatus } from '../../engine/types.js';
import type { Ctx } from '../deps.js';
import type { SessionRow } from '../store/types.js';
import { executeCommands, sendCommand, type ExecOptions } from '../telnyx/executor.js';
import { accepts, storedScreen } from '../calls/screen.js';
import { dialStatusOf, type CcPayload } from './cc-events.js';

/** A client_state of a rung leg. */
export type RingState = ClientState & { ring: number };

/** Ends the dial of the owner's current step with `status` (the route's stepAndRun). */
export type EndDial = (status: DialStatus, to?: string) => Promise<Record<string, unknown> | symbol>;

const key = (s: SessionRow, cs: RingState, what: string) => `ring:${s.callId}:${cs.seq}:${what}`;

/** The first free slot `<prefix><k>` (k < limit) now holding `value`; -1 when `value` was already in one or all are taken. */
async function append(ctx: Ctx, prefix: string, value: string, limit: number): Promise<number> {
  for (let k = 0; k < limit; k++) {
    if (await ctx.store.storeEventAnswer(`${prefix}${k}`, value, true)) return k;
    if ((await ctx.store.eventAnswer(`${prefix}${k}`)) === value) return -1;
  }
  return -1;
}

/** The ids of every leg seen so far (call.initiated). */
async function legsOf(ctx: Ctx, s: SessionRow, cs: RingState): Promise<string[]> {
  const out: string[] = [];
  for (let k = 0; k < cs.ring * 2; k++) {
    const v = await ctx.store.eventAnswer(key(s, cs, `leg:${k}`));
    if (v === undefined) break;
    if (v) out.push(v);
  }
  return out;
}

/**
 * The caller hung up: legs of the ring still ringing are hung up (the bridged
 * one, if any, Telnyx ends with the bridge). Nothing to do when the call's
 * current step rang nobody.
 */
export async function endRinging(ctx: Ctx, s: SessionRow, o: ExecOptions): Promise<void> {
  const cs: RingState = { flow: s.flowId, node: '', seq: s.seq, ring: MAX_RING };
  const winner = await ctx.store.eventAnswer(key(s, cs, 'winner'));
  for (const leg of await legsOf(ctx, s, cs)) if (leg !== winner) await bye(ctx, leg, `${s.seq}-${s.callId}`, o);
}

/** Most legs one ring dials (the ring-a-team lint allows 10 at once). */
const MAX_RING = 10;

/** Several legs' outcomes as one dial status: no answer if any rang out, else busy if any was busy, else failed. */
export function combinedStatus(statuses: DialStatus[]): DialStatus {
  if (statuses.includes('no-answer')) return 'no-answer';
  if (statuses.includes('busy')) return 'busy';
  return 'failed';
}

const hangup = (leg: string, tag: string): Command => ({ action: 'hangup', body: { command_id: `ring-hangup-${tag}-${leg}` } });

/** Hangs up a rung leg; one that ended meanwhile refuses (422): nothing to undo, so that is not a failure. */
async function bye(ctx: Ctx, leg: string, tag: string, o: ExecOptions): Promise<void> {
  await sendCommand(ctx.telnyx, leg, hangup(leg, tag), o).catch((err: Error) => o.log.info({ leg, err: err.message }, 'ring leg already gone'));
}

/** A screened leg's events that end its whisper (the gather of the key, or the whisper alone). */
const SCREEN_ENDS = new Set(['call.gather.ended', 'call.speak.ended', 'call.playback.ended']);

/**
 * A screened leg answered: the whisper and the key's gather go to that leg (engine `screenCommands`, with the
 * leg's ring state as client_state, so its gather.ended comes back here). No screen stored for the step, or a
 * command refused: the leg goes (no answer), the caller is never bridged to someone who was not screened.
 */
async function screen(ctx: Ctx, owner: SessionRow, leg: string, cs: RingState, winner: string | null | undefined, tag: string, o: ExecOptions): Promise<Record<string, unknown>> {
  if (winner) { await bye(ctx, leg, tag, o); return { ring: 'answered after another accepted; hung up' }; }
  const s = await storedScreen(ctx, owner.callId, cs.seq);
  const commands = s ? screenCommands(s, encodeClientState(cs), `screen-${tag}-${leg}`) : [];
  if (!commands.length) { await bye(ctx, leg, tag, o); return { ring: 'nothing to screen with; hung up' }; }
  const sent = await executeCommands(ctx.telnyx, leg, commands, o);
  if (!sent.ok) { await bye(ctx, leg, tag, o); return { ring: 'screening failed; hung up', failed: sent.failed }; }
  return { ring: 'screening', sent: commands };
}

/**
 * `leg` takes the call: the first to claim the ring's winner slot is bridged with the caller (parked after
 * unbridge, so the flow goes on from `connected` when the member hangs up) and the ring's other legs go.
 */
async function take(ctx: Ctx, owner: SessionRow, leg: string, cs: RingState, tag: string, o: ExecOptions, end: EndDial): Promise<Record<string, unknown> | symbol> {
  const won = (await ctx.store.storeEventAnswer(key(owner, cs, 'winner'), leg, true)) || (await ctx.store.eventAnswer(key(owner, cs, 'winner'))) === leg;
  if (!won) { await bye(ctx, leg, tag, o); return { ring: 'answered late; hung up' }; }
  // The caller's own client_state (no `ring`): its call.bridged marks this step's dial as connected.
  const bridge: Command = {
    action: 'bridge',
    body: { call_control_id: leg, park_after_unbridge: 'self', client_state: encodeClientState({ flow: cs.flow, node: cs.node, seq: cs.seq }), command_id: `ring-bridge-${tag}` },
  };
  const bridged = await sendCommand(ctx.telnyx, owner.callId, bridge, o).then(() => true, (err: Error) => {
    o.log.error({ err: err.message, ccid: owner.callId, leg }, 'ring bridge failed; ending the ring');
    return false;
  });
  const others = (await legsOf(ctx, owner, cs)).filter((l) => l !== leg);
  for (const other of others) await bye(ctx, other, tag, o);
  if (!bridged) {
    // The caller must not wait on a ring nobody can join: every leg goes and the flow moves on (failed → noAnswer).
    await bye(ctx, leg, tag, o);
    return end('failed');
  }
  // `sent`, not `commands`: a stored `commands` answer is re-sent to the caller's leg after a crash (complete()).
  return { ring: 'bridged', sent: [bridge, ...others.map((l) => hangup(l, tag))] };
}

/** One webhook of a rung leg (`p.call_control_id`) of `owner`'s call. */
export async function ringLegEvent(ctx: Ctx, owner: SessionRow, type: string, p: CcPayload, cs: RingState, o: ExecOptions, end: EndDial): Promise<Record<string, unknown> | symbol> {
  const leg = p.call_control_id ?? '';
  // The call left this step (the caller hung up, a winner's conversation is over): a leg still ringing goes.
  const over = owner.status === 'done' || owner.seq !== cs.seq || cs.flow !== owner.flowId;
  const winner = await ctx.store.eventAnswer(key(owner, cs, 'winner'));
  const tag = `${cs.seq}-${owner.callId}`;
  if (type === 'call.initiated') {
    await append(ctx, key(owner, cs, 'leg:'), leg, cs.ring * 2);
    // Dialled after another already answered (or after the step ended): nobody is waiting for it.
    if (over || (winner && winner !== leg)) { await bye(ctx, leg, tag, o); return { ring: 'late leg hung up' }; }
    return { ring: 'ringing' };
  }
  if (type === 'call.answered') {
    if (over) { await bye(ctx, leg, tag, o); return { ring: 'answered after the step ended; hung up' }; }
    // Screened: the person who answered hears the whisper first; only the accept key (below) takes the call.
    if (cs.screen) return screen(ctx, owner, leg, cs, winner, tag, o);
    return take(ctx, owner, leg, cs, tag, o, end);
  }
  if (cs.screen && SCREEN_ENDS.has(type)) {
    if (over) { await bye(ctx, leg, tag, o); return { ring: 'screened after the step ended; hung up' }; }
    if (winner && winner !== leg) { await bye(ctx, leg, tag, o); return { ring: 'accepted late; hung up' }; }
    const s = await storedScreen(ctx, owner.callId, cs.seq);
    // A gather ends `valid` with the key; a whisper without a key must have been heard out (not cut by a hang-up).
    const heard = type === 'call.gather.ended' ? p.status === 'valid' || p.status === 'invalid' || p.status === 'timeout' : p.status === 'completed';
    const ok = !!s && heard && (type === 'call.gather.ended' ? s.requireKeypress && accepts(s, p.digits) : !s.requireKeypress);
    // Declined (another key, nothing, a voicemail's greeting, a hang-up): the leg goes; its call.hangup counts it as no answer.
    if (!ok) { await bye(ctx, leg, tag, o); return { ring: `declined (pressed ${p.digits ? `"${p.digits}"` : 'nothing'})` }; }
    return take(ctx, owner, leg, cs, tag, o, end);
  }
  if (type !== 'call.hangup') return { ignored: `ring leg ${type}` };
  if (winner === leg) {
    // The member who answered hung up: the caller's leg is parked; the flow carries on from `connected`.
    if (over) return { ignored: 'stale ring leg' };
    return end('connected', p.to);
  }
  if (winner || over) return { ignored: 'ring leg hung up' };
  // Counted once per leg (append skips a value already there); whoever finds every slot filled ends the dial.
  // A redelivery after a crash between the two finds them filled too, and ends it (the step is conditional on seq).
  // A screened leg that hangs up normally had answered and did not accept (declined, or hung up at the whisper): no answer.
  const status = cs.screen && p.hangup_cause === 'normal_clearing' ? 'no-answer' : dialStatusOf(p.hangup_cause);
  await append(ctx, key(owner, cs, 'ended:'), `${leg} ${status}`, cs.ring);
  const statuses: DialStatus[] = [];
  for (let i = 0; i < cs.ring; i++) {
    const v = await ctx.store.eventAnswer(key(owner, cs, `ended:${i}`));
    if (!v) return { ring: `leg ended (${status})` };
    statuses.push(v.split(' ')[1] as DialStatus);
  }
  return end(combinedStatus(statuses));
}
