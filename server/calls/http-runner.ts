/**
 * Runs an httpRequest node's request for the call (engine/nodes/http-request.ts emits it as the `http`
 * instruction; the engine never does I/O). Started once the step that asked for it is stored, by the attempt
 * that won that step (a retried webhook returns the stored answer and steps nothing, so it starts nothing), and
 * awaited by the webhook that answers it: TeXML's Redirect after the hold prompt, Call Control's end of the hold
 * prompt. The request goes through the SSRF-guarded client (net/guarded-request.ts: every address checked when the
 * socket connects; CALLFLOW_ALLOW_PRIVATE_WEBHOOKS opens ranges), redirects are not followed, the answer's body is
 * capped at HTTP_MAX_BODY and the whole request at the node's timeout.
 *
 * Who sends it and what came back are in the store (`http_requests`, one conditional claim per call and step), so
 * the answering webhook finds the result on any instance: it awaits the request itself when this process sends
 * it, and otherwise reads the store until the result is in or the sender's deadline (its start plus the node's
 * timeout) has passed by a grace second (a sender that died: the node leaves by `error`). A fixture replay
 * (ctx.recordedEnv) sends nothing: each answering step is fed the result it recorded.
 */
import type { Ctx } from '../deps.js';
import type { Instruction } from '../../engine/types.js';
import { HTTP_MAX_BODY, type HttpResult } from '../../engine/nodes/http-result.js';
import { HTTP_VERB } from '../../engine/nodes/http-request.js';
import { guardedRequest, RefusedTarget, RequestTimeout } from '../net/guarded-request.js';

type HttpInstruction = Extract<Instruction, { verb: 'http' }>;

/** What the server sends as its own: who is asking. */
const USER_AGENT = 'Callflow/1 (httpRequest)';

/** Beyond the sender's deadline, how long a reader on another instance waits for its result to be written. */
const GRACE_MS = 1000;
const POLL_MS = 25;

// This process's own requests in flight, so the answering webhook awaits the request rather than the store.
const running = new WeakMap<Ctx['store'], Map<string, Promise<HttpResult>>>();
const requestKey = (callId: string, seq: number) => `${callId}:${seq}`;

function table(ctx: Ctx): Map<string, Promise<HttpResult>> {
  let t = running.get(ctx.store);
  if (!t) running.set(ctx.store, (t = new Map()));
  return t;
}

/** The step's request, if it waits on one (at most one: the node waits on it). */
export function httpOf(instructions: readonly Instruction[]): HttpInstruction | undefined {
  return instructions.find((i): i is HttpInstruction => i.verb === HTTP_VERB);
}

/** Starts the request of a stored step: sent by whoever claims it first (once per call and step); a replay sends none. */
export async function startHttp(ctx: Ctx, callId: string, i: HttpInstruction): Promise<void> {
  if (ctx.recordedEnv) return;
  const t = table(ctx);
  const key = requestKey(callId, i.seq);
  if (t.has(key)) return;
  const claim = ctx.store.claimHttpRequest(callId, i.seq, Date.now() + i.timeoutSeconds * 1000);
  const p = claim.then(async (mine) => {
    if (!mine) return undefined;
    const r = await send(ctx, i);
    ctx.log.info({ callId, node: i.node, url: i.url.replace(/\?.*$/, ''), result: 'status' in r ? r.status : 'timeout' in r ? 'timeout' : 'error' }, 'httpRequest done');
    await ctx.store.finishHttpRequest(callId, i.seq, r);
    return r;
  });
  // Not ours (another attempt claimed it): the answering webhook reads the store.
  const ours = p.then((r) => r ?? fromStore(ctx, callId, i.seq));
  t.set(key, ours);
  ours.catch((err) => ctx.log.error({ err, callId }, 'httpRequest failed')).finally(() => {
    setTimeout(() => t.delete(key), 60_000).unref();
  });
  await claim.catch(() => undefined);
}

/**
 * The result the webhook with dedupe key `stepKey` answers the call's step `seq` with: the recorded one in a
 * replay, else this process's request, else the store's (within the sender's deadline), else an error.
 */
export async function httpResultFor(ctx: Ctx, callId: string, seq: number, stepKey: string): Promise<HttpResult> {
  const recorded = ctx.recordedEnv?.(stepKey);
  if (recorded) return recorded.http ?? { error: 'the fixture recorded no result for this request' };
  const p = table(ctx).get(requestKey(callId, seq));
  if (p) return p.catch((err: unknown) => ({ error: `the request failed: ${err instanceof Error ? err.message : String(err)}` }));
  return fromStore(ctx, callId, seq);
}

/** The stored result of a request another attempt (or instance) sends, read until it is in or its sender gave up. */
async function fromStore(ctx: Ctx, callId: string, seq: number): Promise<HttpResult> {
  // The claim follows the step's commit at once; one that has not come within the grace never will.
  const unclaimed = Date.now() + GRACE_MS;
  for (;;) {
    const r = await ctx.store.httpRequest(callId, seq);
    if (!r && Date.now() > unclaimed) return { error: 'the request was never started (the server stopped before sending it)' };
    if (r?.result) return r.result;
    if (r && Date.now() > r.deadlineMs + GRACE_MS) return { error: 'the server sending the request stopped before it answered' };
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

/** The result as the call keeps it: the body only where the node reads it (a 2xx, variables to fill). */
function kept(i: HttpInstruction, r: HttpResult): HttpResult {
  return 'status' in r && !(i.readsBody && r.status >= 200 && r.status <= 299) ? { status: r.status, body: '' } : r;
}

/** One request, never throwing: every way it can go is a result. */
async function send(ctx: Ctx, i: HttpInstruction): Promise<HttpResult> {
  const standIn = ctx.httpStandIn?.({ node: i.node, method: i.method, url: i.url });
  return kept(i, standIn ?? await fetchGuarded(ctx, i));
}

async function fetchGuarded(ctx: Ctx, i: HttpInstruction): Promise<HttpResult> {
  let url: URL;
  try { url = new URL(i.url); } catch { return { error: `"${i.url.slice(0, 200)}" is not a URL` }; }
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/json', ...i.headers };
  const body = i.method === 'POST' ? i.body ?? '' : undefined;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  try {
    const res = await guardedRequest(url, { method: i.method, headers, body, timeoutMs: i.timeoutSeconds * 1000, maxBytes: HTTP_MAX_BODY, allow: ctx.outbound.allowPrivate });
    return { status: res.status, body: res.body.toString('utf8') };
  } catch (err) {
    if (err instanceof RequestTimeout) return { timeout: true };
    const message = err instanceof Error ? err.message : String(err);
    return { error: err instanceof RefusedTarget || (err as { code?: string }).code === 'EREFUSEDTARGET' ? `refused: ${message}` : message };
  }
}
