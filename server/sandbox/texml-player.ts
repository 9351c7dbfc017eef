/**
 * Plays Telnyx's part in a TeXML call: fetches the voice URL, runs the verbs
 * in order against the caller's script, posts action callbacks (signed form
 * bodies, Telnyx's PascalCase fields) and ends with a status callback.
 */
import type { SandboxContext } from './context.js';
import { deliver, formBody } from './deliver.js';
import { allText, parseTexml, type XmlNode } from './texml-parse.js';
import { picksUp, screenKeys, speakSeconds, TALK_SECONDS, type CalleeOutcome, type SimCall } from './sim-call.js';
import { uuid } from './util.js';
import { aiGatherVerb, connectVerb } from './texml-ai.js';

const MAX_STEPS = 200;
type Fields = Record<string, string | number | undefined>;
/** A request for the next document, or null when the call is over. */
type Next = { url: string; fields: Fields; method?: 'GET' | 'POST' } | null;

/** `fields`: more fields of the first fetch (an outbound call's `AnsweredBy`); `statusUrl`: where the final status callback goes. */
export interface TexmlCallOptions { fields?: Fields; statusUrl?: string }

export async function playTexmlCall(ctx: SandboxContext, call: SimCall, voiceUrl = `${ctx.publicUrl()}/webhooks/texml`, o: TexmlCallOptions = {}): Promise<void> {
  const base = baseFields(ctx, call);
  let next: Next = {
    url: voiceUrl,
    fields: { ...base, CallerId: call.from, CallingPartyType: 'pstn', FromSipUri: `${call.from}@sip.telnyx.com`, ToSipUri: `${call.to}@sip.telnyx.com`, CallStatus: 'in-progress', Direction: undefined, ...o.fields },
  };
  try {
    while (next && !call.ended) {
      if (++call.steps > MAX_STEPS) { call.end({ by: 'error', reason: 'too many TeXML documents (redirect loop?)' }, { kind: 'error', text: `stopped after ${MAX_STEPS} documents: redirect loop?` }); break; }
      const verbs = await fetchDoc(ctx, call, next.url, next.fields, next.method);
      if (!verbs) break;
      next = await runVerbs(ctx, call, verbs, next.url, base);
    }
    if (!call.ended) call.end({ by: 'app', reason: 'end of TeXML document' }, { kind: 'hangup', text: 'call ended: no more TeXML' });
  } catch (err) {
    call.end({ by: 'error', reason: (err as Error).message }, { kind: 'error', text: (err as Error).message });
  }
  // A <Start><Recording> runs until the call ends: its recording is reported then, before the call's completion.
  for (const rec of extras(call).recordings) await recordingDone(ctx, call, base, rec);
  await post(ctx, call, o.statusUrl ?? `${ctx.publicUrl()}/webhooks/texml/status`, statusFields(ctx, call, base), true);
}

/** What this player tracks of a call besides the SimCall: whether a verb ran (Telnyx answered), a refusal, the call recordings started. */
interface PlayerState { answered: boolean; refused?: string; recordings: { attrs: Record<string, string>; from: number; abs: (u: string) => string }[] }
const STATES = new WeakMap<SimCall, PlayerState>();
function extras(call: SimCall): PlayerState {
  let s = STATES.get(call);
  if (!s) STATES.set(call, (s = { answered: false, recordings: [] }));
  return s;
}

/**
 * `<Start>` (non-blocking): a `<Recording>` child starts recording the whole call and the next verb follows at
 * once (Telnyx's Recording page); the recording stops when the call ends. Other children are not played here.
 */
function start(call: SimCall, v: XmlNode, abs: (u: string) => string): void {
  for (const c of v.children) {
    if (c.name === 'Recording') { extras(call).recordings.push({ attrs: c.attrs, from: call.t, abs }); call.add('recorded', 'call recording started'); }
    else call.add('error', `unsupported <Start><${c.name}> skipped`);
  }
}

