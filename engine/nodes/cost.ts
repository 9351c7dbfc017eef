import type { CostEstimate } from '../node-kind.js';

/**
 * What a call is assumed to do where the flow cannot say, in seconds (shown with every estimate by
 * /api/flows/:id/usage). Assumptions, not measurements. `screenKeySeconds`: how long a member takes to press the
 * key after a screening whisper (a screened no-answer is priced as a voicemail that waited out the whole timeout).
 */
export const COST_ASSUMPTIONS = {
  wordsPerSecond: 2.5, playSeconds: 10, talkSeconds: 180, ringSeconds: 15, voicemailSeconds: 45, screenKeySeconds: 2,
  /** An AI gather's conversation per field asked for; an AI Assistant's whole conversation. */
  aiFieldSeconds: 15, assistantSeconds: 120, queueWaitSeconds: 120,
} as const;

/** Seconds to speak `text` (at least 1 for any text), 0 when there is none. */
export function speechSeconds(text: unknown): number {
  return typeof text === 'string' ? Math.max(1, Math.ceil(text.trim().split(/\s+/).length / COST_ASSUMPTIONS.wordsPerSecond)) : 0;
}

/** Seconds of a prompt: spoken text, or an audio file of the assumed length. */
export function promptSeconds(p: unknown): number {
  const o = (p ?? {}) as { text?: unknown; url?: unknown };
  return o.text ? speechSeconds(o.text) : o.url ? COST_ASSUMPTIONS.playSeconds : 0;
}

/**
 * A dial (transfer, team ring) leaving by `port`: answered after the assumed ring and talked for the
 * assumed call, or rung for the node's whole ring time; an answered, recorded call records the talk.
 */
export function dialCost(d: { ringSeconds?: number; record?: boolean }, port: string): CostEstimate {
  if (port !== 'connected') return { seconds: d.ringSeconds ?? 20 };
  const talk = COST_ASSUMPTIONS.talkSeconds;
  return { seconds: COST_ASSUMPTIONS.ringSeconds + talk, outboundSeconds: talk, ...(d.record ? { recordedSeconds: talk } : {}) };
}

/** A gather (menu, collect) leaving by `port`: the prompt, then the timeout on silence or ~2 s to answer. */
export function gatherCost(d: { prompt?: unknown; timeoutSeconds?: number }, port: string): CostEstimate {
  return { seconds: promptSeconds(d.prompt) + (port === 'timeout' ? (d.timeoutSeconds ?? 5) : 2) };
}
