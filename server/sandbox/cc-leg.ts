/**
 * One Call Control leg as Telnyx runs it: commands are checked and answered
 * at once, their effects (events, what the caller hears) run one after
 * another, and a call nobody commands for a while is hung up by the caller.
 */
import { sendEvent, type SandboxContext } from './context.js';
import { picksUp, TALK_SECONDS, type SimCall, type Unanswered } from './sim-call.js';
import { callControlId, uuid } from './util.js';
import { CAUSES } from './cc-dial.js';

export type Body = Record<string, unknown>;

/** The SIP response Telnyx reports beside a hangup_cause. */
const SIP: Record<string, string> = { call_rejected: '603', user_busy: '486', timeout: '408', originator_cancel: '487' };

/**
 * Audio the sandbox cannot fetch, so Telnyx could not either: not an
 * http(s) URL, or a host under `.invalid` (RFC 2606: never resolves). The
 * sandbox fetches nothing; this is its rule for a file that is not there,
 * answered as Telnyx answers one (`call.playback.ended`, `file_not_found`).
 */
export function unfetchable(url: unknown): boolean {
  if (typeof url !== 'string') return true;
  try {
    const u = new URL(url);
    return (u.protocol !== 'https:' && u.protocol !== 'http:') || /(^|\.)invalid\.?$/i.test(u.hostname);
  } catch {
    return true;
  }
}

export class CcLeg {
  state: 'parked' | 'answered' | 'ended' = 'parked';
  clientState = '';
  readonly commandIds = new Set<string>();
  /** Commands received, in order (what `replay` compares against expected.jsonl). */
  readonly received: { action: string; body: Body }[] = [];
  lastAction = '';
  /** An outbound leg the app hung up while it still rang (its hangup is `originator_cancel`). */
  cancelled = false;
  /** A transcription_start is running: the caller's speech during a gather is reported as call.transcription. */
  transcribing = false;
  private gatherStopped?: () => void;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private idleTimer?: NodeJS.Timeout;

  /** `passive`: a leg registered by replay; commands are logged, nothing is played. */
  constructor(readonly ctx: SandboxContext, readonly call: SimCall, public webhookUrl: string, readonly passive = false) {}
  get id(): string { return this.call.id; }

  emit(type: string, extra: Body = {}, over: Body = {}): Promise<unknown> {
    if (this.passive) return Promise.resolve();
    const payload = {
      call_control_id: this.id, call_leg_id: this.call.legId, call_session_id: this.call.sessionId,
      client_state: this.clientState || null, connection_id: this.call.connectionId, from: this.call.from, to: this.call.to, ...extra, ...over,
    };
    return this.send(type, payload);
  }

  /** Sends one event with exactly this payload; a refused delivery shows in the transcript. */
  private send(type: string, payload: Body): Promise<unknown> {
    return sendEvent(this.ctx, this.webhookUrl, type, payload, this.call).then((d) => {
      // A webhook the app never accepted is something the caller suffers (silence): show it.
      if (d.status === null || d.status < 200 || d.status >= 300) this.call.add('error', `${type} webhook not accepted by ${this.webhookUrl}: ${d.status ?? d.text} after ${d.attempts} attempt(s)`);
      return d;
    });
  }

