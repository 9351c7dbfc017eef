/**
 * Drives a text conversation through an SMS flow (`"channel": "sms"`) with a scripted texter, offline and pure:
 * the third way to run a flow, beside a TeXML or Call Control call (simulate.ts). Mirrors the server
 * (server/messaging/conversations.ts): a text while the conversation waits answers the waitForReply, a text
 * once the run ended starts a new run, and `null` in the script is silence until the wait's timeout.
 */
import { step } from './step.js';
import type { EngineEvent, Env, Snapshot, StepResult } from './types.js';
import type { Flow } from './schema.js';

/** One text of the script: its words, or with MMS attachments. */
export type ScriptedText = string | { text: string; media?: string[] };

/** A scripted texter. */
export interface TextScript {
  /** Instant of the first text, ISO with offset. */
  at: string;
  /** The texter (default +13125550147) and our number (default +18445550199). */
  from?: string;
  to?: string;
  /** In order: each text the texter sends, or `null` for no reply (the waiting step times out). */
  texts: (ScriptedText | null)[];
  company?: Record<string, string>;
  /** Minutes between a step and the texter's next text (default 1). */
  replyAfterMinutes?: number;
}

/** One step of a simulated conversation: the event, when it happened, which run it is, what the engine answered. */
export interface TextStep extends StepResult {
  event: EngineEvent;
  at: string;
  /** 1 for the first run of the flow, 2 after a text restarted it, ... */
  run: number;
}

const plus = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** The minutes a step's waitForReply waits, when the step ends waiting for a reply. */
export function awaitedMinutes(r: StepResult): number | undefined {
  if (!r.waiting) return undefined;
  const w = [...r.instructions].reverse().find((i) => i.verb === 'reply.await');
  return w?.verb === 'reply.await' ? w.minutes : undefined;
}

/** Runs the script: every text and timeout as a step of the pure engine, the snapshot JSON between steps. */
export function simulateConversation(flow: Flow, script: TextScript): { steps: TextStep[] } {
  const from = script.from ?? '+13125550147', to = script.to ?? '+18445550199';
  const gap = script.replyAfterMinutes ?? 1;
  const steps: TextStep[] = [];
  let snapshot: Snapshot | null = null;
  let now = Number.isFinite(Date.parse(script.at)) ? new Date(script.at).toISOString() : script.at;
  let waitingSince: string | undefined, waitMinutes: number | undefined;
  let run = 0;
  script.texts.forEach((entry, i) => {
    let event: EngineEvent;
    if (entry === null) {
      if (waitMinutes === undefined || !waitingSince) return; // nothing waits: silence changes nothing
      now = plus(waitingSince, waitMinutes);
      event = { type: 'input.timeout' };
    } else {
      if (i > 0) now = plus(now, gap);
      const t = typeof entry === 'string' ? { text: entry } : entry;
      const fresh = !snapshot || snapshot.status === 'done';
      if (fresh) { snapshot = null; run++; }
      event = { type: 'message.received', from, to, text: t.text, ...(t.media?.length ? { media: t.media } : {}), conversationId: `sim-conversation-${run}` };
    }
    const env: Env = { now, mode: 'sms', company: script.company };
    const r = step(flow, snapshot, event, env);
    snapshot = JSON.parse(JSON.stringify(r.snapshot)) as Snapshot;
    waitMinutes = awaitedMinutes(r);
    waitingSince = waitMinutes === undefined ? undefined : now;
    // A conversation only waits where a waitForReply said so; anything else waiting (a voice step) ends it.
    if (r.waiting && waitMinutes === undefined) snapshot = { ...snapshot, status: 'done' };
    steps.push({ ...r, event, at: now, run });
  });
  return { steps };
}

/** The texts a conversation sent, in order (the `sms` effects of its steps). */
export function textsSent(steps: readonly StepResult[]): { to: string; from: string; text: string; mediaUrls?: string[] }[] {
  return steps.flatMap((s) => s.instructions.flatMap((i) => (i.verb === 'sms' ? [{ to: i.to, from: i.from, text: i.text, ...(i.mediaUrls ? { mediaUrls: i.mediaUrls } : {}) }] : [])));
}
