/**
 * TeXML calls API: `POST /v2/texml/Accounts/:sid/Calls` places an outbound
 * call that the sandbox answers and plays with the TeXML found at `Url`.
 */
import { Router } from 'express';
import type { SandboxContext } from './context.js';
import { SimCall } from './sim-call.js';
import { playTexmlCall } from './texml-player.js';
import { body, errors, requireE164 } from './util.js';

export function texmlCallsRouter(ctx: SandboxContext): Router {
  const r = Router();
  r.post('/texml/Accounts/:sid/Calls', (req, res) => {
    const b = body(req);
    const to = requireE164(b, 'To')!, from = requireE164(b, 'From')!;
    if (b.Url !== undefined && (typeof b.Url !== 'string' || !/^https?:\/\//.test(b.Url))) throw errors.invalid('Url', 'Url must be an absolute http(s) URL.');
    if (b.ApplicationSid !== undefined && b.ApplicationSid !== ctx.texmlConnectionId) throw errors.unknownAssoc('ApplicationSid');
    const call = new SimCall('texml', from, to, ctx.texmlConnectionId, 'outgoing', {}, ctx.now());
    ctx.calls.set(call.id, call);
    res.json({ from, to, status: 'queued', call_sid: call.id });
    void playTexmlCall(ctx, call, (b.Url as string | undefined) ?? `${ctx.publicUrl()}/webhooks/texml`);
  });
  return r;
}
