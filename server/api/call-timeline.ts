import type { CallDetailRow, PathStep } from '../store/history-types.js';
import type { RecordingRow, UsageRow } from '../store/business-types.js';
import type { WebhookRow } from '../store/types.js';
import { recordingPath } from '../calls/recordings.js';

/** A move along the flow, from one line of the call's path: a node entered, a port left by, the call's end. */
export type PathMove = { kind: 'node'; node: string } | { kind: 'port'; node: string; port: string } | { kind: 'end'; reason: string; node: string | null };

/** What happened, without its time. */
export type TimelineItem = PathMove
  | { kind: 'webhook'; id: number; method: string; path: string; status: number | null; summary: string; body: string; format: 'form' | 'json' | 'text' }
  | { kind: 'answer'; webhook: number; format: 'texml' | 'commands' | 'json'; body: string }
  | { kind: 'recording'; id: string; url: string; seconds: number | null; contentType: string }
  | { kind: 'cost'; item: string; quantity: number; unit: string; micros: number; detail: string | null };

/** One entry of a call's timeline: what happened, when, and how long after the call started. */
export type TimelineEntry = { at: string; offsetMs: number } & TimelineItem;

/** Everything a timeline is made of, as the store holds it. */
export interface TimelineParts {
  call: Pick<CallDetailRow, 'callId' | 'startedAt' | 'path' | 'pathSteps'>;
  webhooks: WebhookRow[];
  recordings: Omit<RecordingRow, 'audio'>[];
  usage: UsageRow[];
}

/**
 * The dedupe key of the engine step a webhook asks for, as the handlers name it (`texml:CALLSID:start`,
 * `texml:CALLSID:<step>`, `cc:EVENT_ID`); undefined for webhooks that are no step (TeXML status callbacks).
 */
export function stepKeyOf(w: Pick<WebhookRow, 'kind' | 'path' | 'eventId'>, callId: string): string | undefined {
  if (w.kind === 'call-control') return w.eventId ? `cc:${w.eventId}` : undefined;
  if (w.kind !== 'texml') return undefined;
  const path = w.path.split('?')[0]!.replace(/\/+$/, '');
  if (path === '/webhooks/texml') return `texml:${callId}:start`;
  const step = /^\/webhooks\/texml\/([^/]+)$/.exec(path)?.[1];
  return step && step !== 'status' && step !== 'transcription' ? `texml:${callId}:${decodeURIComponent(step)}` : undefined;
}

/** One line of a webhook's body worth reading in a list: the Call Control event type, or the TeXML fields that matter. */
export function summaryOf(w: Pick<WebhookRow, 'kind' | 'rawBody' | 'path'>): { summary: string; format: 'form' | 'json' | 'text' } {
  if (w.kind === 'call-control') {
    try {
      const d = (JSON.parse(w.rawBody) as { data?: { event_type?: string; payload?: Record<string, unknown> } }).data;
      const p = d?.payload ?? {};
      const extra = ['digits', 'status', 'hangup_cause', 'result'].filter((k) => typeof p[k] === 'string' && p[k]).map((k) => `${k}=${String(p[k])}`);
      return { summary: [d?.event_type ?? 'event', ...extra].join(' '), format: 'json' };
    } catch { return { summary: 'unreadable JSON', format: 'text' }; }
  }
  const f = new URLSearchParams(w.rawBody);
  const keys = ['CallStatus', 'Digits', 'SpeechResult', 'DialCallStatus', 'RecordingStatus', 'RecordingDuration', 'HangupCause'];
  const said = keys.filter((k) => f.get(k)).map((k) => `${k}=${f.get(k)}`);
  const where = w.path.split('?')[0]!.replace(/^\/webhooks\/texml\/?/, '') || 'voice URL';
  return { summary: [where, ...said].join(' '), format: 'form' };
}

/** The path lines of each stored step; calls from before migration 016 get their whole path as one keyless step. */
function stepsOf(path: string[], steps: PathStep[]): Array<{ key: string; at: string; lines: string[] }> {
  if (!steps.length) return path.length ? [{ key: '', at: '', lines: path }] : [];
  let i = 0;
  const out = steps.map((s) => { const lines = path.slice(i, i + s.count); i += s.count; return { key: s.key, at: s.at, lines }; });
  if (i < path.length) out.at(-1)!.lines.push(...path.slice(i));
  return out;
}

