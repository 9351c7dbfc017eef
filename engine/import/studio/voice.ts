import type { MapContext, Remark, StateResult } from './context.js';
import { bool, clamp, num, position, str } from './context.js';
import { addNode, dropped, placeholder, text, wire } from './helpers.js';
import type { StudioState } from './studio-schema.js';

/** Studio's Polly voices are `Polly.Joanna`; Telnyx takes `AWS.Polly.Joanna` in both modes. Others pass through. */
export function voiceFor(v: string | undefined): string | undefined {
  if (!v) return undefined;
  return /^Polly\./.test(v) ? `AWS.${v}` : v;
}

/** `loop` as a callflow loop (1-10); Studio's 0 ("forever") becomes 10 with a remark. */
export function loopOf(s: StudioState, node: string, remarks: Remark[]): number {
  const l = clamp(num(s.properties, 'loop'), 1, 10, 1);
  if (l.changed) remarks.push({ severity: 'info', code: 'studio.loop', node, message: `It repeated ${String(s.properties.loop)} time(s); Callflow repeats 1 to 10 times, so it now repeats ${l.value}.` });
  return l.value;
}

/** say-play → say (text, voice, language, loop) or play (URL, loop); `digits` (sending tones) has no counterpart. */
export function sayPlay(ctx: MapContext, s: StudioState): StateResult {
  const id = ctx.ids.get(s.name)!;
  const p = s.properties;
  const remarks: Remark[] = [];
  const say = str(p, 'say'), play = str(p, 'play');
  if (!say && !play) return placeholder(ctx, s, str(p, 'digits') ? `it only sends the tones "${str(p, 'digits')}" down the line, and Callflow cannot send tones yet.` : 'it says and plays nothing.');
  const loop = loopOf(s, id, remarks);
  if (say) {
    const data: Record<string, unknown> = { text: text(ctx, say, id, 'text', remarks), loop };
    const voice = voiceFor(str(p, 'voice'));
    if (voice) data.voice = voice;
    if (str(p, 'language')) data.language = str(p, 'language');
    if (play) remarks.push({ severity: 'warning', code: 'studio.say-and-play', node: id, message: `It both said text and played ${play}; only the text was kept. Add a "Play audio" step for the recording.` });
    addNode(ctx, { id, type: 'say', position: position(s), data });
  } else {
    addNode(ctx, { id, type: 'play', position: position(s), data: { url: text(ctx, play!, id, 'url', remarks), loop } });
  }
  if (str(p, 'digits')) remarks.push({ severity: 'warning', code: 'studio.digits', node: id, message: `It also sent the tones "${str(p, 'digits')}"; Callflow cannot send tones, so they were dropped.` });
  wire(ctx, id, 'next', s, 'audioComplete');
  return { status: remarks.length ? 'changed' : 'mapped', nodes: [id], remarks };
}

/** record-voicemail → voicemail (max length, transcribe, beep); the message is kept in Callflow's inbox. */
export function recordVoicemail(ctx: MapContext, s: StudioState): StateResult {
  const id = ctx.ids.get(s.name)!;
  const p = s.properties;
  const remarks: Remark[] = [];
  const max = clamp(num(p, 'max_length'), 1, 3600, 3600);
  const data: Record<string, unknown> = { maxSeconds: max.value, transcribe: bool(p, 'transcribe') ?? false, playBeep: bool(p, 'play_beep') ?? true };
  addNode(ctx, { id, type: 'voicemail', position: position(s), data });
  wire(ctx, id, 'next', s, 'recordingComplete');
  wire(ctx, id, 'noRecording', s, 'noAudio');
  for (const k of ['recording_status_callback_url', 'transcription_callback_url']) {
    if (str(p, k)) remarks.push({ severity: 'info', code: 'studio.callback', node: id, message: `Its ${k} (${str(p, k)}) was not carried over: Callflow keeps the message (and its transcription) in the voicemail inbox and notifies as the mailbox's settings say.` });
  }
  dropped(ctx, s, id, { hangup: 'in Callflow a caller who hangs up after speaking leaves a message, which goes on by "next".' }, remarks);
  return { status: remarks.length ? 'changed' : 'mapped', nodes: [id], remarks };
}

