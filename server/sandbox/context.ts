/**
 * The state one sandbox instance keeps in memory, shared by its routes and
 * call players, and the helper that sends a signed Call Control event.
 */
import { deliver, type DeliverOptions, type Delivery } from './deliver.js';
import type { SimCall } from './sim-call.js';
import type { CalleeScript } from './callees.js';
import { uuid } from './util.js';

/** A pino-like logger (only the levels the sandbox uses). */
export interface Logger { info(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void }

export interface SandboxContext {
  publicUrl: () => string;
  now: () => Date;
  log?: Logger;
  delivery: DeliverOptions;
  texmlConnectionId: string;
  callControlConnectionId: string;
  accountSid: string;
  /** Wait before a number order completes (ms). */
  orderDelayMs: number;
  /** Idle Call Control call: how long the caller waits for a command (ms). */
  idleMs: number;
  /** Longest a `POST /calls` waits for its call to end (ms). */
  callTimeoutMs: number;
  calls: Map<string, SimCall>;
  /** Scripted callees of the app's outbound calls, queued per number called (callees.ts). */
  callees: Map<string, CalleeScript[]>;
  timers: Set<NodeJS.Timeout>;
  /** Reads of calls and messages need no scope from the app in front (read-scope.ts): a test bench only. */
  openReads: boolean;
}

/** Runs `fn` after `ms` unless the sandbox is closed first. */
export function later(ctx: SandboxContext, ms: number, fn: () => void): void {
  const t = setTimeout(() => { ctx.timers.delete(t); fn(); }, ms);
  ctx.timers.add(t);
}

/**
 * Sends one JSON event in Telnyx's envelope (`data` + `meta.attempt`), signed,
 * with retries; counts it on `call` when given.
 */
export async function sendEvent(
  ctx: SandboxContext, url: string, eventType: string, payload: Record<string, unknown>, call?: SimCall,
): Promise<Delivery> {
  const data = { record_type: 'event', event_type: eventType, id: uuid(), occurred_at: ctx.now().toISOString(), payload };
  if (call) call.webhooks++;
  return deliver(ctx.delivery, url, 'application/json', (attempt) => JSON.stringify({ data, meta: { attempt, delivered_to: url } }));
}
