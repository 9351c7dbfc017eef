/**
 * Call Control prompts against the sandbox, through the whole server: a
 * menu's re-prompt keeps its recording, speech menus, `#` as a menu key,
 * collect's empty finish key, and prompts whose audio cannot be fetched.
 * Each flow runs in TeXML and in Call Control and the caller's experience
 * must be the same (the sandbox never imports engine/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/stack.js';
import { businessStack, buyNumber } from '../business/harness.js';

const at = (n: number) => ({ x: 0, y: n * 100 });
const say = (id: string, text: string, n: number) => ({ id, type: 'say', position: at(n), data: { text } });
const edge = (source: string, port: string, target: string) => ({ id: `${source}-${port}`, source, sourceHandle: port, target });
const flow = (id: string, start: { type: string; data: Record<string, unknown> }, ends: Record<string, string>) => ({
  format: 'callflow/1', id, name: id, start: 'ask',
  nodes: [{ id: 'ask', position: at(0), ...start }, ...Object.entries(ends).map(([port, text], n) => say(`on-${port === '#' ? 'hash' : port}`, text, n + 1))],
  edges: Object.keys(ends).map((port) => edge('ask', port, `on-${port === '#' ? 'hash' : port}`)),
});

const MENU_AUDIO = 'https://audio.example.com/menu.mp3';
const FLOWS = {
  // A recorded menu: after a wrong key the caller hears "not a valid choice" AND the recording again.
  reprompt: flow('reprompt', { type: 'menu', data: { prompt: { url: MENU_AUDIO }, options: { '1': 'Sales' }, maxRetries: 1 } }, { '1': 'Sales.', invalid: 'Goodbye.', timeout: 'Nobody there.' }),
  speech: flow('speech', { type: 'menu', data: { prompt: { text: 'Say sales or tech support, or press 1 or 2.' }, options: { '1': 'Sales', '2': 'Support' }, speech: { sales: '1', 'tech support': '2' }, maxRetries: 0 } },
    { '1': 'Sales.', '2': 'Support.', invalid: 'Not understood.', timeout: 'Nobody there.' }),
  hash: flow('hash', { type: 'menu', data: { prompt: { text: 'Press 1 for sales, or pound to hear this again.' }, options: { '1': 'Sales', '#': 'Repeat' }, maxRetries: 0 } },
    { '1': 'Sales.', '#': 'You pressed pound.', invalid: 'Wrong key.', timeout: 'Nobody there.' }),
  code: {
    format: 'callflow/1', id: 'code', name: 'code', start: 'ask',
    nodes: [
      { id: 'ask', type: 'collect', position: at(0), data: { prompt: { text: 'Enter the three keys of your code.' }, variable: 'code', numDigits: 3, finishOnKey: '' } },
      say('ok', 'Your code is {{vars.code}}.', 1), say('bad', 'That code is not valid.', 2), say('none', 'Nobody there.', 3),
    ],
    edges: [edge('ask', 'next', 'ok'), edge('ask', 'invalid', 'bad'), edge('ask', 'timeout', 'none')],
  },
  // Audio under .invalid never resolves: the sandbox answers file_not_found, as Telnyx does for a file it cannot fetch.
  broken: {
    format: 'callflow/1', id: 'broken', name: 'broken', start: 'music',
    nodes: [{ id: 'music', type: 'play', position: at(0), data: { url: 'https://audio.invalid/hold.mp3' } }, say('after', 'Thanks for holding.', 1), { id: 'bye', type: 'hangup', position: at(2), data: {} }],
    edges: [edge('music', 'next', 'after'), edge('after', 'next', 'bye')],
  },
  brokenMenu: flow('broken-menu', { type: 'menu', data: { prompt: { url: 'https://audio.invalid/menu.mp3' }, options: { '1': 'Sales' }, maxRetries: 1 } }, { '1': 'Sales.', invalid: 'Goodbye.', timeout: 'We could not play the menu. Goodbye.' }),
};

let s: Stack;
const line: Record<string, string> = {};
beforeAll(async () => {
  s = await businessStack();
  for (const [name, doc] of Object.entries(FLOWS)) {
    await s.api('POST', '/api/flows', doc);
    await s.api('POST', `/api/flows/${doc.id}/publish`);
    line[name] = await buyNumber(s, '312', { flowId: doc.id });
  }
}, 30_000);
afterAll(async () => { await s.close(); });

interface Result { transcript: { kind: string; text: string }[]; ended: { by: string; reason: string } }
async function call(name: keyof typeof FLOWS, mode: 'texml' | 'call-control', script: Record<string, unknown>): Promise<Result> {
  await s.api('PUT', `/api/numbers/${encodeURIComponent(line[name]!)}`, { flowId: FLOWS[name].id, mode });
  const res = await fetch(`${s.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: line[name], from: '+13125550147', mode, ...script }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Result;
}
const show = (r: Result) => r.transcript.map((e) => `${e.kind}: ${e.text}`);
/** What the caller experienced, minus what differs by transport (the answer, hangup wording). */
const experience = (r: Result) => show(r).filter((l) => l !== 'connected: call answered' && !l.startsWith('hangup:'));