const DIGITS = /^[\s\d().-]+$/;

/** A Studio destination as E.164 (`15555551234` → `+15555551234`), a sip: URI or a template; undefined when it is none. */
export function destination(to: string, remarks: Remark[], node: string): string | undefined {
  const t = to.trim();
  if (/^\{\{.+\}\}$/.test(t) || /^sips?:[^\s@]+@\S+$/.test(t)) return t;
  if (/^\+[1-9]\d{6,14}$/.test(t.replace(/[\s().-]/g, ''))) return t.replace(/[\s().-]/g, '');
  if (DIGITS.test(t)) {
    const d = t.replace(/\D/g, '');
    if (/^[1-9]\d{6,14}$/.test(d)) {
      remarks.push({ severity: 'info', code: 'studio.number', node, message: `The number ${t} was written as +${d} (E.164).` });
      return `+${d}`;
    }
  }
  return undefined;
}

/** connect-call-to → transfer (one number or SIP address) or a simultaneous team ring (several numbers). */
export function connectCall(ctx: MapContext, s: StudioState): StateResult {
  const id = ctx.ids.get(s.name)!;
  const p = s.properties;
  const remarks: Remark[] = [];
  const noun = str(p, 'noun') ?? 'number';
  if (!['number', 'number-multi', 'sip'].includes(noun)) return placeholder(ctx, s, `it connects to a Twilio ${noun}, which does not exist outside Twilio. Replace it with a transfer to a phone number or SIP address.`);
  const raw = noun === 'sip' ? (str(p, 'sip_endpoint') ?? str(p, 'to') ?? '') : (str(p, 'to') ?? '');
  const list = noun === 'number-multi' ? raw.split(',').map((x) => x.trim()).filter(Boolean) : [raw];
  const tos = list.map((x, i) => destination(text(ctx, x, id, noun === 'number-multi' ? `members.${i}.to` : 'to', remarks), remarks, id));
  const bad = list.filter((_, i) => tos[i] === undefined);
  if (!list.length || bad.length) return placeholder(ctx, s, `${bad.length ? `"${bad.join('", "')}" is not a phone number or SIP address` : 'it names no one to call'}. Replace it with a transfer to the right number.`);
  const callerId = str(p, 'caller_id') ? text(ctx, str(p, 'caller_id')!, id, 'callerId', remarks) : undefined;
  const record = bool(p, 'record') ?? false;
  let ports: string[];
  if (tos.length === 1) {
    const ring = clamp(num(p, 'timeout'), 5, 600, 30);
    addNode(ctx, { id, type: 'transfer', position: position(s), data: { to: tos[0], ringSeconds: ring.value, ...(callerId ? { callerId } : {}), record } });
    ports = ['connected', 'noAnswer', 'busy', 'failed'];
  } else {
    const ring = clamp(num(p, 'timeout'), 5, 120, 20);
    if (ring.changed) remarks.push({ severity: 'info', code: 'studio.ring', node: id, message: `It rang for ${String(p.timeout)} seconds; a team rings for at most 120, so it now rings ${ring.value}.` });
    const members = tos.map((to, i) => ({ id: `m${i + 1}`, name: to!, to }));
    addNode(ctx, { id, type: 'roundRobin', position: position(s), data: { members, strategy: 'simultaneous', ringSeconds: ring.value, skipUnavailable: false, ...(callerId ? { callerId } : {}), record } });
    remarks.push({ severity: 'info', code: 'studio.simulring', node: id, message: `The ${tos.length} numbers ring at once as a team ("simultaneous"); the first to answer takes the call, as in Studio.` });
    ports = ['connected', 'noAnswer'];
  }
  // Studio has one way on after the dial, whatever its outcome: every outcome here takes it.
  for (const port of ports) wire(ctx, id, port, s, 'callCompleted');
  dropped(ctx, s, id, { hangup: 'when the caller hangs up, the call simply ends in Callflow.' }, remarks);
  return { status: remarks.length ? 'changed' : 'mapped', nodes: [id], remarks };
}