/** The recording status callback of a call recording, at the end of the call (`completed`; its whole length). */
async function recordingDone(ctx: SandboxContext, call: SimCall, base: Fields, rec: PlayerState['recordings'][number]): Promise<void> {
  if (!rec.attrs.recordingStatusCallback) return;
  const events = (rec.attrs.recordingStatusCallbackEvent ?? 'completed').split(/\s+/);
  if (!events.includes('completed')) return;
  const sid = uuid();
  const fields: Fields = {
    ...base, RecordingSid: sid, RecordingUrl: `${ctx.publicUrl()}/sandbox/recordings/${sid}.${rec.attrs.format === 'wav' ? 'wav' : 'mp3'}`,
    RecordingDuration: Math.max(1, Math.round(call.t - rec.from)), RecordingStatus: 'completed',
    RecordingChannels: rec.attrs.channels === 'single' || rec.attrs.channels === 'mono' ? 1 : 2, RecordingSource: 'StartCallRecording',
  };
  const url = rec.abs(rec.attrs.recordingStatusCallback);
  if (rec.attrs.recordingStatusCallbackMethod?.toUpperCase() === 'GET') await getDoc(ctx, call, url, fields);
  else await post(ctx, call, url, fields, true);
}

function baseFields(ctx: SandboxContext, call: SimCall): Fields {
  return { AccountSid: ctx.accountSid, CallSid: call.id, CallSidLegacy: call.id, From: call.from, To: call.to, ConnectionId: call.connectionId };
}

function statusFields(ctx: SandboxContext, call: SimCall, base: Fields): Fields {
  const end = new Date(call.startedAt.getTime() + call.t * 1000).toISOString();
  const refused = extras(call).refused;
  // Refused by a <Reject> before anything else: never answered (no AnsweredTime, no duration), the cause says how.
  if (refused) {
    return {
      ...base, CallStatus: 'completed', CallbackSource: 'call-progress-events', SequenceNumber: 3, Timestamp: end,
      CallInitiatedAt: call.startedAt.toISOString(), EndTime: end, CallDuration: 0, HangupCause: refused === 'busy' ? 'user_busy' : 'call_rejected', HangupSource: 'callee',
      CallControlId: call.id, CallLegId: call.legId, CallSessionId: call.sessionId, Direction: call.direction === 'incoming' ? 'inbound' : 'outbound-api',
    };
  }
  return {
    ...base, CallStatus: 'completed', CallbackSource: 'call-progress-events', SequenceNumber: 3, Timestamp: end,
    CallInitiatedAt: call.startedAt.toISOString(), AnsweredTime: call.startedAt.toISOString(), EndTime: end,
    CallDuration: Math.round(call.t), HangupCause: 'normal_clearing', HangupSource: (call.ended?.by === 'app') === (call.direction === 'incoming') ? 'callee' : 'caller', // the app is the callee of an inbound call, the caller of one it dialled
    CallControlId: call.id, CallLegId: call.legId, CallSessionId: call.sessionId, Direction: call.direction === 'incoming' ? 'inbound' : 'outbound-api',
  };
}

function post(ctx: SandboxContext, call: SimCall, url: string, fields: Fields, retry: boolean) {
  call.webhooks++;
  const raw = formBody(fields);
  return deliver(ctx.delivery, url, 'application/x-www-form-urlencoded', () => raw, retry);
}

/** GET with the fields in the query string; the signature covers the (empty) body, as Telnyx's does. */
function getDoc(ctx: SandboxContext, call: SimCall, url: string, fields: Fields) {
  call.webhooks++;
  const u = new URL(url);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) u.searchParams.set(k, String(v));
  return deliver(ctx.delivery, u.toString(), '', () => '', false, 'GET');
}

/** POSTs for a document; a non-200 answer or bad XML ends the call with an error, as a caller would suffer it. */
async function fetchDoc(ctx: SandboxContext, call: SimCall, url: string, fields: Fields, method: 'GET' | 'POST' = 'POST'): Promise<XmlNode[] | null> {
  const d = method === 'GET' ? await getDoc(ctx, call, url, fields) : await post(ctx, call, url, fields, false);
  if (d.status !== 200) {
    call.end({ by: 'error', reason: `${url} answered ${d.status ?? 'no connection'}` }, { kind: 'error', text: `TeXML fetch failed: ${url} answered ${d.status ?? `nothing (${d.text})`}` });
    return null;
  }
  const parsed = parseTexml(d.text);
  if ('error' in parsed) { call.end({ by: 'error', reason: parsed.error }, { kind: 'error', text: `${parsed.error} from ${url}` }); return null; }
  return parsed.verbs;
}

