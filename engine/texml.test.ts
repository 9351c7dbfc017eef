import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEFAULT_APOLOGY, PROMPT_MEMO_CHARS, promptMemoStats, renderApology, renderTexml, withQuery, xmlSafe, type TexmlUrls } from './texml.js';
import type { Instruction } from './types.js';

const urls: TexmlUrls = {
  action: (i) => `https://cf.example.com/webhooks/texml/${i.seq}?node=${i.node}`,
  recordingStatus: 'https://cf.example.com/webhooks/texml/status',
  status: 'https://cf.example.com/webhooks/texml/status',
  transcription: 'https://cf.example.com/webhooks/texml/status?kind=transcription',
};
const at = { node: 'n1', seq: 3 };
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: false, parseTagValue: false, parseAttributeValue: false });

/** The `<Response>` children as [tag, attributes, text or children]. */
function verbs(xml: string): Array<{ tag: string; attrs: Record<string, string>; body: any[] }> {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(onlyXmlChars(xml)).toBe(xml); // XMLValidator lets control characters through; XML 1.0 does not
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><Response>')).toBe(true);
  const doc = parser.parse(xml) as any[];
  const response = doc.find((n) => 'Response' in n).Response as any[];
  return response.map((n) => {
    const tag = Object.keys(n).find((k) => k !== ':@')!;
    return { tag, attrs: n[':@'] ?? {}, body: n[tag] };
  });
}
/** XML 1.0 `Char` production, by code point (written apart from the renderer's regex on purpose). */
const xmlChar = (cp: number) => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
const onlyXmlChars = (s: string) => [...s].filter((c) => xmlChar(c.codePointAt(0)!)).join('');
const textOf = (body: any[]) => body.map((b) => b['#text'] ?? '').join('');