/** Runs the flow in both modes: same experience, `want` in it in order, no sandbox error lines. */
async function bothModes(name: keyof typeof FLOWS, script: Record<string, unknown>, want: string[]): Promise<void> {
  const texml = await call(name, 'texml', script);
  const cc = await call(name, 'call-control', script);
  for (const r of [texml, cc]) expect(show(r).filter((l) => l.startsWith('error')), show(r).join('\n')).toEqual([]);
  expect(experience(cc), `TeXML:\n${show(texml).join('\n')}\n\nCall Control:\n${show(cc).join('\n')}`).toEqual(experience(texml));
  let i = 0;
  for (const l of experience(cc)) if (l === want[i]) i++;
  expect(i, `wanted in order:\n${want.join('\n')}\n\ngot:\n${show(cc).join('\n')}`).toBe(want.length);
}

describe('Call Control prompts route as TeXML does', () => {
  it('a re-prompt after a wrong key keeps the menu recording after "not a valid choice"', async () => {
    await bothModes('reprompt', { digits: ['9', '1'] }, [
      `heard: [audio ${MENU_AUDIO}]`, 'pressed: 9', 'heard: Sorry, that is not a valid choice.', `heard: [audio ${MENU_AUDIO}]`, 'pressed: 1', 'heard: Sales.',
    ]);
  });

  it('a speech menu takes a spoken phrase to its key (transcription in Call Control)', async () => {
    await bothModes('speech', { speech: ['Uh, tech support please'] }, ['heard: Say sales or tech support, or press 1 or 2.', 'said: Uh, tech support please', 'heard: Support.']);
  });

  it('a phrase the speech menu does not know is a wrong answer', async () => {
    await bothModes('speech', { speech: ['wholesale prices'] }, ['said: wholesale prices', 'heard: Not understood.']);
  });

  it('a speech menu still takes keys', async () => {
    await bothModes('speech', { digits: ['1'] }, ['pressed: 1', 'heard: Sales.']);
  });

  it('a menu option on # can be chosen (# is not swallowed as the finish key)', async () => {
    await bothModes('hash', { digits: ['#'] }, ['pressed: #', 'heard: You pressed pound.']);
  });

  it("collect's empty finish key keeps # as a digit", async () => {
    await bothModes('code', { digits: ['12#'] }, ['pressed: 12#', 'heard: Your code is 12#.']);
  });
});

describe('prompts that cannot play move the call on (Call Control)', () => {
  it('a playback that ends file_not_found goes to the next node, not dead air', async () => {
    const r = await call('broken', 'call-control', {});
    expect(show(r)).toContain('error: audio https://audio.invalid/hold.mp3 could not be fetched: the caller hears nothing (file_not_found)');
    expect(show(r), show(r).join('\n')).toContain('heard: Thanks for holding.');
    expect(show(r).some((l) => l.includes('dead air'))).toBe(false);
    expect(r.ended.by).toBe('app');
  });

  it("a menu whose recording cannot be fetched takes the timeout path, retries included", async () => {
    const r = await call('brokenMenu', 'call-control', { digits: ['1'] });
    expect(show(r).filter((l) => l.includes('file_not_found'))).toHaveLength(2);
    expect(show(r), show(r).join('\n')).toContain('heard: We could not play the menu. Goodbye.');
    expect(show(r)).not.toContain('heard: Sales.'); // the caller heard no question, so pressed nothing
  });
});
