/**
 * Telnyx Call Control REST: `POST /v2/calls` (dial) and
 * `POST /v2/calls/:id/actions/:action`, checked as Telnyx checks them.
 */
import { Router } from 'express';
import type { SandboxContext } from './context.js';
import { CcLeg, unfetchable, type Body } from './cc-leg.js';
import { playDialledLeg } from './cc-dial.js';
import { takeCallee } from './callees.js';
import { unknownField } from './cc-fields.js';
import { gatherUsingAi, startAiAssistant } from './cc-ai.js';
import { SimCall, TALK_SECONDS } from './sim-call.js';
import { body, errors, isE164, requireE164, requireField } from './util.js';

/** Required fields per action (Telnyx's spec), and one-of groups. */
const ACTIONS: Record<string, { required?: string[]; oneOf?: string[] }> = {
  answer: {}, hangup: {}, reject: { required: ['cause'] }, record_stop: {},
  speak: { required: ['payload', 'voice'] }, gather_using_speak: { required: ['payload', 'voice'] },
  gather_using_audio: { oneOf: ['audio_url', 'media_name'] }, gather: {},
  playback_start: { oneOf: ['audio_url', 'media_name', 'playback_content'] },
  transfer: { required: ['to'] }, bridge: { required: ['call_control_id'] },
  record_start: { required: ['format', 'channels'] }, send_dtmf: { required: ['digits'] },
  gather_stop: {}, transcription_start: {}, transcription_stop: {},
  gather_using_ai: { required: ['parameters'] }, ai_assistant_start: {},
};
const BEFORE_ANSWER = new Set(['answer', 'reject', 'hangup']);
const ENUMS: Record<string, Record<string, string[]>> = {
  reject: { cause: ['CALL_REJECTED', 'USER_BUSY'] }, record_start: { format: ['wav', 'mp3'], channels: ['single', 'dual'] },
  transcription_start: { transcription_tracks: ['inbound', 'outbound', 'both'] },
};

