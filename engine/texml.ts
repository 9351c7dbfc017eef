import { XMLBuilder } from 'fast-xml-parser';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from './nodes/common.js';
import { isOwn, ownVerb, type TexmlVerb } from './own-verbs.js';
import { assertNever, type CoreVerb, type DialScreen, type Instruction, type OwnInstruction, type Prompt } from './types.js';
import { VERB_EFFECTS, type WaitingVerb } from './verbs.js';

/** URLs the TeXML document points back to. */
export interface TexmlUrls {
  /** Action URL of a waiting verb (gather, dial, record); the server routes it to the call's session. */
  action(instruction: Extract<Instruction, { verb: WaitingVerb<'texml'> }> | OwnInstruction): string;
  /** Recording status callback (Record, Dial record). */
  recordingStatus?: string;
  /** Transcription callback for Record with transcription. */
  transcription?: string;
  /**
   * Call status callback for the legs of a simultaneous Dial: each `<Number>` / `<Sip>` reports here when it
   * answers (its own CallSid, `To` = that target, `ParentCallSid` = the caller's call), the one way TeXML says
   * which target picked up (the Dial action callback does not).
   */
  status?: string;
  /**
   * The callee-leg document of a screened dial (`<Number url>` / `<Sip url>`): Telnyx fetches it when that target
   * answers, runs it on the answering leg while the caller hears ringing, and bridges when it ends (a `<Hangup/>`
   * in it declines). See {@link renderScreen}.
   */
  screen?(instruction: Extract<Instruction, { verb: 'dial' }>): string;
}

/** The XML declaration every document starts with (Telnyx expects exactly this). */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** What the caller hears when anything fails and no better text is known. */
export const DEFAULT_APOLOGY = "We're sorry, something went wrong. Please try again later. Goodbye.";

// preserveOrder keeps sibling order (Say, Gather, Say, Hangup). Text is escaped once, in `el`
// (a scan that finds nothing to escape copies nothing), rather than again by the builder.
const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '', // attributes sit under ':@' already: no prefix to add or strip
  suppressEmptyNode: true,
  processEntities: false,
  cdataPropName: '__cdata', // only a kind's own verb writes one (TexmlVerb.cdata); the builder splits a `]]>` inside
});

/** One element in fast-xml-parser's ordered form. */
type El = Record<string, unknown>;
type Attrs = Record<string, string | number | boolean | undefined>;

// Characters XML 1.0 forbids (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
// With the `u` flag a lone surrogate is one code point outside every allowed range.
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** True when every UTF-16 unit is one XML 1.0 allows (surrogates only in valid pairs): the common case, checked without a regex. */
function allAllowed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0xe000 && c <= 0xfffd)) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
    }
    return false;
  }
  return true;
}

/** Removes the characters XML 1.0 cannot carry, so any user text yields a well-formed document. */
export function xmlSafe(text: string): string {
  return allAllowed(text) ? text : text.replace(FORBIDDEN, '');
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;

/** XML-safe and entity-escaped: what may stand between tags or inside a double-quoted attribute. */
export function xmlText(text: string): string {
  const safe = xmlSafe(text);
  return SPECIAL.test(safe) ? safe.replace(SPECIAL_ALL, (c) => ENTITY[c]!) : safe;
}

const NO_ATTRS: Attrs = Object.freeze({});

function el(tag: string, attrs: Attrs = NO_ATTRS, children: El[] | string = []): El {
  let at: Record<string, string | number> | undefined;
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) (at ??= {})[k] = typeof v === 'number' ? v : xmlText(String(v));
  }
  const body = typeof children === 'string' ? [{ '#text': xmlText(children) }] : children;
  const node: El = { [tag]: body };
  if (at) node[':@'] = at;
  return node;
}

/**
 * Every URL we write makes Telnyx POST the signed form body: the server reads TeXML fields only from that
 * (a GET's fields ride in the unsigned query string). Dial, Record, Redirect and the recording status callback
 * take a method (POST is their documented default; we say it anyway). Gather has no method attribute: it uses
 * the TeXML application's method, which must be POST (server/README.md). Record's transcriptionCallback has none.
 */
