import { describe, expect, it } from 'vitest';
import { entryText, money, offsetText, pathNodes, prettyXml, readableBody, type Entry } from './timeline-view.js';

describe('timeline view helpers', () => {
  it('indents TeXML one element per line and keeps its text escaped', () => {
    const x = prettyXml('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/a?x=1&amp;y=2" numDigits="1"><Say>Press 1 &amp; wait</Say></Gather></Response>');
    expect(x.split('\n')).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Response>',
      '  <Gather action="/a?x=1&amp;y=2" numDigits="1">',
      '    <Say>Press 1 &amp; wait</Say>',
      '  </Gather>',
      '</Response>',
    ]);
    expect(prettyXml('not xml <')).toBe('not xml <');
  });
  it('shows form fields one per line and JSON pretty', () => {
    const w = { at: '', offsetMs: 0, kind: 'webhook', id: 1, method: 'POST', path: '/webhooks/texml', status: 200, summary: '', format: 'form', body: 'CallSid=v3%3Ax&Digits=1' } as Entry & { kind: 'webhook' };
    expect(readableBody(w)).toBe('CallSid: v3:x\nDigits: 1');
    expect(readableBody({ ...w, format: 'json', body: '{"a":1}' })).toBe('{\n  "a": 1\n}');
  });
  it('formats offsets, money, the path and each kind', () => {
    expect(offsetText(64_200)).toBe('+1:04.2');
    expect(offsetText(0)).toBe('+0:00.0');
    expect(money(10_500)).toBe('$0.0105');
    const e: Entry[] = [{ at: '', offsetMs: 0, kind: 'node', node: 'menu' }, { at: '', offsetMs: 0, kind: 'port', node: 'menu', port: '1' }, { at: '', offsetMs: 0, kind: 'node', node: 'desk' }];
    expect(pathNodes(e)).toEqual(['menu', 'desk']);
    expect(entryText(e[1]!)).toBe('menu → 1');
    expect(entryText({ at: '', offsetMs: 0, kind: 'cost', item: 'call_in_minute', quantity: 60, unit: 'second', micros: 10_000, detail: null })).toBe('call in minute: 60 seconds, $0.0100');
  });
});