async function runVerbs(ctx: SandboxContext, call: SimCall, verbs: XmlNode[], docUrl: string, base: Fields): Promise<Next> {
  const abs = (u: string) => new URL(u, docUrl).toString();
  for (const v of verbs) {
    if (call.ended) return null;
    if (call.callerWantsOut()) { call.end({ by: 'caller', reason: `caller hung up after ${call.hangupAfter}s` }, { kind: 'hangup', text: 'caller hung up' }); return null; }
    if (++call.steps > MAX_STEPS) { call.end({ by: 'error', reason: 'too many verbs' }, { kind: 'error', text: `stopped after ${MAX_STEPS} verbs` }); return null; }
    // <Reject> as the first verb of the call: Telnyx never answers it. Any other verb first: it answers.
    const state = extras(call);
    if (v.name === 'Reject' && !state.answered) state.refused = v.attrs.reason === 'busy' ? 'busy' : 'rejected';
    state.answered = true;
    switch (v.name) {
      case 'Say': sayOrPlay(call, v); break;
      case 'Start': start(call, v, abs); break;
      case 'Play': sayOrPlay(call, v); break;
      case 'Pause': { const s = Number(v.attrs.length ?? 1); call.add('silence', `pause ${s}s`, s); break; }
      case 'Hangup': call.end({ by: 'app', reason: 'Hangup' }, { kind: 'hangup', text: 'the app hung up' }); return null;
      case 'Reject': call.end({ by: 'app', reason: `rejected (${v.attrs.reason ?? 'rejected'})` }, { kind: 'hangup', text: `call rejected: ${v.attrs.reason ?? 'rejected'}` }); return null;
      case 'Redirect': {
        if (!v.text) { call.add('error', '<Redirect> without a URL'); break; }
        return request(abs(v.text), v.attrs.method, { ...base, CallStatus: 'in-progress' });
      }
      case 'Gather': { const n = await gather(call, v, base, abs, docUrl); if (n === 'gone') return null; if (n) return n; break; }
      case 'Dial': { const n = await dial(ctx, call, v, base, abs); if (n !== undefined) return n; break; }
      case 'Record': { const n = await record(ctx, call, v, base, abs); if (n !== undefined) return n; break; }
      case 'AIGather': { const n = await aiGatherVerb(call, v, base, abs); if (n === 'gone') return null; if (n) return n; break; }
      case 'Connect': { const n = await connectVerb(call, v, base, abs); if (n === 'gone') return null; if (n) return n; break; }
      default: call.add('error', `unsupported verb <${v.name}> skipped`);
    }
  }
  return null;
}

function sayOrPlay(call: SimCall, v: XmlNode): void {
  const loops = Math.min(Math.max(Number(v.attrs.loop ?? 1) || 1, 1), 3); // loop="0" (forever): the caller hears it a few times
  const what = v.name === 'Say' ? allText(v) : `[audio ${v.text}]`;
  for (let i = 0; i < loops; i++) call.hear(what);
  if (v.name === 'Play' && v.attrs.digits) call.add('heard', `[tones ${v.attrs.digits}]`);
}

