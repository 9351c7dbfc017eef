/**
 * TeXML calls API: `POST /v2/texml/Accounts/:sid/Calls` places an outbound
 * call that the sandbox answers and plays with the TeXML found at `Url`;
 * `POST /v2/texml/Accounts/:sid/Calls/:callSid` with `Status: completed` ends a live TeXML call (the app hung up):
 * its caller hears nothing more and its status callback follows.
 */
import express, { Router } from 'express';
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
  // The SDK sends this update form-encoded (as Telnyx's TeXML API takes it); JSON works too.
  r.post('/texml/Accounts/:sid/Calls/:callSid', express.urlencoded({ extended: false, limit: '100kb' }), (req, res) => {
    const call = ctx.calls.get(req.params.callSid);
    if (req.params.sid !== ctx.accountSid || !call || call.mode !== 'texml') throw errors.notFound(`No TeXML call ${req.params.callSid} on account ${req.params.sid}.`);
    const b = body(req);
    if (b.Status !== undefined && b.Status !== 'completed' && b.Status !== 'canceled') throw errors.invalid('Status', 'Status must be completed or canceled.');
    if (call.ended) throw errors.callEnded();
    if (b.Status) call.end({ by: 'app', reason: `call updated: Status=${String(b.Status)}` }, { kind: 'hangup', text: 'the app hung up (TeXML API)' });
    res.json({ account_sid: ctx.accountSid, call_sid: call.id, from: call.from, to: call.to, status: b.Status ?? 'in-progress' });
  });
  return r;
}