/** Path lines (`>node`, `node.port`, `end:reason@node`, as server/calls/runner.ts writes them) as moves. */
export function pathMoves(lines: string[]): PathMove[] {
  return lines.map((l): PathMove => {
    if (l.startsWith('>')) return { kind: 'node', node: l.slice(1) };
    if (l.startsWith('end:')) { const [reason, node] = l.slice(4).split('@'); return { kind: 'end', reason: reason ?? '', node: node ?? null }; }
    const dot = l.indexOf('.');
    return { kind: 'port', node: l.slice(0, dot), port: l.slice(dot + 1) };
  });
}

function answerOf(w: WebhookRow): Extract<TimelineItem, { kind: 'answer' }> | undefined {
  if (!w.answer) return undefined;
  if (w.answer.trimStart().startsWith('<')) return { kind: 'answer', webhook: w.id, format: 'texml', body: w.answer };
  try {
    const j = JSON.parse(w.answer) as { commands?: unknown[] };
    return { kind: 'answer', webhook: w.id, format: Array.isArray(j.commands) ? 'commands' : 'json', body: JSON.stringify(j, null, 2) };
  } catch { return { kind: 'answer', webhook: w.id, format: 'json', body: w.answer }; }
}

/**
 * Merges a call's webhooks, path, recordings and ledger lines into one list ordered by time: each webhook, then
 * the nodes entered and ports taken by the step it caused (matched by the step's dedupe key; a step without one,
 * as TeXML's call.ended from a status callback, goes with the first webhook received at or after it that
 * stepped nothing), then our answer; recordings and costs at their own times. Ties keep that order. Pure.
 */
export function buildTimeline(parts: TimelineParts): TimelineEntry[] {
  const { call } = parts;
  const start = Date.parse(call.startedAt);
  const at = (iso: string) => ({ at: iso, offsetMs: Math.max(0, Date.parse(iso) - start) || 0 });
  const steps = stepsOf(call.path ?? [], call.pathSteps);
  const byWebhook = new Map<number, string[]>();
  const keyed = new Map<string, number>();
  for (const w of parts.webhooks) { const k = stepKeyOf(w, call.callId); if (k && !keyed.has(k)) keyed.set(k, w.id); }
  const stepping = new Set(keyed.values());
  const loose: Array<{ at: string; lines: string[] }> = [];
  for (const s of steps) {
    let id = s.key ? keyed.get(s.key) : undefined;
    // A path with no step boundaries (before migration 016) goes under the first webhook: the call's start.
    if (id === undefined && !s.key && !s.at) id = parts.webhooks[0]?.id;
    else if (id === undefined && !s.key) id = parts.webhooks.find((w) => w.receivedAt >= s.at && !byWebhook.has(w.id) && !stepping.has(w.id))?.id;
    if (id === undefined) { loose.push(s); continue; }
    byWebhook.set(id, [...(byWebhook.get(id) ?? []), ...s.lines]);
  }
  const out: Array<TimelineEntry & { rank: number }> = [];
  let rank = 0;
  for (const w of parts.webhooks) {
    const t = at(w.receivedAt);
    out.push({ ...t, rank: rank++, kind: 'webhook', id: w.id, method: w.method, path: w.path, status: w.status, body: w.rawBody, ...summaryOf(w) });
    for (const e of pathMoves(byWebhook.get(w.id) ?? [])) out.push({ ...t, rank: rank++, ...e });
    const a = answerOf(w);
    if (a) out.push({ ...t, rank: rank++, ...a });
  }
  for (const s of loose) for (const e of pathMoves(s.lines)) out.push({ ...at(s.at || call.startedAt), rank: rank++, ...e });
  for (const r of parts.recordings) {
    out.push({ ...at(r.createdAt), rank: rank++, kind: 'recording', id: r.id, url: recordingPath(call.callId, r.id), seconds: r.seconds, contentType: r.contentType });
  }
  for (const u of parts.usage) out.push({ ...at(u.at), rank: rank++, kind: 'cost', item: u.kind, quantity: u.quantity, unit: u.unit, micros: u.micros, detail: u.detail });
  out.sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank);
  return out.map(({ rank: _r, ...e }) => e);
}
