/**
 * The registry-wide waits check (engine/waits-kit.ts: the engine waits ⇔ TeXML waits ⇔ Call Control brings the
 * next event) for a kind added with `registerKind`, whose waiting instruction and event are its own (test/kinds/probe.ts):
 * its TeXML is written by its own verb spec, its Call Control commands too, and the events come from its spec's
 * texmlEvent / ccEvents, so the check walks what a registered kind really brings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { kindOf, registerKind } from '../../engine/nodes/index.js';
import { disagreements, MODES, texmlAwaits } from '../../engine/waits-kit.js';
import { probe } from '../kinds/probe.js';

beforeAll(() => { if (!kindOf('probe')) registerKind(probe); });

describe('a kind added with registerKind: the engine waits ⇔ TeXML waits ⇔ Call Control brings the next event', () => {
  it.each(MODES)('probe (example) in %s', (mode) => {
    expect(disagreements(kindOf('probe')!, 'probe', { name: 'example', data: probe.example }, mode)).toEqual([]);
  });

  it('catches an own verb whose TeXML does not come back, and one whose Call Control event is ignored', () => {
    const spec = probe.instructions!.probe!;
    const saved = { texml: spec.texml, ccEvents: spec.ccEvents };
    try {
      // The document says the question and stops: Telnyx never posts to the action URL.
      (spec as { texml: typeof spec.texml }).texml = (i) => [{ tag: 'Say', text: i.question }];
      expect(disagreements(kindOf('probe')!, 'probe', { name: 'example', data: probe.example }, 'texml')).toEqual([expect.stringContaining('the engine waits, TeXML does not')]);
      (spec as { texml: typeof spec.texml }).texml = saved.texml;
      // The gather's end is mapped to nothing: the call would sit in the probe for ever.
      (spec as { ccEvents: typeof spec.ccEvents }).ccEvents = {};
      expect(disagreements(kindOf('probe')!, 'probe', { name: 'example', data: probe.example }, 'call-control')).toEqual([expect.stringContaining('the engine waits, Call Control does not')]);
    } finally {
      Object.assign(spec, saved);
    }
    expect(texmlAwaits('<?xml version="1.0" encoding="UTF-8"?><Response><Redirect method="POST">https://cf.example/webhooks/texml/probe-ask-2</Redirect></Response>')).toEqual({ type: 'probe.ended', answer: 'none' });
  });
});
