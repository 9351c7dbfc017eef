/**
 * Support for `callflow replay`: it registers the recorded call's
 * call_control_id as a passive leg (commands are accepted and logged, nothing
 * is played), then reads back the commands the server issued after each event.
 */
import { Router } from 'express';
import { CcLeg } from './cc-leg.js';
import type { SandboxContext } from './context.js';
import { SimCall } from './sim-call.js';
import { sendOwnError } from './util.js';

export function replayRouter(ctx: SandboxContext, legs: Map<string, CcLeg>): Router {
  const r = Router();
  r.post('/replay/legs', (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const id = b.call_control_id;
    if (typeof id !== 'string' || !id) { sendOwnError(res, 'bad_request', 'call_control_id is required', ['call_control_id']); return; }
    // A new replay run starts the leg afresh (its command_ids from a previous run are forgotten).
    if (!legs.has(id) || (b.reset && legs.get(id)!.passive)) {
      const call = new SimCall('call-control', String(b.from ?? '+10000000000'), String(b.to ?? '+10000000000'), ctx.callControlConnectionId, 'incoming', {}, ctx.now());
      Object.defineProperty(call, 'id', { value: id });
      const leg = new CcLeg(ctx, call, '', true);
      if (b.answered) leg.state = 'answered';
      legs.set(id, leg);
    }
    res.json({ ok: true });
  });
  /** The commands received since the last read, then forgets them. */
  r.get('/replay/legs/:id/commands', (req, res) => {
    const leg = legs.get(req.params.id);
    if (!leg) { sendOwnError(res, 'not_found', 'unknown leg', ['id']); return; }
    res.json({ commands: leg.received.splice(0) });
  });
  return r;
}
