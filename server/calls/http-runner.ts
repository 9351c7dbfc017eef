/**
 * Runs an httpRequest node's request for the call (engine/nodes/http-request.ts emits it as the `http`
 * instruction; the engine never does I/O). Started once the step that asked for it is stored, by the attempt
 * that won that step (a retried webhook returns the stored answer and steps nothing, so it starts nothing), and
 * awaited by the webhook that answers it: TeXML's Redirect after the hold prompt, Call Control's end of the hold
 * prompt. The request goes through the SSRF-guarded client (net/guarded-request.ts: every address checked when the
 * socket connects; CALLFLOW_ALLOW_PRIVATE_WEBHOOKS opens ranges), redirects are not followed, the answer's body is
 * capped at HTTP_MAX_BODY and the whole request at the node's timeout.
 *
 * The running requests are kept in this process, by call and step, until a minute after their timeout: a
 * webhook for a call that another instance (or this one before a restart) started finds none and its node leaves
 * by `error`. A fixture replay (ctx.recordedEnv) sends nothing: each answering step is fed the result it recorded.
 */
import type { Ctx } from '../deps.js';
import type { Instruction } from '../../engine/types.js';
import { HTTP_MAX_BODY, type HttpResult } from '../../engine/nodes/http-result.js';
import { HTTP_VERB } from '../../engine/nodes/http-request.js';
import { guardedRequest, RefusedTarget, RequestTimeout } from '../net/guarded-request.js';

type HttpInstruction = Extract<Instruction, { verb: 'http' }>;

/** What the server sends as its own: who is asking. */
const USER_AGENT = 'Callflow/1 (httpRequest)';

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

/** Starts the request of a stored step (once per call and step; a replay starts none). */
export function startHttp(ctx: Ctx, callId: string, i: HttpInstruction): void {
  if (ctx.recordedEnv) return;
  const t = table(ctx);
  const key = requestKey(callId, i.seq);
  if (t.has(key)) return;
  const p = send(ctx, i).then((r) => {
    ctx.log.info({ callId, node: i.node, url: i.url.replace(/\?.*$/, ''), result: 'status' in r ? r.status : 'timeout' in r ? 'timeout' : 'error' }, 'httpRequest done');
    return r;
  });
  t.set(key, p);
  setTimeout(() => t.delete(key), i.timeoutSeconds * 1000 + 60_000).unref();
}

/**
 * The result the webhook with dedupe key `stepKey` answers the call's step `seq` with: the recorded one in a
 * replay, else the running request's (it settles within its timeout), else an error (none is running here).
 */
export async function httpResultFor(ctx: Ctx, callId: string, seq: number, stepKey: string): Promise<HttpResult> {
  const recorded = ctx.recordedEnv?.(stepKey);
  if (recorded) return recorded.http ?? { error: 'the fixture recorded no result for this request' };
  const p = table(ctx).get(requestKey(callId, seq));
  if (!p) return { error: 'the request is not running on this server (it restarted, or another instance started it)' };
  return p;
}

/** One request, never throwing: every way it can go is a result. */
async function send(ctx: Ctx, i: HttpInstruction): Promise<HttpResult> {
  const standIn = ctx.httpStandIn?.({ node: i.node, method: i.method, url: i.url });
  if (standIn) return standIn;
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