describe('renderTexml', () => {
  it('renders say then ends with Hangup when nothing waits', () => {
    const v = verbs(renderTexml([{ ...at, verb: 'say', text: 'Hello', voice: 'Polly.Amy', language: 'en-GB', loop: 2 }], urls));
    expect(v.map((x) => x.tag)).toEqual(['Say', 'Hangup']);
    expect(v[0]!.attrs).toEqual({ voice: 'Polly.Amy', language: 'en-GB', loop: '2' });
    expect(textOf(v[0]!.body)).toBe('Hello');
  });

  it('renders an empty finish key as finishOnKey="" so # is a key (Telnyx defaults it to #)', () => {
    const xml = renderTexml([{ ...at, verb: 'gather', input: 'dtmf', numDigits: 1, finishOnKey: '', validDigits: '1#', timeoutSeconds: 5, prompts: [] }], urls);
    expect(xml).toContain('finishOnKey=""');
    expect(verbs(xml)[0]!.attrs.finishOnKey).toBe('');
  });

  it('renders a menu gather with nested prompts and a timeout redirect to the same action', () => {
    const g: Instruction = {
      ...at, verb: 'gather', input: 'dtmf speech', numDigits: 1, finishOnKey: '#', validDigits: '12', timeoutSeconds: 7, hints: ['sales', 'support'],
      prompts: [{ verb: 'say', text: 'Press 1 for sales' }, { verb: 'play', url: 'https://a.example/x.mp3', loop: 2 }],
    };
    const v = verbs(renderTexml([{ ...at, verb: 'say', text: 'Welcome' }, g], urls));
    expect(v.map((x) => x.tag)).toEqual(['Say', 'Gather', 'Redirect']);
    expect(v[1]!.attrs).toEqual({ action: 'https://cf.example.com/webhooks/texml/3?node=n1', input: 'dtmf speech', numDigits: '1', finishOnKey: '#', validDigits: '12', timeout: '7', hints: 'sales,support' });
    expect(v[1]!.attrs).not.toHaveProperty('method');
    const nested = v[1]!.body.map((n: any) => Object.keys(n).find((k) => k !== ':@'));
    expect(nested).toEqual(['Say', 'Play']);
    expect(textOf(v[2]!.body)).toBe('https://cf.example.com/webhooks/texml/3?node=n1&event=timeout');
    expect(v[2]!.attrs).toEqual({ method: 'POST' }); // Gather has no method of its own (the application's, POST); its Redirect says POST
  });

  it('uses the same Gather attribute names as the Telnyx reference document', () => {
    const ref = verbs(readFileSync(new URL('../test/telnyx-reference/ivr_menu.response.xml', import.meta.url), 'utf8').replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><'));
    const refGather = ref.find((x) => x.tag === 'Gather')!;
    const ours = verbs(renderTexml([{ ...at, verb: 'gather', input: 'dtmf', numDigits: 1, validDigits: '12', timeoutSeconds: 5, finishOnKey: '#', prompts: [{ verb: 'say', text: 'Press 1 for sales, press 2 for support.' }] }], urls));
    const gather = ours.find((x) => x.tag === 'Gather')!;
    expect(Object.keys(gather.attrs).sort()).toEqual(Object.keys(refGather.attrs).sort());
    expect(Object.keys(gather.body[0])[0]).toBe(Object.keys(refGather.body[0])[0]!);
  });

  it('renders dial: numbers and SIP, sequential only when several, recording attributes only when recording', () => {
    const seq = verbs(renderTexml([{ ...at, verb: 'dial', targets: ['+13125550100', 'sip:bob@pbx.example.com'], ring: 'sequential', timeoutSeconds: 20, callerId: '+13125550199', record: true }], urls));
    expect(seq.map((x) => x.tag)).toEqual(['Dial']);
    expect(seq[0]!.attrs).toEqual({ action: 'https://cf.example.com/webhooks/texml/3?node=n1', method: 'POST', callerId: '+13125550199', timeout: '20', sequential: 'true', record: 'record-from-answer', recordingStatusCallback: urls.recordingStatus, recordingStatusCallbackMethod: 'POST' });
    expect(seq[0]!.body.map((n: any) => Object.keys(n)[0])).toEqual(['Number', 'Sip']);
    const one = verbs(renderTexml([{ ...at, verb: 'dial', targets: ['+13125550100'], ring: 'sequential', timeoutSeconds: 500 }], urls));
    expect(one[0]!.attrs).toEqual({ action: 'https://cf.example.com/webhooks/texml/3?node=n1', method: 'POST', timeout: '120' });
    const sim = verbs(renderTexml([{ ...at, verb: 'dial', targets: ['+1312555010', '+13125550101'], ring: 'simultaneous', timeoutSeconds: 30 }], urls));
    expect(sim[0]!.attrs).not.toHaveProperty('sequential');
    expect(sim[0]!.body).toHaveLength(2);
  });

  it('asks each leg of a simultaneous ring to report when it answers (which member picked up: vars.agent)', () => {
    const legs = { statusCallback: urls.status, statusCallbackEvent: 'answered', statusCallbackMethod: 'POST' };
    const sim = verbs(renderTexml([{ ...at, verb: 'dial', targets: ['+13125550100', 'sip:desk@example.com'], ring: 'simultaneous', timeoutSeconds: 30 }], urls));
    expect(sim[0]!.body.map((n: any) => [Object.keys(n)[0], n[':@']])).toEqual([['Number', legs], ['Sip', legs]]);
    // One target, or targets rung in turn: the Dial action says who answered (there is only one at a time).
    for (const d of [{ targets: ['+13125550100'], ring: 'simultaneous' as const }, { targets: ['+13125550100', '+13125550101'], ring: 'sequential' as const }]) {
      const v = verbs(renderTexml([{ ...at, verb: 'dial', ...d, timeoutSeconds: 30 }], urls));
      for (const n of v[0]!.body) expect(n[':@']).toBeUndefined();
    }
  });

  it('renders record with Telnyx names (transcription, not transcribe) and an empty-recording redirect', () => {
    const v = verbs(renderTexml([{ ...at, verb: 'say', text: 'Leave a message' }, { ...at, verb: 'record', maxSeconds: 120, playBeep: true, transcribe: true }], urls));
    expect(v.map((x) => x.tag)).toEqual(['Say', 'Record', 'Redirect']);
    expect(v[1]!.attrs).toEqual({
      action: 'https://cf.example.com/webhooks/texml/3?node=n1', method: 'POST', maxLength: '120', playBeep: 'true', finishOnKey: '#', timeout: '5',
      transcription: 'true', transcriptionCallback: urls.transcription, recordingStatusCallback: urls.recordingStatus, recordingStatusCallbackMethod: 'POST',
    });
    expect(textOf(v[2]!.body)).toContain('event=empty');
    expect(v[2]!.attrs).toEqual({ method: 'POST' });
    const plain = verbs(renderTexml([{ ...at, verb: 'record', maxSeconds: 60, playBeep: false, transcribe: false }], urls));
    expect(plain[0]!.attrs.playBeep).toBe('false');
    expect(plain[0]!.attrs).not.toHaveProperty('transcription');
  });

  it('skips sms, renders pause, redirect and hangup, and stops at the first verb that waits or ends', () => {
    const v = verbs(renderTexml([
      { ...at, verb: 'sms', to: '+1', from: '+2', text: 'hi' },
      { ...at, verb: 'pause', seconds: 2 },
      { ...at, verb: 'hangup' },
      { ...at, verb: 'say', text: 'never heard' },
    ], urls));
    expect(v.map((x) => x.tag)).toEqual(['Pause', 'Hangup']);
    expect(v[0]!.attrs).toEqual({ length: '2' });
    const r = verbs(renderTexml([{ ...at, verb: 'redirect', url: 'https://x.example/next?a=1&b=2' }], urls));
    expect(r.map((x) => x.tag)).toEqual(['Redirect']);
    expect(textOf(r[0]!.body)).toBe('https://x.example/next?a=1&b=2');
    expect(r[0]!.attrs).toEqual({ method: 'POST' });
  });

  it('drops prompts that would be silent (a template filled to nothing)', () => {
    const v = verbs(renderTexml([{ ...at, verb: 'say', text: ' \u0000 ' }, { ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [{ verb: 'say', text: '' }, { verb: 'say', text: 'Press 1' }] }], urls));
    expect(v.map((x) => x.tag)).toEqual(['Gather', 'Redirect']);
    expect(v[0]!.body).toHaveLength(1);
    // Prompts are built once and reused: a second render of the same prompts (silent ones included) is the same.
    const again = [{ ...at, verb: 'say' as const, text: ' \u0000 ' }, { ...at, verb: 'say' as const, text: 'Press 1' }];
    expect(renderTexml(again, urls)).toBe(renderTexml(again, urls));
    expect(verbs(renderTexml(again, urls)).map((x) => x.tag)).toEqual(['Say', 'Hangup']);
  });

  it('never returns an empty document: no instructions still hangs up', () => {
    expect(verbs(renderTexml([], urls)).map((x) => x.tag)).toEqual(['Hangup']);
    expect(verbs(renderTexml([{ ...at, verb: 'sms', to: '+1', from: '+2', text: 'x' }], urls)).map((x) => x.tag)).toEqual(['Hangup']);
  });

  it('escapes markup in text and attributes (no injection)', () => {
    const evil = '</Say><Hangup/><Say voice="x">&amp; "quoted" \'single\'';
    const xml = renderTexml([{ ...at, verb: 'say', text: evil, voice: '"><Dial>+1</Dial>' }], urls);
    const v = verbs(xml);
    expect(v.map((x) => x.tag)).toEqual(['Say', 'Hangup']);
    expect(textOf(v[0]!.body)).toBe(evil);
    expect(v[0]!.attrs.voice).toBe('"><Dial>+1</Dial>');
    expect(xml).not.toContain('<Dial>');
  });

  it('is well-formed for any text, and keeps every character XML allows (property)', () => {
    const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('<', '>', '&', '"', "'", '\u0000', '\u0008', '\u001f', '\uFFFE', '\uD800', '\uDC00', '😀', '\t', '\n', ']]>', '&amp;'), fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c))) });
    fc.assert(fc.property(anyText, anyText, (text, voice) => {
      const clean = text.replace(/\r/g, '');
      const v = verbs(renderTexml([{ ...at, verb: 'say', text: clean, voice: voice || undefined }, { ...at, verb: 'gather', input: 'dtmf', timeoutSeconds: 5, prompts: [{ verb: 'say', text }] }], urls));
      const heard = onlyXmlChars(clean).trim() !== '';
      expect(v.map((x) => x.tag)).toEqual(heard ? ['Say', 'Gather', 'Redirect'] : ['Gather', 'Redirect']);
      if (heard) expect(textOf(v[0]!.body)).toBe(onlyXmlChars(clean));
    }), { numRuns: 300 });
  });
});