const POST: Attrs = Object.freeze({ method: 'POST' });

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));

/** Adds `key=value` to a URL's query, keeping whatever query it already has. */
export function withQuery(url: string, key: string, value: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const frag = hash >= 0 ? url.slice(hash) : '';
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${encodeURIComponent(key)}=${encodeURIComponent(value)}${frag}`;
}

// Telnyx's own default is the robotic "man"; we pick the same neural voice Call Control uses.
function sayEl(p: { text: string; voice?: string; language?: string; loop?: number }): El {
  const loop = p.loop !== undefined && p.loop !== 1 ? clamp(p.loop, 0, 10) : undefined;
  return el('Say', { voice: p.voice ?? DEFAULT_VOICE, language: p.language ?? DEFAULT_LANGUAGE, loop }, p.text);
}

function playEl(p: { url: string; loop?: number }): El {
  const loop = p.loop !== undefined && p.loop !== 1 ? clamp(p.loop, 0, 10) : undefined;
  return el('Play', { loop }, p.url);
}

const promptEl = (p: Prompt): El => (p.verb === 'say' ? sayEl(p) : playEl(p));

// A line's prompts are the same for most callers, so each distinct <Say>/<Play> is built by the
// builder once and its XML reused as a ready-made (already escaped) piece of the document.
// Keyed by the text (or URL) first: a flow's own strings keep their hash, so a hit costs no concatenation.
interface Built { p: Prompt; xml: string }
const built = new Map<string, Built[]>();
const BUILT_LIMIT = 5000;
// And by size: prompts are up to 4 KiB (template.ts MAX_TEXT), so 5,000 of them could hold ~40 MB of text.
export const PROMPT_MEMO_CHARS = 2_000_000;
let builtChars = 0;

const sameRendering = (a: Prompt, b: Prompt): boolean => a.verb === b.verb && a.loop === b.loop
  && (a.verb === 'say' ? a.text === (b as typeof a).text && a.voice === (b as typeof a).voice && a.language === (b as typeof a).language : a.url === (b as typeof a).url);

/** The `<Say>` / `<Play>` XML of a prompt ('' when it would be silent), built once per distinct prompt (a bounded memo of a pure function). */
function promptXml(p: Prompt): string {
  const key = p.verb === 'say' ? p.text : p.url;
  let list = built.get(key);
  const hit = list?.find((b) => sameRendering(b.p, p));
  if (hit) return hit.xml;
  const xml = audible(p) ? builder.build([promptEl(p)]) as string : '';
  if (built.size >= BUILT_LIMIT || builtChars >= PROMPT_MEMO_CHARS) { built.clear(); builtChars = 0; list = undefined; }
  if (!list) { built.set(key, (list = [])); builtChars += key.length; }
  if (list.length < 16) { list.push({ p: { ...p }, xml }); builtChars += xml.length; }
  return xml;
}

/** What the prompt memo holds now: distinct texts and the characters kept (keys and built XML), for tests and diagnostics. */
export function promptMemoStats(): { texts: number; chars: number } {
  return { texts: built.size, chars: builtChars };
}

/** Prompts as one ready-made text child (the builder copies it as is: processEntities is off). */
function promptsEl(prompts: Prompt[]): El[] {
  let xml = '';
  for (const p of prompts) xml += promptXml(p);
  return xml ? [{ '#text': xml }] : [];
}

/** A prompt that would render empty (a template that filled to nothing): Telnyx gains nothing from `<Say/>`. */
const audible = (p: Prompt): boolean => xmlSafe(p.verb === 'say' ? p.text : p.url).trim() !== '';

/** SIP URIs dial as `<Sip>`, everything else as `<Number>`; `attrs` go on the noun. */
const targetEl = (t: string, attrs: Record<string, string | undefined> = {}): El => (/^sips?:/i.test(t) ? el('Sip', attrs, t) : el('Number', attrs, t));

/**
 * The status callback on each target of a simultaneous ring (several targets): only `answered`
 * (statusCallbackEvent is space-separated, Telnyx's default is `completed`), so the server learns
 * which target picked up and the flow's `vars.agent` is set as in Call Control.
 */
function legStatus(i: Extract<Instruction, { verb: 'dial' }>, urls: TexmlUrls): Record<string, string | undefined> {
  // A screened dial learns who took the call from the key pressed in its callee-leg document (`url`), not from
  // who picked up: a voicemail picks up too.
  if (i.screen && urls.screen) return { url: urls.screen(i), method: 'POST' };
  if (i.ring !== 'simultaneous' || i.targets.length < 2 || !urls.status) return {};
  return { statusCallback: urls.status, statusCallbackEvent: 'answered', statusCallbackMethod: 'POST' };
}


function gatherEls(i: Extract<Instruction, { verb: 'gather' }>, action: string): El[] {
  const gather = el('Gather', {
    action,
    input: i.input,
    numDigits: i.numDigits,
    finishOnKey: i.finishOnKey,
    validDigits: i.validDigits,
    timeout: clamp(i.timeoutSeconds, 1, 120),
    hints: i.hints?.length ? i.hints.join(',') : undefined,
  }, promptsEl(i.prompts));
  // Gather falls through to the next verb on silence: send that back to the server as a timeout.
  return [gather, el('Redirect', POST, withQuery(action, 'event', 'timeout'))];
}

function dialEls(i: Extract<Instruction, { verb: 'dial' }>, action: string, urls: TexmlUrls): El[] {
  return [el('Dial', {
    action,
    method: 'POST',
    callerId: i.callerId,
    timeout: clamp(i.timeoutSeconds, 5, 120),
    sequential: i.ring === 'sequential' && i.targets.length > 1 ? 'true' : undefined,
    record: i.record ? 'record-from-answer' : undefined,
    recordingStatusCallback: i.record ? urls.recordingStatus : undefined,
    recordingStatusCallbackMethod: i.record && urls.recordingStatus ? 'POST' : undefined,
  }, i.targets.map((t) => targetEl(t, legStatus(i, urls))))];
}

function recordEls(i: Extract<Instruction, { verb: 'record' }>, action: string, urls: TexmlUrls): El[] {
  const record = el('Record', {
    action,
    method: 'POST',
    maxLength: clamp(i.maxSeconds, 1, 14400),
    playBeep: i.playBeep ? 'true' : 'false',
    finishOnKey: '#',
    timeout: 5,
    transcription: i.transcribe ? 'true' : undefined,
    transcriptionCallback: i.transcribe ? urls.transcription : undefined,
    recordingStatusCallback: urls.recordingStatus,
    recordingStatusCallbackMethod: urls.recordingStatus ? 'POST' : undefined,
  });
  // Record that ends without a recording falls through: tell the server it was empty.
  return [record, el('Redirect', POST, withQuery(action, 'event', 'empty'))];
}

/** A kind's verb element, built (and escaped) like the core ones. */
function ownEl(v: TexmlVerb): El {
  if (v.cdata !== undefined) return el(v.tag, v.attrs ?? NO_ATTRS, [{ __cdata: [{ '#text': xmlSafe(v.cdata) }] }]);
  return el(v.tag, v.attrs ?? NO_ATTRS, v.text !== undefined ? v.text : (v.children ?? []).map(ownEl));
}

/** Whether the document stops after a verb: it waits or ends in TeXML (engine/verbs.ts). */
const STOPS = Object.fromEntries(Object.entries(VERB_EFFECTS).map(([v, e]) => [v, e.texml !== 'continues'])) as Record<CoreVerb, boolean>;

/** Elements for one instruction, and whether the document must stop after them. */
function render(i: Instruction, urls: TexmlUrls): { els: El[]; stop: boolean } {
  // A kind's own instruction: its spec writes the verbs (engine/own-verbs.ts); the core ones are the switch below.
  if (isOwn(i)) {
    const spec = ownVerb((i as { verb: string }).verb)!;
    const waits = spec.effect.texml === 'waits';
    return { els: spec.texml(i, waits ? urls.action(i) : '', { recordingStatus: urls.recordingStatus }).map(ownEl), stop: spec.effect.texml !== 'continues' };
  }
  switch (i.verb) {
    case 'say':
    case 'play': return { els: promptsEl([i]), stop: STOPS[i.verb] };
    case 'pause': return { els: [el('Pause', { length: clamp(i.seconds, 1, 180) })], stop: STOPS.pause };
    // Effects (types.ts Effect): the server runs them; TeXML has no verb for them (no SMS verb either).
    case 'sms':
    case 'voicemail.save':
    case 'member.release':
    case 'reply.await': return { els: [], stop: STOPS[i.verb] };
    case 'queue.update': return { els: [], stop: STOPS[i.verb] };
    case 'hangup': return { els: [el('Hangup')], stop: STOPS.hangup };
    case 'redirect': return { els: [el('Redirect', POST, i.url)], stop: STOPS.redirect };
    case 'gather': return { els: gatherEls(i, urls.action(i)), stop: STOPS.gather };
    case 'dial': return { els: dialEls(i, urls.action(i), urls), stop: STOPS.dial };
    case 'record': return { els: recordEls(i, urls.action(i), urls), stop: STOPS.record };
    // A new instruction is a compile error here until it is rendered (or listed as an effect above).
    default: return assertNever(i, 'instruction');
  }
}

function documentOf(children: El[]): string {
  return `${XML_DECLARATION}${builder.build([{ Response: children }])}`;
}

/**
 * One `<Response>` document for the instructions of one step. Effects (`sms`,
 * `voicemail.save`, `member.release`) are skipped (the server runs them). Rendering stops at the first verb that waits or ends
 * the call (Gather, Dial, Record, Redirect, Hangup): Telnyx never reaches what
 * follows. A document that neither waits nor hangs up ends with `<Hangup/>`,
 * so a caller never sits in silence. All text and attributes are escaped and
 * stripped of characters XML 1.0 forbids.
 */
export function renderTexml(instructions: Instruction[], urls: TexmlUrls): string {
  const children: El[] = [];
  let stopped = false;
  for (const i of instructions) {
    const { els, stop } = render(i, urls);
    children.push(...els);
    if (stop) { stopped = true; break; }
  }
  if (!stopped) children.push(el('Hangup'));
  return documentOf(children);
}

/**
 * The callee-leg document of a screened dial ({@link TexmlUrls.screen}): the whisper, and with `requireKeypress`
 * a one-key Gather posting to `keyAction`; silence falls through to `<Hangup/>` (declined: the Dial reports no
 * answer). Without `requireKeypress` the whisper plays and the document ends, which puts the call through.
 */
export function renderScreen(s: DialScreen, keyAction: string): string {
  const whisper = s.whisper ? promptsEl([s.whisper]) : [];
  if (!s.requireKeypress) return documentOf(whisper);
  // `#` ends a Gather's entry by default (finishOnKey): when it is the accept key it must count as a key.
  const gather = el('Gather', { action: keyAction, input: 'dtmf', numDigits: 1, timeout: clamp(s.timeoutSeconds, 1, 120), finishOnKey: s.acceptKey === '#' ? '' : undefined }, whisper);
  return documentOf([gather, el('Hangup')]);
}

/** The answer to a screened leg's key: an empty document puts the call through, `<Hangup/>` declines it. */
export function renderScreenAnswer(accepted: boolean): string {
  return documentOf(accepted ? [] : [el('Hangup')]);
}

/** A well-formed document that apologises and hangs up: what a caller hears when anything fails. */
export function renderApology(text?: string): string {
  const said = text && xmlSafe(text).trim() ? text : DEFAULT_APOLOGY;
  return documentOf([sayEl({ text: said }), el('Hangup')]);
}