function validate(action: string, b: Body): void {
  const spec = ACTIONS[action]!;
  // A field Telnyx does not document for the action is refused, as a real account refuses it.
  const unknown = unknownField(action, b);
  if (unknown !== undefined) throw errors.invalid(unknown, `'${unknown}' is not a parameter of ${action}.`);
  for (const f of spec.required ?? []) requireField(b, f);
  if (spec.oneOf && !spec.oneOf.some((f) => b[f])) throw errors.missing(spec.oneOf[0]!);
  for (const [f, allowed] of Object.entries(ENUMS[action] ?? {})) if ((b[f] !== undefined || spec.required?.includes(f)) && !allowed.includes(String(b[f]))) throw errors.invalid(f, `${f} must be one of ${allowed.join(', ')}.`);
  if (b.client_state !== undefined && (typeof b.client_state !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.client_state))) throw errors.invalid('client_state', 'client_state must be a valid Base-64 encoded string.');
  if (action === 'transfer' && !isE164(b.to) && !/^sips?:/.test(String(b.to))) throw errors.e164('to');
  if (typeof b.payload === 'string' && b.payload.length > 3000) throw errors.invalid('payload', 'payload must be at most 3000 characters.');
  if (action === 'send_dtmf' && !/^[0-9A-D*#wW]+$/.test(String(b.digits))) throw errors.invalid('digits', 'digits may contain 0-9, A-D, *, #, w and W.');
  if (action === 'gather_using_ai' && (!b.parameters || typeof b.parameters !== 'object' || Array.isArray(b.parameters))) throw errors.invalid('parameters', 'parameters must be a JSON Schema object.');
  if (action === 'ai_assistant_start') {
    const a = b.assistant as Body | undefined;
    if (!a || typeof a !== 'object' || typeof a.id !== 'string' || !a.id) throw errors.missing('assistant.id');
  }
  if (typeof b.greeting === 'string' && b.greeting.length > 3000) throw errors.invalid('greeting', 'greeting must be at most 3000 characters.');
}

export function callControlRouter(ctx: SandboxContext, legs: Map<string, CcLeg>): Router {
  const r = Router();

  r.post('/calls/:id/actions/:action', (req, res) => {
    const { id, action } = req.params;
    const leg = legs.get(id);
    if (!leg) throw errors.badCallId();
    if (!ACTIONS[action]) throw errors.notFound(`Unknown call action '${action}'.`);
    const b = body(req);
    if (!leg.passive && (leg.state === 'ended' || leg.call.ended)) throw errors.callEnded();
    validate(action, b);
    if (typeof b.command_id === 'string' && leg.commandIds.has(b.command_id)) { res.json({ data: { result: 'ok' } }); return; }
    if (!leg.passive && leg.state === 'parked' && !BEFORE_ANSWER.has(action)) throw errors.notAnswered(action);
    let other: CcLeg | undefined;
    if (action === 'bridge' && !leg.passive) { other = legs.get(String(b.call_control_id)); if (!other || other.call.ended) throw errors.invalid('call_control_id', 'The call to bridge with does not exist or has ended.'); }
    if (typeof b.command_id === 'string') leg.commandIds.add(b.command_id);
    if (typeof b.client_state === 'string') leg.clientState = b.client_state;
    leg.received.push({ action, body: b });
    if (action === 'answer') { leg.state = 'answered'; if (typeof b.webhook_url === 'string' && /^https?:\/\//.test(b.webhook_url)) leg.webhookUrl = b.webhook_url; }
    if (action === 'hangup' || action === 'reject') { leg.cancelled = leg.state === 'parked' && leg.call.direction === 'outgoing'; leg.state = 'ended'; }
    // Stopping a gather acts now: the gather is the effect running, not one queued behind it.
    if (action === 'gather_stop' && !leg.passive) leg.stopGather();
    res.json({ data: { result: 'ok' } });
    if (!leg.passive) leg.enqueue(() => effect(leg, action, b, other));
  });

  /** Dial command_ids seen: Telnyx ignores a repeated dial with the same `command_id` (the first leg is the answer). */
  const dialled = new Map<string, CcLeg>();
  r.post('/calls', (req, res) => {
    const b = body(req);
    const again = typeof b.command_id === 'string' ? dialled.get(b.command_id) : undefined;
    if (again) { res.json({ data: { call_control_id: again.id, call_leg_id: again.call.legId, call_session_id: again.call.sessionId, is_alive: !again.call.ended, record_type: 'call' } }); return; }
    const conn = requireField(b, 'connection_id');
    // Telnyx dials a number or a SIP URI (as transfer does).
    const to = /^sips?:/.test(String(b.to)) ? String(b.to) : requireE164(b, 'to')!, from = requireE164(b, 'from')!;
    if (conn !== ctx.callControlConnectionId && conn !== ctx.texmlConnectionId) throw errors.unknownAssoc('connection_id');
    if (b.client_state !== undefined && (typeof b.client_state !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.client_state))) throw errors.invalid('client_state', 'client_state must be a valid Base-64 encoded string.');
    let linked: CcLeg | undefined;
    if (b.link_to !== undefined) {
      linked = legs.get(String(b.link_to));
      if (!linked || linked.call.ended) throw errors.invalid('link_to', 'link_to must be the call_control_id of a live call.');
    } else if (b.bridge_intent || b.bridge_on_answer || b.park_after_unbridge) throw errors.missing('link_to');
    // bridge_intent: the member sees the linked caller's number (Telnyx overwrites `from`).
    const shown = b.bridge_intent && linked ? linked.call.from : from;
    // A plain outbound call (no link_to) plays the callee scripted for its number (callees.ts).
    const callee = linked ? undefined : takeCallee(ctx, to);
    const call = new SimCall('call-control', shown, to, String(conn), 'outgoing', callee?.call ?? {}, ctx.now(), linked?.call.sessionId);
    ctx.calls.set(call.id, call);
    const leg = new CcLeg(ctx, call, typeof b.webhook_url === 'string' ? b.webhook_url : `${ctx.publicUrl()}/webhooks/call-control`);
    if (typeof b.client_state === 'string') leg.clientState = b.client_state;
    if (typeof b.command_id === 'string') { leg.commandIds.add(b.command_id); dialled.set(b.command_id, leg); }
    legs.set(call.id, leg);
    res.json({ data: { call_control_id: call.id, call_leg_id: call.legId, call_session_id: call.sessionId, is_alive: true, record_type: 'call' } });
    playDialledLeg(ctx, leg, b, linked, callee);
  });

  r.get('/calls/:id', (req, res) => {
    const leg = legs.get(req.params.id);
    if (!leg) throw errors.badCallId();
    res.json({ data: { record_type: 'call', call_control_id: leg.id, call_leg_id: leg.call.legId, call_session_id: leg.call.sessionId, is_alive: !leg.call.ended, call_duration: Math.round(leg.call.t), client_state: leg.clientState || null } });
  });
  return r;
}

/**
 * Seconds of a base64 WAV (PCM) whose samples are all at the zero level (0x80 for 8-bit, 0 for 16-bit), or
 * undefined when it is not such a file: inline audio the sandbox can tell is silence.
 */
export function silentWavSeconds(b64: string): number | undefined {
  let bytes: Buffer;
  try { bytes = Buffer.from(b64, 'base64'); } catch { return undefined; }
  if (bytes.length < 44 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE' || bytes.toString('ascii', 36, 40) !== 'data') return undefined;
  const rate = bytes.readUInt32LE(24), bits = bytes.readUInt16LE(34), channels = bytes.readUInt16LE(22) || 1;
  const data = bytes.subarray(44, 44 + bytes.readUInt32LE(40));
  const zero = bits === 8 ? 0x80 : 0;
  if (!rate || (bits !== 8 && bits !== 16) || !data.every((x) => x === zero)) return undefined;
  return data.length / (rate * channels * (bits / 8));
}

/** What each accepted command does on the call, in order. */
async function effect(leg: CcLeg, action: string, b: Body, other?: CcLeg): Promise<void> {
  const call = leg.call;
  leg.lastAction = action;
  switch (action) {
    case 'answer': call.add('connected', 'call answered', 0.5); await leg.emit('call.answered', { state: 'answered', start_time: call.startedAt.toISOString() }); return;
    case 'hangup': await leg.hangupBy('callee', leg.cancelled ? 'originator_cancel' : 'normal_clearing', 'app', leg.cancelled ? 'hung up while ringing' : 'hangup command'); return;
    case 'reject': await leg.hangupBy('callee', b.cause === 'USER_BUSY' ? 'user_busy' : 'call_rejected', 'app', `rejected (${String(b.cause)})`); return;
    case 'speak':
      await leg.emit('call.speak.started');
      call.hear(b.payload_type === 'ssml' ? String(b.payload).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : String(b.payload));
      leg.screenedHeard(String(b.payload));
      // A caller who hangs up mid-prompt cuts it short, as Telnyx reports it.
      await leg.emit('call.speak.ended', { status: (await leg.callerLeft()) ? 'call_hangup' : 'completed' });
      return;
    case 'playback_start': {
      const media = b.audio_url ? { media_url: b.audio_url } : { media_name: b.media_name ?? 'inline audio' };
      const quiet = typeof b.playback_content === 'string' ? silentWavSeconds(b.playback_content) : undefined;
      if (quiet !== undefined) {
        // Inline audio that is all silence (a pause): the caller hears nothing for its length, loops included.
        const loops = Math.max(1, Number(b.loop ?? 1) || 1);
        await leg.emit('call.playback.started', { ...media, overlay: false });
        call.add('silence', `pause ${Math.round(quiet * loops * 10) / 10}s`, quiet * loops);
        await leg.emit('call.playback.ended', { ...media, overlay: false, status: (await leg.callerLeft()) ? 'call_hangup' : 'completed' });
        return;
      }
      if (b.audio_url !== undefined && unfetchable(b.audio_url)) { await leg.playbackFailed(b.audio_url); return; }
      await leg.emit('call.playback.started', { ...media, overlay: false });
      call.hear(`[audio ${String(b.audio_url ?? b.media_name ?? 'inline audio')}]`);
      leg.screenedHeard(`[audio ${String(b.audio_url ?? b.media_name ?? 'inline audio')}]`);
      await leg.emit('call.playback.ended', { ...media, overlay: false, status: (await leg.callerLeft()) ? 'call_hangup' : 'completed' });
      return;
    }
    case 'gather_using_speak': case 'gather_using_audio': case 'gather': await leg.gather(action, b); return;
    case 'gather_using_ai': await gatherUsingAi(leg, b); return;
    case 'ai_assistant_start': await startAiAssistant(leg, b); return;
    case 'transfer': await leg.transfer(b); return;
    case 'record_start': await leg.record(b); return;
    case 'send_dtmf': call.add('heard', `[tones ${String(b.digits)}]`); return;
    case 'transcription_start': leg.transcribing = true; return;
    case 'transcription_stop': leg.transcribing = false; return;
    case 'bridge': {
      await leg.emit('call.bridged', { to: other!.call.to });
      await other!.emit('call.bridged', { to: call.to });
      call.add('connected', `bridged with ${other!.call.to}`, TALK_SECONDS);
      // The conversation over, the far end hangs up. `park_after_unbridge: 'self'` keeps this leg
      // (parked: the app's next commands play to it); without it Telnyx hangs this leg up too.
      await other!.hangupBy('caller', 'normal_clearing', 'transfer', `bridged with ${call.from}`);
      if (b.park_after_unbridge === 'self') { call.add('hangup', `${other!.call.to} hung up`); return; }
      await leg.hangupBy('caller', 'normal_clearing', 'transfer', `bridged with ${other!.call.to}`);
      return;
    }
    case 'record_stop': await leg.saveCallRecording(); return; // a message's recording was already saved when it ended
    default: return; // gather_stop acted at once
  }
}