describe('xmlSafe / withQuery', () => {
  it('strips only what XML 1.0 forbids', () => {
    expect(xmlSafe('a\u0000b\u0007c\td\ne\rf\uFFFEg😀h\uD800')).toBe('abc\td\ne\rfg😀h');
  });
  it('appends a query parameter whether or not the URL has one', () => {
    expect(withQuery('https://h/p', 'event', 'timeout')).toBe('https://h/p?event=timeout');
    expect(withQuery('https://h/p?x=1', 'event', 'empty')).toBe('https://h/p?x=1&event=empty');
    expect(withQuery('https://h/p?x=1#f', 'event', 'empty')).toBe('https://h/p?x=1&event=empty#f');
  });
});

describe('renderApology', () => {
  it('says the default apology then hangs up', () => {
    const v = verbs(renderApology());
    expect(v.map((x) => x.tag)).toEqual(['Say', 'Hangup']);
    expect(textOf(v[0]!.body)).toBe(DEFAULT_APOLOGY);
  });
  it('says custom text, escaped, and falls back when the text is blank or unprintable', () => {
    expect(textOf(verbs(renderApology('Closed <today> & tomorrow'))[0]!.body)).toBe('Closed <today> & tomorrow');
    expect(textOf(verbs(renderApology('\u0000\u0001 '))[0]!.body)).toBe(DEFAULT_APOLOGY);
  });
});

