import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dismissNote, importFindings } from './import-notes.js';
import { lintFlow } from './lint.js';
import { parseFlow } from './schema.js';
import { compileFlow } from './compile.js';
import { importStudio } from './import/studio/index.js';
import { translate } from './import/studio/liquid.js';

/*  hello(say "Hi {{widgets.x.parsed.name}}") --next--> bye(hangup), with one note on hello's text and one on bye  */
const flow = {
  format: 'callflow/1', id: 'noted', name: 'Noted', start: 'hello',
  nodes: [
    { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Hi {{widgets.x.parsed.name}}' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
  ],
  edges: [{ id: 'e', source: 'hello', sourceHandle: 'next', target: 'bye' }],
  import: {
    from: 'twilio-studio',
    notes: [
      { node: 'hello', severity: 'warning', code: 'studio.liquid', message: 'kept', field: 'text', text: '{{widgets.x.parsed.name}}' },
      { node: 'bye', severity: 'error', code: 'studio.unmapped', message: 'placeholder' },
    ],
  },
};
const codes = (f: unknown) => lintFlow(f).filter((x) => x.code.startsWith('studio.')).map((x) => `${x.node} ${x.code} ${x.note}`);

describe('import notes', () => {
  it('are lint findings on their steps, and survive a save and reload', () => {
    expect(codes(flow)).toEqual(['hello studio.liquid 0', 'bye studio.unmapped 1']);
    expect(codes(JSON.parse(JSON.stringify(parseFlow(flow))))).toEqual(['hello studio.liquid 0', 'bye studio.unmapped 1']);
  });
  it('clear when the field no longer holds the text, or the step is gone', () => {
    const fixed = { ...flow, nodes: [{ ...flow.nodes[0]!, data: { text: 'Hi {{vars.name}}' } }, flow.nodes[1]!] };
    expect(codes(fixed)).toEqual(['bye studio.unmapped 1']);
    const gone = { ...flow, nodes: [flow.nodes[0]!], edges: [] };
    expect(importFindings(parseFlow(gone)).map((f) => f.node)).toEqual(['hello']);
  });
  it('go away one by one when dismissed, the header with the last one', () => {
    const one = dismissNote(parseFlow(flow), 0);
    expect(codes(one)).toEqual(['bye studio.unmapped 0']);
    expect('import' in dismissNote(one, 0)).toBe(false);
  });
  it('are checked by the schema (a note needs a step id, a severity and a message)', () => {
    const bad = { ...flow, import: { from: 'x', notes: [{ node: 'hello', severity: 'fatal', code: 'x', message: '' }] } };
    expect(lintFlow(bad).map((f) => f.path?.join('.'))).toEqual(expect.arrayContaining(['import.notes.0.severity', 'import.notes.0.message']));
  });
});

describe('notes the Studio importer leaves on fields inside lists', () => {
  it('stand on a team member\'s number and an SMS attachment until those are fixed', () => {
    const r = importStudio({ initial_state: 'T', states: [
      { name: 'T', type: 'trigger', transitions: [{ event: 'incomingCall', next: 'ring' }] },
      { name: 'ring', type: 'connect-call-to', transitions: [{ event: 'callCompleted', next: 'text' }], properties: { noun: 'number-multi', to: '+13125550101,{{widgets.http.parsed.n}}' } },
      { name: 'text', type: 'send-message', properties: { body: 'Hi', media_url: '{{widgets.http.parsed.pic}}' } },
    ] });
    if (!r.ok) throw new Error('not imported');
    expect(codes(r.flow).map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['ring studio.liquid', 'text studio.liquid']);
    const f = parseFlow(r.flow);
    const fixed = { ...f, nodes: f.nodes.map((n) => n.id === 'ring' ? { ...n, data: { ...n.data, members: [(n.data as { members: unknown[] }).members[0], { id: 'm2', name: 'B', to: '+13125550102' }] } } : n) };
    expect(codes(fixed).map((c) => c.split(' ')[0])).toEqual(['text']);
  });
});

describe('Liquid', () => {
  const ctx = { digitsVar: new Map([['gather_1', 'gather_1']]), states: new Map([['rec', { name: 'rec', type: 'record-voicemail', transitions: [], properties: {} }]]) };
  it('means the same callflow template where there is one, and is kept (and listed) otherwise', () => {
    const t = translate('{{trigger.call.From}} {{ trigger.call.To }} {{flow.variables.my-var}} {{widgets.gather_1.Digits}} {{widgets.rec.RecordingUrl}} {{contact.channel.address}} {{trigger.call.CallSid}}', ctx);
    expect(t).toEqual({ text: '{{caller.from}} {{caller.to}} {{vars.my_var}} {{vars.gather_1}} {{vars.recordingUrl}} {{caller.from}} {{call.id}}', kept: [] });
    const k = translate('{{widgets.http.parsed.x}} {{ flow.variables.a | upcase }} {% if x %}y{% endif %} {{widgets.other.Digits}}', ctx);
    expect(k.text).toBe('{{widgets.http.parsed.x}} {{ flow.variables.a | upcase }} {% if x %}y{% endif %} {{widgets.other.Digits}}');
    expect(k.kept).toEqual(['{{widgets.http.parsed.x}}', '{{ flow.variables.a | upcase }}', '{% if x %}', '{% endif %}', '{{widgets.other.Digits}}']);
  });
});

const WIDGETS = ['say-play', 'gather-input-on-call', 'split-based-on', 'connect-call-to', 'record-voicemail', 'send-message', 'set-variables', 'make-http-request', 'enqueue-call', 'run-function', 'send-to-flex', 'capture-payments', 'fork-stream'];
const EVENTS = ['audioComplete', 'keypress', 'speech', 'timeout', 'match', 'noMatch', 'callCompleted', 'hangup', 'recordingComplete', 'noAudio', 'sent', 'failed', 'next', 'success', 'fail', 'callComplete', 'failedToEnqueue'];
const PROPS = fc.record({
  say: fc.option(fc.constantFrom('Hello {{trigger.call.From}}', 'Press 1', '{{widgets.s1.Digits}}', '{{ x | upcase }}'), { nil: undefined }),
  play: fc.option(fc.constantFrom('https://a.example/x.mp3'), { nil: undefined }),
  to: fc.option(fc.constantFrom('+13125550101', '13125550102', 'nobody', '{{flow.variables.n}}', '+13125550101,+13125550102', ''), { nil: undefined }),
  noun: fc.option(fc.constantFrom('number', 'number-multi', 'sip', 'client'), { nil: undefined }),
  body: fc.option(fc.constantFrom('Thanks', '{{flow.variables.x}}'), { nil: undefined }),
  input: fc.option(fc.constantFrom('{{widgets.s1.Digits}}', '{{flow.variables.v}}'), { nil: undefined }),
  variables: fc.option(fc.array(fc.record({ key: fc.constantFrom('a', 'b-c', '9z', ''), value: fc.constantFrom('1', '{{trigger.call.From}}') }), { maxLength: 3 }), { nil: undefined }),
  timeout: fc.option(fc.integer({ min: -5, max: 9999 }), { nil: undefined }),
  loop: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
  number_of_digits: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  max_length: fc.option(fc.integer({ min: 0, max: 99999 }), { nil: undefined }),
  offset: fc.record({ x: fc.integer({ min: -2000, max: 2000 }), y: fc.integer({ min: -2000, max: 2000 }) }),
});
const CONDITION = fc.record({
  type: fc.constantFrom('equal_to', 'not_equal_to', 'matches_any_of', 'contains', 'regex', 'is_blank', 'does_not_contain', 'is_before_time', 'greater_than'),
  value: fc.constantFrom('1', '2', '1,2', 'sales', 'a(b', ''),
  arguments: fc.constantFrom(['{{widgets.s1.Digits}}'], ['{{widgets.s1.SpeechResult}}'], ['{{trigger.call.From}}']),
});

describe('property: any Studio flow of these widgets', () => {
  it('imports to a flow the schema accepts and the engine compiles, with notes only on its own steps', () => {
    const arb = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(
      ...Array.from({ length: n }, (_, i) => fc.record({
        name: fc.constant(`s${i + 1}`), type: fc.constantFrom(...WIDGETS), properties: PROPS,
        transitions: fc.array(fc.record({
          event: fc.constantFrom(...EVENTS), next: fc.option(fc.integer({ min: 1, max: n }).map((k) => `s${k}`), { nil: undefined }),
          conditions: fc.option(fc.array(CONDITION, { maxLength: 2 }), { nil: undefined }),
        }), { maxLength: 5 }),
      })),
    ));
    fc.assert(fc.property(arb, (states) => {
      const def = { states: [{ name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingCall', next: 's1' }] }, ...states], initial_state: 'Trigger' };
      const r = importStudio(def);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const f = parseFlow(r.flow);
      compileFlow(f);
      const ids = new Set(f.nodes.map((x) => x.id));
      for (const note of f.import!.notes) expect(ids.has(note.node)).toBe(true);
      expect(lintFlow(f).filter((x) => ['schema', 'dangling-edge', 'unknown-port', 'duplicate-port', 'duplicate-node-id', 'start-missing'].includes(x.code))).toEqual([]);
    }), { numRuns: 300 });
  });
});
