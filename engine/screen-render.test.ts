import { describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { renderScreen, renderScreenAnswer, renderTexml, type TexmlUrls } from './texml.js';
import { decodeClientState, screenCommands, toCommands } from './call-control.js';
import { simulate } from './simulate.js';
import { parseFlow } from './schema.js';
import type { DialScreen, Instruction } from './types.js';

const urls: TexmlUrls = {
  action: (i) => `https://cf.example.com/webhooks/texml/${i.verb}-${i.node}-${i.seq}`,
  status: 'https://cf.example.com/webhooks/texml/status',
  screen: (i) => `https://cf.example.com/webhooks/texml/screen-${i.node}-${i.seq}`,
};
const screen: DialScreen = { whisper: { verb: 'say', text: 'Call for Sales & more, press 1 to accept' }, requireKeypress: true, acceptKey: '1', timeoutSeconds: 5 };
const dial = (over: Partial<Extract<Instruction, { verb: 'dial' }>> = {}): Instruction => ({ node: 'team', seq: 4, verb: 'dial', targets: ['+13125550101'], ring: 'sequential', timeoutSeconds: 20, screen, ...over });
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

describe('a screened dial in TeXML', () => {
  it('puts the callee-leg document on each <Number> / <Sip> (url, POST) and no answered status callback', () => {
    const one = renderTexml([dial()], urls);
    expect(one).toBe(`${DECL}<Response><Dial action="https://cf.example.com/webhooks/texml/dial-team-4" method="POST" timeout="20"><Number url="https://cf.example.com/webhooks/texml/screen-team-4" method="POST">+13125550101</Number></Dial></Response>`);
    const sim = renderTexml([dial({ targets: ['+13125550101', 'sip:bob@pbx.example.com'], ring: 'simultaneous' })], urls);
    expect(sim).toContain('<Sip url="https://cf.example.com/webhooks/texml/screen-team-4" method="POST">sip:bob@pbx.example.com</Sip>');
    expect(sim).not.toContain('statusCallback');
    // Unscreened: as before.
    expect(renderTexml([dial({ screen: undefined })], urls)).not.toContain('url=');
  });

  it('the callee document: the whisper in a one-key Gather, then <Hangup/> for silence; the key answer bridges or declines', () => {
    const doc = renderScreen(screen, 'https://cf.example.com/webhooks/texml/screenkey-team-4');
    expect(XMLValidator.validate(doc)).toBe(true);
    expect(doc).toBe(`${DECL}<Response><Gather action="https://cf.example.com/webhooks/texml/screenkey-team-4" input="dtmf" numDigits="1" timeout="5"><Say voice="AWS.Polly.Joanna-Neural" language="en-US">Call for Sales &amp; more, press 1 to accept</Say></Gather><Hangup/></Response>`);
    expect(renderScreen({ ...screen, acceptKey: '#' }, 'k')).toContain('finishOnKey=""');
    expect(renderScreen({ ...screen, whisper: { verb: 'play', url: 'https://cdn.example.com/w.mp3' }, requireKeypress: false }, 'k')).toBe(`${DECL}<Response><Play>https://cdn.example.com/w.mp3</Play></Response>`);
    expect(renderScreenAnswer(true)).toBe(`${DECL}<Response/>`);
    expect(renderScreenAnswer(false)).toBe(`${DECL}<Response><Hangup/></Response>`);
  });
});

describe('a screened dial in Call Control', () => {
  it('rings its own leg (dial, even for one target) marked screened, so the server can whisper before bridging', () => {
    const cmds = toCommands([dial()], { callId: 'v3:abc', flowId: 'f' });
    expect(cmds.map((c) => c.action)).toEqual(['dial']);
    expect(cmds[0]!.body).toMatchObject({ to: '+13125550101', timeout_secs: 20, bridge_intent: true });
    expect(decodeClientState(cmds[0]!.body.client_state as string)).toEqual({ flow: 'f', node: 'team', seq: 4, ring: 1, screen: true });
    // Unscreened single target: Telnyx's transfer, as before.
    expect(toCommands([dial({ screen: undefined })], { callId: 'v3:abc', flowId: 'f' }).map((c) => c.action)).toEqual(['transfer']);
  });

  it('the leg gets one gather of one key with the whisper, or the whisper alone without a keypress', () => {
    expect(screenCommands(screen, 'CS', 'screen-x')).toEqual([{ action: 'gather_using_speak', body: {
      client_state: 'CS', command_id: 'screen-x', minimum_digits: 1, maximum_digits: 1, terminating_digit: '#', timeout_millis: 5000, inter_digit_timeout_millis: 5000,
      payload: 'Call for Sales & more, press 1 to accept', voice: 'AWS.Polly.Joanna-Neural', language: 'en-US', maximum_tries: 1,
    } }]);
    expect((screenCommands({ ...screen, acceptKey: '#' }, 'CS', 'x')[0]!.body as Record<string, unknown>).terminating_digit).toBe('');
    expect(screenCommands({ ...screen, whisper: { verb: 'play', url: 'https://cdn.example.com/w.mp3' } }, 'CS', 'x').map((c) => c.action)).toEqual(['gather_using_audio']);
    expect(screenCommands({ ...screen, whisper: undefined }, 'CS', 'x').map((c) => c.action)).toEqual(['gather']);
    expect(screenCommands({ ...screen, requireKeypress: false }, 'CS', 'x').map((c) => c.action)).toEqual(['speak']);
  });
});

describe('the simulator scripts screened answers', () => {
  /*  team(roundRobin sequential, screened: alice, bob) ─connected→ bye / ─noAnswer→ sorry → bye */
  const flow = parseFlow({
    format: 'callflow/1', id: 'sim', name: 'Sim', timezone: 'America/Chicago', start: 'team',
    nodes: [
      { id: 'team', type: 'roundRobin', position: { x: 0, y: 0 }, data: { strategy: 'sequential', members: [{ id: 'alice', to: '+13125550101' }, { id: 'bob', to: '+13125550102' }], screen: { whisper: { text: 'press 1' } } } },
      { id: 'sorry', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Sorry' } },
      { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
    ],
    edges: [{ id: 'a', source: 'team', sourceHandle: 'connected', target: 'bye' }, { id: 'b', source: 'team', sourceHandle: 'noAnswer', target: 'sorry' }, { id: 'c', source: 'sorry', sourceHandle: 'next', target: 'bye' }],
  });
  const ports = (screenAnswers: Array<'accept' | 'wrong-key' | 'silence' | 'voicemail'> | undefined, simultaneous = false) => {
    const f = simultaneous ? { ...flow, nodes: flow.nodes.map((n) => (n.id === 'team' ? { ...n, data: { ...n.data, strategy: 'simultaneous' } } : n)) } : flow;
    const { steps } = simulate(f as typeof flow, { at: '2026-11-25T18:00:00Z', mode: 'texml', screen: screenAnswers });
    return { ports: steps.flatMap((s) => s.trace.filter((t) => t.kind === 'port').map((t) => (t.kind === 'port' ? `${t.node}.${t.port}` : ''))), agent: steps.at(-1)!.snapshot.context.vars.agent };
  };
  it('accept connects, anything else rings the next member, then no answer', () => {
    expect(ports(undefined)).toEqual({ ports: ['team.connected'], agent: 'alice' });
    expect(ports(['voicemail', 'accept'])).toEqual({ ports: ['team.connected'], agent: 'bob' });
    expect(ports(['silence', 'wrong-key']).ports).toEqual(['team.noAnswer', 'sorry.next']);
    expect(ports(['voicemail', 'accept'], true)).toEqual({ ports: ['team.connected'], agent: 'bob' });
  });
});