describe('renderTexml on what the engine emits', () => {
  it('gives every node kind a document that waits or hangs up, never silence', async () => {
    const { NODE_KINDS } = await import('./nodes/index.js');
    const { parseFlow } = await import('./schema.js');
    const { step } = await import('./step.js');
    const env = { now: '2026-11-23T10:00:00-06:00', mode: 'texml' as const };
    expect(Object.keys(NODE_KINDS).length).toBeGreaterThanOrEqual(2);
    for (const [type, kind] of Object.entries(NODE_KINDS)) {
      const flow = parseFlow({ format: 'callflow/1', id: 'one', name: 'One', timezone: 'America/Chicago', start: 'only', nodes: [{ id: 'only', type, position: { x: 0, y: 0 }, data: kind.example }], edges: [] });
      const r = step(flow, null, { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'c1', direction: 'inbound' }, env);
      const tags = verbs(renderTexml(r.instructions, urls)).map((x) => x.tag);
      const last = tags.slice(-2).join(' ');
      // A document that ends in a Redirect back to this server (httpRequest's, answered once the request is done) goes on too.
      // Reject ends the call as Hangup does (the reject kind; refused unanswered when it comes first).
      expect(['Gather Redirect', 'Record Redirect'].includes(last) || ['Dial', 'Hangup', 'Redirect', 'AIGather', 'Connect', 'Reject'].includes(tags[tags.length - 1]!), `${type}: ${tags.join(' ')}`).toBe(true);
      expect(r.waiting || ['Hangup', 'Reject'].includes(tags[tags.length - 1]!), `${type} ended without Hangup`).toBe(true);
    }
  });
});

