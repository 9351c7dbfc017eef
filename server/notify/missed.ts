/**
 * Missed calls (issue #16 item 2): which ended calls count, read from the call's stored path, and the alerts
 * and text-back a number's settings ask for, as outbox items the call's last step writes with itself.
 *
 * A call is missed by the one rule of call-outcome.ts (the history's `outcome=missed` is the same): inbound, ended,
 * nobody answered (no `<node>.connected` in the path) and no voicemail kept in a mailbox. E.g. the caller hung up
 * in a menu or while a transfer / team rang; nobody answered and the flow hung up; the flow only played a message;
 * a message that was empty or not kept (the number's voicemail off). Not missed: an answered dial (even if
 * something failed later), a kept voicemail (told as a voicemail instead), an outbound call. Whether a message
 * was kept is known only after the voicemail node (the recording can be reported after the hang-up), so the alert
 * of a call that reached a voicemail node waits {@link VOICEMAIL_GRACE_MS} and is dropped when the call has a kept
 * voicemail by then (senders.ts).
 */
import type { Flow } from '../../engine/schema.js';
import type { Ctx } from '../deps.js';
import type { CallLogRow, SessionRow } from '../store/types.js';
import type { MissedCallSettings, OutboxItem } from '../store/notify-types.js';
import { isConnected, isKeptVoicemail } from '../store/call-outcome.js';

/** How long a missed-call alert of a call that reached a voicemail node waits for its recording. */
export const VOICEMAIL_GRACE_MS = 30_000;

/** Where and how a missed call ended. */
export interface MissedWhere {
  /** The last node the caller was in, and its kind. */
  node: string | null; kind: string | null;
  /** The engine's ending: caller-hangup, hangup (the flow's), end-of-flow, unwired, step-limit, error. */
  reason: string;
  /** Dials that were not answered on the way: `node: noAnswer|busy|failed`. */
  unanswered: string[];
  /** The call reached a voicemail node: the alert waits to learn whether a message was kept. */
  reachedVoicemail: boolean;
}

/** What a missed-call alert carries (outbox payload; rendered by senders.ts). */
export interface MissedCall extends MissedWhere {
  callId: string; caller: string | null; number: string; startedAt: string; endedAt: string;
  /** `tel:` link to call the caller back, and the call's page in the console. */
  callBack: string | null; consoleUrl: string;
}

const UNANSWERED = new Set(['noAnswer', 'busy', 'failed']);
/** A caller id that can be called and texted back (not `anonymous`, a SIP URI, a short code). */
const dialable = (from: string | null): from is string => !!from && /^\+[1-9]\d{6,14}$/.test(from);

/**
 * Whether `path` (the call's whole path, `>node` / `node.port` / `end:reason@node`) may be a missed call, and where
 * it ended: undefined when it has not ended or a person answered. A kept voicemail is checked by the caller.
 */
export function missedCall(path: readonly string[], flow: Pick<Flow, 'nodes'>): MissedWhere | undefined {
  const kind = (id: string) => flow.nodes.find((n) => n.id === id)?.type ?? null;
  const end = [...path].reverse().find((p) => p.startsWith('end:'));
  // A call the flow refused (a reject step) was turned away on purpose: not missed.
  if (!end || isConnected(path) || end.startsWith('end:rejected')) return undefined;
  const unanswered: string[] = [];
  let last: string | null = null, reachedVoicemail = false;
  for (const p of path) {
    if (p.startsWith('>')) { last = p.slice(1); reachedVoicemail ||= kind(last) === 'voicemail'; continue; }
    if (p.startsWith('end:')) continue;
    const dot = p.lastIndexOf('.');
    const node = p.slice(0, dot), port = p.slice(dot + 1);
    if (UNANSWERED.has(port)) unanswered.push(`${node}: ${port}`);
  }
  const [, reasonAt] = end.split(':', 2) as [string, string];
  const [reason, at] = reasonAt.split('@') as [string, string | undefined];
  const node = at ?? last;
  return { node, kind: node ? kind(node) : null, reason, unanswered, reachedVoicemail };
}

/** One line saying where the caller was left: for the SMS, the email and the console. */
export function describeMissed(w: MissedWhere): string {
  const where = w.node ? `${w.kind ?? 'node'} "${w.node}"` : 'the flow';
  const how = w.reason === 'caller-hangup' ? `caller hung up in ${where}` : `the flow ended the call at ${where} (${w.reason})`;
  return w.unanswered.length ? `no answer (${w.unanswered.join(', ')}); ${how}` : how;
}

/**
 * The outbox items of a call that just ended (its last step), per the called number's settings: an SMS, emails and
 * a signed webhook to the owner, and the text-back to the caller (not to one who opted out, at most once per
 * caller per `hours`, the claim written with the item). Empty when the call was not missed or nothing is set.
 */
export async function missedCallItems(ctx: Ctx, session: SessionRow, call: CallLogRow | undefined, path: readonly string[], flow: Flow): Promise<OutboxItem[]> {
  if (!call || call.direction !== 'inbound' || !call.to) return [];
  const settings = await ctx.store.missedCallSettings(session.companyId, call.to);
  if (!settings || !hasChannel(settings)) return [];
  const where = missedCall(path, flow);
  if (!where) return [];
  // A message already kept: a voicemail, not a missed call (call-outcome.ts); not known yet: the alert waits below.
  if (where.reachedVoicemail && (await ctx.store.voicemailsOfCall(call.callId)).some(isKeptVoicemail)) return [];
  const now = ctx.now();
  const alert: MissedCall = {
    ...where, callId: call.callId, caller: call.from, number: call.to, startedAt: call.startedAt, endedAt: now.toISOString(),
    callBack: dialable(call.from) ? `tel:${call.from}` : null, consoleUrl: `${ctx.publicUrl()}/#/calls/${encodeURIComponent(call.callId)}`,
  };
  const notBefore = where.reachedVoicemail ? new Date(now.getTime() + VOICEMAIL_GRACE_MS).toISOString() : undefined;
  const base = { companyId: session.companyId, kind: 'missed-call' as const, ref: call.callId, payload: { alert }, ...(notBefore ? { notBefore } : {}) };
  const items: OutboxItem[] = [];
  if (settings.sms) items.push({ ...base, channel: 'sms', target: settings.sms });
  for (const to of settings.emails) items.push({ ...base, channel: 'email', target: to });
  if (settings.webhookUrl) items.push({ ...base, channel: 'webhook', target: settings.webhookUrl });
  const tb = settings.textBack;
  if (tb.enabled && dialable(call.from) && tb.text.trim() && !(await ctx.store.isOptedOut(session.companyId, call.from))) {
    const since = new Date(now.getTime() - tb.hours * 3_600_000).toISOString();
    items.push({
      ...base, kind: 'text-back', channel: 'sms', target: call.from, payload: { alert, from: call.to, text: tb.text },
      once: { key: `textback:${session.companyId}:${call.to}:${call.from}`, since },
    });
  }
  return items;
}

const hasChannel = (s: MissedCallSettings) => !!(s.sms || s.emails.length || s.webhookUrl || s.textBack.enabled);