async function gather(call: SimCall, v: XmlNode, base: Fields, abs: (u: string) => string, docUrl: string): Promise<Next | 'gone' | undefined> {
  for (const c of v.children) {
    if (c.name === 'Say' || c.name === 'Play') sayOrPlay(call, c);
    else if (c.name === 'Pause') call.add('silence', `pause ${Number(c.attrs.length ?? 1)}s`, Number(c.attrs.length ?? 1));
  }
  await call.think(); // the caller listens, then thinks, before keying or speaking
  if (call.ended) return 'gone';
  const input = (v.attrs.input ?? 'dtmf').toLowerCase();
  const dtmf = input.includes('dtmf'), speech = input.includes('speech');
  const heard = call.answer(dtmf, speech);
  let digits = heard.digits;
  const said = heard.said;
  if (digits === undefined) { call.end({ by: 'caller', reason: 'caller gave up after unanswered prompts' }, { kind: 'hangup', text: 'caller hung up (no more input)' }); return 'gone'; }
  const action = abs(v.attrs.action ?? docUrl);
  if (digits) {
    const typed = digits;
    const finish = v.attrs.finishOnKey ?? '#';
    if (finish && digits.includes(finish)) digits = digits.slice(0, digits.indexOf(finish));
    const max = Number(v.attrs.numDigits ?? v.attrs.maxDigits ?? 128);
    digits = digits.slice(0, max);
    call.add('pressed', typed, typed.length * 0.5); // what the caller keyed; Digits carries what Telnyx kept
    return { url: action, fields: { ...base, Digits: digits } };
  }
  if (said) { call.add('said', said, Math.max(1, said.split(/\s+/).length / 2.5)); return { url: action, fields: { ...base, SpeechResult: said, Confidence: '0.92' } }; }
  const timeout = Number(v.attrs.timeout ?? 5);
  call.add('silence', `no input (${timeout}s timeout)`, timeout);
  return undefined; // Telnyx moves on to the verb after <Gather>
}

async function dial(ctx: SandboxContext, call: SimCall, v: XmlNode, base: Fields, abs: (u: string) => string): Promise<Next | undefined> {
  const nouns = v.text ? [{ ...v, name: 'Number', attrs: {} }] : v.children.filter((c) => c.text);
  const targets = nouns.map((c) => c.text);
  if (!targets.length) { call.add('error', '<Dial> without a number'); return undefined; }
  const timeout = Number(v.attrs.timeout ?? 30);
  // Sequential dials ring one target after another (one scripted outcome each); otherwise all ring at once,
  // one scripted outcome per target, and the first listed to answer is connected. A target whose noun has a
  // `url` is screened: the document there runs on its leg once it answers, and only a leg whose document ends
  // without hanging up is connected (the next one that answered is tried; none: no answer).
  const rounds = v.attrs.sequential === 'true' ? targets.map((t) => [t]) : [targets];
  let outcome: CalleeOutcome = 'no-answer', target = targets[0]!, leg = '';
  for (const round of rounds) {
    const outcomes = round.map(() => call.nextCallee());
    const first = outcomes.findIndex(picksUp);
    const rang = first >= 0 ? outcomes[first]! : combined(outcomes);
    call.add('ringing', round.join(', '), rang === 'no-answer' ? timeout : first >= 0 ? 4 : 2);
    let taken = -1, declined = false;
    for (let k = 0; k < round.length && taken < 0; k++) {
      if (!picksUp(outcomes[k]!)) continue;
      const noun = nouns[targets.indexOf(round[k]!)]!;
      leg = `v3:${uuid()}`;
      if (!noun.attrs.url || await screenedLeg(ctx, call, noun, v, leg, outcomes[k]!, abs)) taken = k;
      else declined = true;
      if (call.ended) return null;
    }
    if (taken >= 0) { outcome = outcomes[taken]!; target = round[taken]!; break; }
    outcome = declined ? 'no-answer' : combined(outcomes);
    call.add('silence', `${round.join(', ')}: ${outcome === 'no-answer' ? 'no answer' : outcome}`);
  }
  const answered = picksUp(outcome);
  if (!answered) leg = `v3:${uuid()}`;
  const fields: Fields = { ...base, CallStatus: 'in-progress', DialCallStatus: answered ? 'completed' : outcome, DialCallSid: leg, DialCallDuration: answered ? TALK_SECONDS : 0 };
  if (!answered) return v.attrs.action ? request(abs(v.attrs.action), v.attrs.method, fields) : undefined;
  await legAnswered(ctx, call, nouns[targets.indexOf(target)]!, v, leg, abs);
  call.add('connected', outcome === 'voicemail' ? `${target} (voicemail)` : target, TALK_SECONDS);
  if (v.attrs.record?.startsWith('record-from') && v.attrs.recordingStatusCallback) {
    const sid = uuid();
    await post(ctx, call, abs(v.attrs.recordingStatusCallback), { ...base, RecordingSid: sid, RecordingUrl: `${ctx.publicUrl()}/sandbox/recordings/${sid}.mp3`, RecordingDuration: TALK_SECONDS, RecordingStatus: 'completed', RecordingChannels: v.attrs.record.endsWith('dual') ? 2 : 1, RecordingSource: 'DialVerb' }, true);
  }
  // The far end hung up after the conversation; the caller is still on the line, and the call goes on
  // as after any Dial: with the action URL's document, else with the next verb (none: the call ends).
  call.add('hangup', `${target} hung up`);
  return v.attrs.action ? request(abs(v.attrs.action), v.attrs.method, fields) : undefined;
}