describe('renderTexml over arbitrary instruction lists (property)', () => {
  const s = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), maxLength: 20 });
  const prompt = fc.oneof(s.map((text) => ({ verb: 'say' as const, text })), s.map((url) => ({ verb: 'play' as const, url })));
  const instruction: fc.Arbitrary<Instruction> = fc.tuple(fc.oneof(
    fc.record({ verb: fc.constant('say' as const), text: s, voice: fc.option(s, { nil: undefined }) }),
    fc.record({ verb: fc.constant('play' as const), url: s, loop: fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }) }),
    fc.record({ verb: fc.constant('pause' as const), seconds: fc.integer({ min: -5, max: 500 }) }),
    fc.record({ verb: fc.constant('sms' as const), to: s, from: s, text: s }),
    fc.record({ verb: fc.constant('hangup' as const) }),
    fc.record({ verb: fc.constant('redirect' as const), url: s }),
    fc.record({ verb: fc.constant('gather' as const), prompts: fc.array(prompt, { maxLength: 3 }), input: fc.constantFrom('dtmf' as const, 'dtmf speech' as const), timeoutSeconds: fc.integer({ min: 0, max: 999 }), finishOnKey: fc.option(s, { nil: undefined }), hints: fc.option(fc.array(s), { nil: undefined }) }),
    fc.record({ verb: fc.constant('dial' as const), targets: fc.array(s, { minLength: 1, maxLength: 3 }), ring: fc.constantFrom('simultaneous' as const, 'sequential' as const), timeoutSeconds: fc.integer({ min: 0, max: 999 }), callerId: fc.option(s, { nil: undefined }), record: fc.boolean() }),
    fc.record({ verb: fc.constant('record' as const), maxSeconds: fc.integer({ min: 0, max: 99999 }), playBeep: fc.boolean(), transcribe: fc.boolean() }),
  ), s, fc.nat(1000)).map(([i, node, seq]) => ({ ...i, node, seq }) as Instruction);

  it('is always well-formed and always ends waiting for Telnyx or hanging up', () => {
    const ends = ['Gather', 'Dial', 'Record', 'Redirect', 'Hangup'];
    fc.assert(fc.property(fc.array(instruction, { maxLength: 8 }), (list) => {
      const tags = verbs(renderTexml(list, urls)).map((x) => x.tag);
      expect(tags.length).toBeGreaterThan(0);
      expect(ends).toContain(tags[tags.length - 1]);
      // exactly one verb that ends the document (Gather/Record are followed by their own Redirect)
      const enders = tags.filter((t) => ['Gather', 'Dial', 'Record', 'Hangup'].includes(t)).length + tags.filter((t, k) => t === 'Redirect' && !['Gather', 'Record'].includes(tags[k - 1]!)).length;
      expect(enders).toBe(1);
    }), { numRuns: 300 });
  });
});

// Issue #11 item 5: the memo of built <Say>/<Play> XML is bounded by size too (prompts are up to 4 KiB each).
describe('the prompt memo', () => {
  it('keeps at most PROMPT_MEMO_CHARS characters however many distinct long prompts are rendered, and renders the same after a reset', () => {
    const say = (n: number): Instruction => ({ verb: 'say', text: `${n} ${'x'.repeat(4000)}`, node: 'n', seq: 1 });
    const firstDoc = renderTexml([say(0)], { action: () => 'https://cf.example/a' });
    for (let n = 1; n <= 2000; n++) renderTexml([say(n)], { action: () => 'https://cf.example/a' });
    expect(promptMemoStats().chars).toBeLessThanOrEqual(PROMPT_MEMO_CHARS + 10_000);
    expect(renderTexml([say(0)], { action: () => 'https://cf.example/a' })).toBe(firstDoc);
  });
});