  /** Queues an effect behind the ones before it; re-arms the idle timer when the queue drains. */
  enqueue(fn: () => Promise<void>): void {
    this.pending++;
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.ctx.timers.delete(this.idleTimer); this.idleTimer = undefined; }
    this.chain = this.chain.then(async () => { if (!this.call.ended) await fn(); }).catch((err: Error) => {
      this.call.end({ by: 'error', reason: err.message }, { kind: 'error', text: `sandbox error: ${err.message}` });
    }).finally(() => { if (--this.pending === 0) this.armIdle(); });
  }

  armIdle(): void {
    if (this.call.ended || this.passive) return;
    const t = setTimeout(() => { this.ctx.timers.delete(t); void this.idle(); }, this.ctx.idleMs);
    this.ctx.timers.add(t);
    this.idleTimer = t;
  }

  private async idle(): Promise<void> {
    if (this.call.ended || this.pending) return;
    if (this.state === 'parked') {
      this.call.add('error', `the app never answered (no command within ${this.ctx.idleMs} ms of call.initiated)`);
      await this.hangupBy('caller', 'originator_cancel', 'error', 'call was never answered');
      return;
    }
    if (this.lastAction !== 'record_start') this.call.add('silence', 'no more commands from the app (dead air)', 5);
    await this.hangupBy('caller', 'normal_clearing', 'caller', this.lastAction === 'record_start' ? 'caller hung up after recording' : 'caller hung up: nothing more happened');
  }

  /** Ends the call: a call.hangup event and the transcript's last line. */
  async hangupBy(source: 'caller' | 'callee', cause: string, by: 'caller' | 'app' | 'transfer' | 'error', reason: string): Promise<void> {
    if (this.call.ended) return;
    this.state = 'ended';
    this.call.add('hangup', source === 'caller' ? 'caller hung up' : 'the app hung up');
    const sip = SIP[cause] ?? '200';
    // `source` names the parties of an inbound call (caller = the scripted person, callee = the app).
    // On a call the app dialled out, the app is Telnyx's caller and the person its callee.
    const reported = this.call.direction === 'outgoing' ? (source === 'caller' ? 'callee' : 'caller') : source;
    await this.emit('call.hangup', { hangup_cause: cause, hangup_source: reported, sip_hangup_cause: sip, start_time: this.call.startedAt.toISOString(), state: 'hangup', call_quality_stats: null });
    // A recording of the whole call stops with it and is reported after the hangup, as Telnyx does.
    await this.saveCallRecording();
    this.call.end({ by, reason });
  }

  /** True (and the call ended) when the caller's time is up. */
  async callerLeft(): Promise<boolean> {
    if (this.call.ended) return true;
    if (!this.call.callerWantsOut()) return false;
    await this.hangupBy('caller', 'normal_clearing', 'caller', `caller hung up after ${this.call.hangupAfter}s`);
    return true;
  }

  /**
   * Rings a transfer target: a leg of its own (call.initiated, then call.answered
   * and call.bridged on both legs, or call.hangup with the cause Telnyx gives an
   * unanswered leg). When the target hangs up after the conversation this leg is
   * hung up too, unless the transfer asked `park_after_unbridge: 'self'`: then
   * it stays, parked, for the app's next commands.
   */
  async transfer(b: Body): Promise<void> {
    const to = String(b.to);
    const outcome = this.call.nextCallee();
    const targetState = typeof b.target_leg_client_state === 'string' ? b.target_leg_client_state : null;
    const target = { call_control_id: callControlId(), call_leg_id: uuid(), client_state: targetState, from: (b.from as string) ?? this.call.from, to };
    const timeout = Number(b.timeout_secs ?? 30);
    await this.emit('call.initiated', { direction: 'outgoing', state: 'bridging', start_time: this.call.startedAt.toISOString() }, target);
    this.call.add('ringing', to, outcome === 'no-answer' ? timeout : 4);
    if (picksUp(outcome)) {
      await this.emit('call.answered', { state: 'answered' }, target);
      await this.emit('call.bridged', { from: this.call.from, to });
      await this.emit('call.bridged', {}, target);
      this.call.add('connected', outcome === 'voicemail' ? `${to} (voicemail)` : to, TALK_SECONDS);
      await this.emit('call.hangup', { hangup_cause: 'normal_clearing', hangup_source: 'callee', sip_hangup_cause: '200', state: 'hangup' }, target);
      if (b.park_after_unbridge === 'self') { this.call.add('hangup', `${to} hung up`); return; }
      await this.hangupBy('caller', 'normal_clearing', 'transfer', `connected to ${to}`);
      return;
    }
    const { cause, text } = CAUSES[outcome as Unanswered];
    this.call.add('silence', `${to}: ${text}`);
    await this.emit('call.hangup', { hangup_cause: cause, hangup_source: 'callee', sip_hangup_cause: SIP[cause], state: 'hangup' }, target);
  }

  /** A prompt whose audio cannot be fetched: the caller hears nothing, Telnyx reports `file_not_found`. */
  async playbackFailed(url: unknown): Promise<void> {
    this.call.add('error', `audio ${String(url)} could not be fetched: the caller hears nothing (file_not_found)`);
    await this.emit('call.playback.ended', { media_url: url, overlay: false, status: 'file_not_found', status_detail: 'The audio file could not be retrieved.' });
  }

  /** gather_stop: ends the running gather (it reports `cancelled`). */
  stopGather(): void { this.gatherStopped?.(); }

  /**
   * A speech answer while a transcription runs: the final transcript, then
   * the gather waits for the app's gather_stop (`cancelled`), or for its own
   * timeout when none comes (`timeout`, no digits), as Telnyx's would.
   */
  private async spoken(said: string, b: Body): Promise<void> {
    this.call.add('said', said, Math.max(1, said.split(/\s+/).length / 2.5));
    const stopped = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => { this.ctx.timers.delete(t); resolve(false); }, this.ctx.idleMs);
      this.ctx.timers.add(t);
      this.gatherStopped = () => { clearTimeout(t); this.ctx.timers.delete(t); resolve(true); };
    });
    await this.emit('call.transcription', { transcription_data: { transcript: said, confidence: 0.92, is_final: true, transcription_track: 'inbound' } });
    const byApp = await stopped;
    this.gatherStopped = undefined;
    if (this.call.ended) return;
    if (!byApp) this.call.add('silence', `no keys (${Number(b.timeout_millis ?? 60000) / 1000}s timeout)`, 5);
    await this.emit('call.gather.ended', { digits: '', status: byApp ? 'cancelled' : 'timeout' });
  }

  /**
   * Plays a prompt and takes the caller's next keypad entry (or, while a
   * transcription runs and no keys come, a scripted phrase); an invalid or
   * missing entry replays the prompt (`invalid_payload` when given) up to
   * `maximum_tries` times [3], as Telnyx does. Audio it cannot fetch
   * plays nothing: the caller, who heard no question, stays silent.
   */
  async gather(action: string, b: Body): Promise<void> {
    const audio = (u: unknown) => `[audio ${String(u)}]`;
    const first = action === 'gather' ? '' : action === 'gather_using_speak' ? String(b.payload) : audio(b.audio_url ?? b.media_name);
    const retry = action === 'gather_using_speak' ? String(b.invalid_payload ?? b.payload)
      : action === 'gather_using_audio' ? audio(b.invalid_audio_url ?? b.invalid_media_name ?? b.audio_url ?? b.media_name) : '';
    const tries = action === 'gather' ? 1 : Math.max(1, Number(b.maximum_tries ?? 3));
    const valid = String(b.valid_digits ?? '0123456789#*'), term = String(b.terminating_digit ?? '#');
    const max = Number(b.maximum_digits ?? 128), min = Number(b.minimum_digits ?? 1);
    let digits = '', status = 'timeout';
    for (let attempt = 1; attempt <= tries; attempt++) {
      const prompt = attempt === 1 ? first : retry;
      const url = attempt === 1 ? b.audio_url : b.invalid_audio_url ?? b.audio_url;
      if (action === 'gather_using_audio' && url !== undefined && unfetchable(url)) {
        await this.playbackFailed(url);
        this.call.add('silence', `no prompt, no input (${Number(b.timeout_millis ?? 60000) / 1000}s timeout)`, 5);
        digits = ''; status = 'timeout';
        continue;
      }
      if (prompt) this.call.hear(prompt);
      if (await this.callerLeft()) return;
      await this.call.think(); // real time: the caller listens, then thinks, before keying
      if (this.call.ended) return;
      const { digits: entry, said } = this.call.answer(true, this.transcribing);
      if (said) { await this.spoken(said, b); return; }
      if (entry === undefined) {
        this.screened(prompt, '');
        await this.emit('call.gather.ended', { digits: '', status: 'call_hangup' });
        await this.hangupBy('caller', 'normal_clearing', 'caller', 'caller gave up after unanswered prompts');
        return;
      }
      if (!entry) { this.call.add('silence', `no input (${Number(b.timeout_millis ?? 60000) / 1000}s timeout)`, 5); digits = ''; status = 'timeout'; continue; }
      digits = '';
      for (const d of entry) {
        if (digits.length >= max) break;
        await this.emit('call.dtmf.received', { digit: d });
        if (d === term) break;
        digits += d;
      }
      this.call.add('pressed', entry, entry.length * 0.5);
      status = digits.length >= min && [...digits].every((d) => valid.includes(d)) ? 'valid' : 'invalid';
      if (status === 'valid') break;
    }
    this.screened(first, digits);
    await this.emit('call.gather.ended', { digits, status });
  }

  /** On a leg rung for a caller (a whisper played to it): the caller's transcript shows what the answering leg heard. */
  screenedHeard(what: string): void {
    const by = this.call.answeredBy;
    if (by) by.caller.add('screened', `${this.call.to}${by.who === 'voicemail' ? ' (voicemail)' : ''} heard "${what}"`);
  }

  /** On a leg rung for a caller (a screening gather): the caller's transcript shows what the answering leg heard and pressed. */
  private screened(prompt: string, digits: string): void {
    const by = this.call.answeredBy;
    if (by) by.caller.add('screened', `${this.call.to}${by.who === 'voicemail' ? ' (voicemail)' : ''} heard ${prompt ? `"${prompt}"` : 'nothing'}, pressed ${digits || 'nothing'}`);
  }

  /**
   * Records the caller's next scripted message (or silence), then reports it
   * saved; with `transcription: true` a message is then transcribed, word for
   * word, in `call.recording.transcription.saved`.
   */
  async record(b: Body): Promise<void> {
    // `max_length: 0` (no limit) and no silence timeout: Telnyx records the call from now until record_stop or the
    // hangup, and the commands after it run at once (a call recording, not a message). A record_start that says
    // neither is still played as a message (the caller's next speech), as this sandbox always did: Telnyx would
    // record it to the hangup too.
    if (b.timeout_secs === undefined && b.max_length === 0) {
      this.callRecording = { b, from: this.call.t };
      this.call.add('recorded', 'call recording started');
      return;
    }
    if (b.play_beep !== false) this.call.add('heard', '[beep]');
    await this.call.think();
    if (this.call.ended) return;
    const message = this.call.nextSpeech();
    const started = new Date(this.call.startedAt.getTime() + this.call.t * 1000);
    // With timeout_secs, Telnyx stops recording after that much silence: the recording holds it too.
    const silence = Math.max(0, Number(b.timeout_secs ?? 0)) || 0;
    if (message) this.call.add('recorded', message, Math.max(1, Math.round(message.split(/\s+/).length / 2.5)) + silence);
    else this.call.add('silence', 'nothing recorded', silence || 5);
    const ended = new Date(this.call.startedAt.getTime() + this.call.t * 1000);
    const id = uuid(), base = `${this.ctx.publicUrl()}/sandbox/recordings/${id}`;
    await this.emit('call.recording.saved', {
      channels: b.channels, recording_started_at: started.toISOString(), recording_ended_at: ended.toISOString(),
      recording_urls: { mp3: `${base}.mp3`, wav: `${base}.wav` }, public_recording_urls: { mp3: `${base}.mp3`, wav: `${base}.wav` },
    });
    if (b.transcription === true && message) await this.transcribed(id, message);
  }

  /** The call recording running (record_start without timeout_secs or max_length), until record_stop or the hangup. */
  callRecording?: { b: Body; from: number };

  /** Stops the call recording, if one runs, and reports it: `call.recording.saved` with its whole length. */
  async saveCallRecording(): Promise<void> {
    const rec = this.callRecording;
    if (!rec) return;
    this.callRecording = undefined;
    const at = (t: number) => new Date(this.call.startedAt.getTime() + t * 1000).toISOString();
    const id = uuid(), base = `${this.ctx.publicUrl()}/sandbox/recordings/${id}`;
    await this.emit('call.recording.saved', {
      channels: rec.b.channels, recording_started_at: at(rec.from), recording_ended_at: at(Math.max(this.call.t, rec.from + 1)),
      recording_urls: { mp3: `${base}.mp3`, wav: `${base}.wav` }, public_recording_urls: { mp3: `${base}.mp3`, wav: `${base}.wav` },
    });
  }

  /** `call.recording.transcription.saved`, shaped as Telnyx's published callback (no from/to). */
  private async transcribed(recordingId: string, text: string): Promise<void> {
    await this.send('call.recording.transcription.saved', {
      call_control_id: this.id, connection_id: this.call.connectionId, call_leg_id: this.call.legId, call_session_id: this.call.sessionId,
      client_state: this.clientState || null, calling_party_type: 'pstn', recording_id: recordingId, recording_transcription_id: uuid(),
      status: 'completed', transcription_text: text,
    });
  }
}