/**
 * The answered status callback of the leg that picked up, when its `<Number>` / `<Sip>` asks for one
 * (`statusCallback`, `answered` among the space-separated `statusCallbackEvent`): Telnyx's call-progress
 * fields for the child leg, its own CallSid and `ParentCallSid` = the caller's call, before the Dial's action.
 */
async function legAnswered(ctx: SandboxContext, call: SimCall, noun: XmlNode, v: XmlNode, leg: string, abs: (u: string) => string): Promise<void> {
  const events = (noun.attrs.statusCallbackEvent ?? 'completed').split(/\s+/);
  if (!noun.attrs.statusCallback || !events.includes('answered')) return;
  const at = new Date(call.startedAt.getTime() + call.t * 1000).toISOString();
  const fields: Fields = {
    AccountSid: ctx.accountSid, CallSid: leg, CallSidLegacy: leg, CallbackSource: 'call-progress-events', CallStatus: 'in-progress',
    ConnectionId: call.connectionId, From: v.attrs.callerId ?? call.from, To: noun.text, ParentCallSid: call.id, ParentCallSidLegacy: call.id,
    SequenceNumber: 2, Timestamp: at, CallInitiatedAt: at,
  };
  const url = abs(noun.attrs.statusCallback);
  if (noun.attrs.statusCallbackMethod?.toUpperCase() === 'GET') await getDoc(ctx, call, url, fields);
  else await post(ctx, call, url, fields, true);
}

/**
 * A screened target's leg (`url` on its `<Number>` / `<Sip>`), as Telnyx runs it: once the leg answers, the
 * document at `url` is fetched (POST, the child leg's fields: its own CallSid, `ParentCallSid` = the caller's
 * call, `To` = the target) and played to the person who answered, while the caller hears ringing. `<Say>` /
 * `<Play>` they hear; at a `<Gather>` they press the keys their outcome scripts (`answer:KEYS`; a plain answer
 * and a voicemail press nothing, and the Gather falls through), posted as `Digits` to its action, whose document
 * runs next; `<Hangup/>` declines the call (the Dial goes on as if unanswered). A document that ends without one
 * puts the call through: true. A fetch that fails declines too (Telnyx cannot bridge what it could not screen).
 */
