/**
 * TeXML calls API: `POST /v2/texml/Accounts/:sid/Calls` and `POST /v2/texml/calls/:application` place an
 * outbound call that the callee scripted for `To` takes (callees.ts; outbound.ts plays machine detection
 * and no answer / busy), then the sandbox plays the TeXML found at `Url`;
 * `POST /v2/texml/Accounts/:sid/Calls/:callSid` with `Status: completed` ends a live TeXML call (the app hung up):
 * its caller hears nothing more and its status callback follows.
 */
import express, { Router, type Response } from 'express';
import type { SandboxContext } from './context.js';
import { SimCall } from './sim-call.js';
import { playOutboundTexml } from './outbound.js';
import { takeCallee } from './callees.js';

const MACHINE_DETECTION = ['Enable', 'Disable', 'DetectMessageEnd'];
import { body, errors, requireE164 } from './util.js';

export function texmlCallsRouter(ctx: SandboxContext): Router {
  const r = Router();
  /** Both calls APIs (by account, by application): the callee scripted for `To` (callees.ts) takes the call. */
  const place = (b: Record<string, unknown>, res: Response) => {
    const to = requireE164(b, 'To')!, from = requireE164(b, 'From')!;
    for (const f of ['Url', 'StatusCallback']) if (b[f] !== undefined && (typeof b[f] !== 'string' || !/^https?:\/\//.test(b[f] as string))) throw errors.invalid(f, `${f} must be an absolute http(s) URL.`);
    if (b.MachineDetection !== undefined && !MACHINE_DETECTION.includes(String(b.MachineDetection))) throw errors.invalid('MachineDetection', `MachineDetection must be one of ${MACHINE_DETECTION.join(', ')}.`);
    if (b.Timeout !== undefined && !(Number.isInteger(b.Timeout) && (b.Timeout as number) > 0)) throw errors.invalid('Timeout', 'Timeout must be a whole number of seconds.');
    const callee = takeCallee(ctx, to);
    const call = new SimCall('texml', from, to, ctx.texmlConnectionId, 'outgoing', callee.call, ctx.now());
    ctx.calls.set(call.id, call);
    res.json({ from, to, status: 'queued', call_sid: call.id });
    void playOutboundTexml(ctx, call, {
      url: (b.Url as string | undefined) ?? `${ctx.publicUrl()}/webhooks/texml`, statusUrl: b.StatusCallback as string | undefined,
      machineDetection: b.MachineDetection as string | undefined, timeout: (b.Timeout as number | undefined) ?? 30,
    }, callee).catch((err: Error) => call.end({ by: 'error', reason: err.message }, { kind: 'error', text: `sandbox error: ${err.message}` }));
  };
  r.post('/texml/Accounts/:sid/Calls', (req, res) => {
    const b = body(req);
    if (b.ApplicationSid !== undefined && b.ApplicationSid !== ctx.texmlConnectionId) throw errors.unknownAssoc('ApplicationSid');
    place(b, res);
  });
  // The calls API by TeXML application (`texml.calls.create(connectionId, …)`): the application must be ours.
  r.post('/texml/calls/:connectionId', (req, res) => {
    if (req.params.connectionId !== ctx.texmlConnectionId) throw errors.notFound(`No TeXML application ${req.params.connectionId}.`);
    place(body(req), res);
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