async function screenedLeg(ctx: SandboxContext, call: SimCall, noun: XmlNode, v: XmlNode, leg: string, outcome: CalleeOutcome, abs: (u: string) => string): Promise<boolean> {
  const who = `${noun.text}${outcome === 'voicemail' ? ' (voicemail)' : ''}`;
  const legFields: Fields = {
    AccountSid: ctx.accountSid, CallSid: leg, CallSidLegacy: leg, From: v.attrs.callerId ?? call.from, To: noun.text,
    ParentCallSid: call.id, ParentCallSidLegacy: call.id, ConnectionId: call.connectionId, CallStatus: 'in-progress',
  };
  let keys = screenKeys(outcome);
  let url = abs(noun.attrs.url!);
  for (let docs = 0; docs < 10; docs++) {
    const d = await post(ctx, call, url, legFields, false);
    const parsed = d.status === 200 ? parseTexml(d.text) : { error: `${url} answered ${d.status ?? 'nothing'}` };
    if ('error' in parsed) { call.add('error', `screening document for ${noun.text}: ${parsed.error}`); return false; }
    let next: string | undefined;
    for (const verb of parsed.verbs) {
      if (verb.name === 'Say' || verb.name === 'Play') { const text = verb.name === 'Say' ? allText(verb) : `[audio ${verb.text}]`; call.add('screened', `${who} heard "${text}"`, speakSeconds(text)); continue; }
      if (verb.name === 'Pause') { call.add('screened', `${who}: pause`, Number(verb.attrs.length ?? 1)); continue; }
      if (verb.name === 'Hangup') { call.add('screened', `${who}: declined (hung up)`); return false; }
      if (verb.name === 'Gather') {
        const heard = verb.children.filter((c) => c.name === 'Say' || c.name === 'Play').map((c) => (c.name === 'Say' ? allText(c) : `[audio ${c.text}]`)).join(' ');
        const pressed = keys.slice(0, Number(verb.attrs.numDigits ?? 128));
        keys = '';
        call.add('screened', `${who} heard ${heard ? `"${heard}"` : 'nothing'}, pressed ${pressed || 'nothing'}`, speakSeconds(heard) + (pressed ? pressed.length * 0.5 : Number(verb.attrs.timeout ?? 5)));
        if (pressed && verb.attrs.action) { next = abs(verb.attrs.action); legFields.Digits = pressed; break; }
        continue; // nothing pressed: on to the verb after the Gather
      }
      call.add('error', `unsupported verb <${verb.name}> in the screening document skipped`);
    }
    if (!next) { call.add('screened', `${who}: accepted`); return true; }
    url = next;
  }
  call.add('error', `screening of ${noun.text}: too many documents`);
  return false;
}

/** Outcomes of targets rung together, none answered: no answer if any rang out, else busy if any was, else failed. */
function combined(outcomes: CalleeOutcome[]): CalleeOutcome {
  if (outcomes.includes('no-answer')) return 'no-answer';
  return outcomes.includes('busy') ? 'busy' : 'failed';
}

/** The next document request; `method="GET"` sends the fields as a query string. */
function request(url: string, method: string | undefined, fields: Fields): Next {
  return { url, fields, method: method?.toUpperCase() === 'GET' ? 'GET' : 'POST' };
}

async function record(ctx: SandboxContext, call: SimCall, v: XmlNode, base: Fields, abs: (u: string) => string): Promise<Next | undefined> {
  if (v.attrs.playBeep !== 'false') call.add('heard', '[beep]');
  await call.think();
  if (call.ended) return null;
  const message = call.nextSpeech();
  if (!message) { call.add('silence', 'nothing recorded', Number(v.attrs.timeout ?? 5) || 5); return undefined; }
  const duration = Math.min(Math.max(1, Math.round(message.split(/\s+/).length / 2.5)), Number(v.attrs.maxLength ?? 3600) || 3600);
  call.add('recorded', message, duration);
  const sid = uuid();
  const url = `${ctx.publicUrl()}/sandbox/recordings/${sid}.${v.attrs.format === 'wav' ? 'wav' : 'mp3'}`;
  const rec: Fields = { RecordingUrl: url, RecordingDuration: duration, RecordingSid: sid };
  if (v.attrs.recordingStatusCallback) {
    await post(ctx, call, abs(v.attrs.recordingStatusCallback), { ...base, ...rec, RecordingStatus: 'completed', RecordingChannels: v.attrs.channels === 'single' ? 1 : 2, RecordingSource: 'RecordVerb' }, true);
  }
  if (v.attrs.transcription === 'true' && v.attrs.transcriptionCallback) {
    await post(ctx, call, abs(v.attrs.transcriptionCallback), { ...base, ...rec, TranscriptionSid: uuid(), TranscriptionText: message, TranscriptionStatus: 'completed' }, true);
  }
  return v.attrs.action ? request(abs(v.attrs.action), v.attrs.method, { ...base, ...rec, CallStatus: 'in-progress' }) : undefined;
}
