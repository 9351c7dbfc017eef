import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importStudio } from './index.js';
import { parseFlow, type Flow } from '../../schema.js';
import { compileFlow } from '../../compile.js';
import { simulate, type CallScript } from '../../simulate.js';
import { lintFlow } from '../../lint.js';

const dir = join(import.meta.dirname, '../../../fixtures/studio');
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
const FIXTURES = readdirSync(dir).filter((f) => f.endsWith('.json'));

function imported(file: string) {
  const r = importStudio(read(file), { source: file });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { ...r, parsed: parseFlow(r.flow) };
}
const edgesOf = (f: Flow) => f.edges.map((e) => `${e.source} -${e.sourceHandle}-> ${e.target}`).sort();
const typesOf = (f: Flow) => Object.fromEntries(f.nodes.map((n) => [n.id, n.type]));
const node = (f: Flow, id: string) => f.nodes.find((n) => n.id === id)!;
const call = (f: Flow, script: Partial<CallScript>) => simulate(f, { at: '2026-11-23T16:00:00Z', mode: 'texml', from: '+13125550199', to: '+13125550100', ...script }).steps;
const dials = (steps: ReturnType<typeof call>) => steps.flatMap((s) => s.instructions).filter((i) => i.verb === 'dial').map((i) => (i as { targets: string[] }).targets);
const entered = (steps: ReturnType<typeof call>) => steps.flatMap((s) => s.trace).filter((t) => t.kind === 'enter').map((t) => (t as { node: string }).node);

describe('every Studio fixture', () => {
  it.each(FIXTURES)('%s imports to a flow the schema accepts and the engine compiles', (file) => {
    const { parsed } = imported(file);
    expect(() => compileFlow(parsed)).not.toThrow();
    expect(lintFlow(parsed).filter((f) => f.code === 'schema')).toEqual([]);
    // Every node sits where its Studio state was on the canvas.
    const def = (read(file) as { definition?: { states: unknown[] }; states?: unknown[] });
    const states = (def.definition ?? def).states as Array<{ name: string; properties: { offset?: { x: number; y: number } } }>;
    const first = states.find((s) => s.name === parsed.nodes[0]!.id)!;
    expect(parsed.nodes[0]!.position).toEqual(first.properties.offset);
  });
});

/*
 * Trigger → welcome(say-play) → main_menu(gather) --keypress--> route_digits(split) 1 sales, 2 support, 3 leave_message, 0 operator, noMatch invalid
 *                                                 --speech--> route_speech(split) contains sales / support
 *                                                 --timeout--> leave_message → voicemail → thanks_sms → goodbye
 */
describe('main-ivr.json: a menu with speech, three ways to an agent, voicemail and a text', () => {
  const { flow, report, parsed } = imported('main-ivr.json');

  it('folds the greeting and both splits into one menu and maps the rest one to one', () => {
    expect(typesOf(parsed)).toEqual({
      main_menu: 'menu', sales: 'transfer', support: 'transfer', operator: 'roundRobin', invalid: 'say', leave_message: 'say', voicemail: 'voicemail', thanks_sms: 'sms', goodbye: 'say',
    });
    expect(parsed.start).toBe('main_menu');
    expect(edgesOf(parsed)).toEqual([
      'invalid -next-> main_menu', 'leave_message -next-> voicemail',
      'main_menu -0-> operator', 'main_menu -1-> sales', 'main_menu -2-> support', 'main_menu -3-> leave_message',
      'main_menu -invalid-> invalid', 'main_menu -timeout-> leave_message',
      'operator -connected-> leave_message', 'operator -noAnswer-> leave_message',
      'support -busy-> leave_message', 'support -connected-> leave_message', 'support -failed-> leave_message', 'support -noAnswer-> leave_message',
      'thanks_sms -next-> goodbye', 'voicemail -next-> thanks_sms', 'voicemail -noRecording-> goodbye',
    ]);
    expect(node(parsed, 'main_menu').data).toMatchObject({
      prompt: { text: expect.stringMatching(/^Thanks for calling Acme/), voice: 'AWS.Polly.Joanna', language: 'en-US' },
      options: { 1: 'sales', 2: 'support', 3: 'leave_message', 0: 'operator' }, speech: { sales: '1', support: '2' }, timeoutSeconds: 5, maxRetries: 0,
    });
    expect(node(parsed, 'support').data).toMatchObject({ to: '+13125550102', ringSeconds: 20, callerId: '{{caller.from}}' });
    expect(node(parsed, 'operator').data).toMatchObject({ strategy: 'simultaneous', members: [{ to: '+13125550103' }, { to: '+13125550104' }], ringSeconds: 25 });
    expect(node(parsed, 'voicemail').data).toMatchObject({ maxSeconds: 120, transcribe: true, playBeep: true });
    expect(node(parsed, 'thanks_sms').data).toMatchObject({ to: '{{caller.from}}', from: '{{caller.to}}', text: 'Thanks for your message. We will call you back at {{caller.from}}.' });
    expect(flow.import?.notes).toEqual([]);
    expect(report.counts).toMatchObject({ mapped: 6, changed: 4, merged: 3, unmapped: 0, skipped: 0, liquid: 0 });
  });

  it('a call reaches the same ends as the Studio transitions say', () => {
    expect(dials(call(parsed, { digits: ['1'] }))).toEqual([['+13125550101']]); // press 1 → sales
    expect(dials(call(parsed, { digits: ['1'], mode: 'call-control' }))).toEqual([['+13125550101']]); // the same in Call Control mode
    expect(dials(call(parsed, { digits: [], speech: ['I want sales please'] }))).toEqual([['+13125550101']]); // say sales → sales
    expect(dials(call(parsed, { digits: ['0'] }))).toEqual([['+13125550103', '+13125550104']]); // operator rings both
    const noAnswer = call(parsed, { digits: ['2'], dial: ['no-answer'], recordSeconds: [8] });
    expect(entered(noAnswer)).toEqual(expect.arrayContaining(['support', 'leave_message', 'voicemail', 'thanks_sms', 'goodbye']));
    expect(noAnswer.flatMap((s) => s.instructions).some((i) => i.verb === 'sms')).toBe(true);
    expect(entered(call(parsed, { digits: ['9', '1'] })).slice(0, 3)).toEqual(['main_menu', 'invalid', 'main_menu']); // a wrong key → "not a choice" → the menu again
  });
});

describe('account-line.json: digits into a variable, lookups Callflow cannot do, conditions it cannot check', () => {
  const { flow, report, parsed } = imported('account-line.json');

  it('maps the gather to a collect whose variable the rest of the flow reads', () => {
    expect(node(parsed, 'ask_account')).toMatchObject({ type: 'collect', data: { variable: 'ask_account', numDigits: 6, finishOnKey: '#', timeoutSeconds: 8 } });
    expect(node(parsed, 'remember').data).toEqual({ name: 'account', value: '{{vars.ask_account}}' });
    expect(node(parsed, 'remember-2').data).toEqual({ name: 'caller_number', value: '{{caller.from}}' });
    expect(node(parsed, 'closed_msg').data).toMatchObject({ text: 'Account {{vars.account}} is closed. Goodbye.' });
    expect(node(parsed, 'vip_line').data).toMatchObject({ to: 'sip:vip@pbx.example.com', ringSeconds: 40 });
    expect(node(parsed, 'thanks_audio')).toMatchObject({ type: 'play', data: { url: 'https://cdn.example.com/audio/thanks.mp3' } });
    expect(node(parsed, 'read_balance').data).toMatchObject({ loop: 2 });
  });

  it('keeps HTTP requests and functions as placeholders that keep every path, and drops what a rule cannot say', () => {
    expect(node(parsed, 'lookup')).toMatchObject({ type: 'branch', data: { rules: [{ port: 'failed', when: { var: 'vars.studio_lookup', op: 'eq', value: 'failed' } }] } });
    expect(edgesOf(parsed)).toEqual(expect.arrayContaining(['lookup -else-> check_status', 'lookup -failed-> sorry', 'log_call -else-> balance_sms', 'log_call -fail-> balance_sms']));
    expect((node(parsed, 'check_status').data as { rules: unknown[] }).rules).toEqual([
      { port: 'vip_line', when: { var: 'vars.account', op: 'startsWith', value: '9' } },
      { port: 'closed_msg', when: { var: '{{widgets.lookup.parsed.status}}', op: 'eq', value: 'closed' } },
    ]);
    const notes = parsed.import!.notes.map((n) => `${n.severity} ${n.node} ${n.code}`);
    expect(notes).toEqual([
      'error lookup studio.unmapped', 'warning check_status studio.liquid', 'error check_status studio.condition', 'error check_status studio.condition',
      'warning read_balance studio.liquid', 'warning read_balance studio.liquid', 'error log_call studio.unmapped', 'warning balance_sms studio.liquid', 'error press_tones studio.unmapped',
    ]);
    expect(report.states.find((s) => s.state === 'sms_reply')?.status).toBe('skipped');
    expect(report.summary).toBe('14 Studio states: 4 mapped, 6 mapped with changes, 0 merged into another step, 3 not mapped (placeholders), 1 skipped; 4 Liquid expression(s) kept as text.');
  });

  it('a VIP account is put through to the VIP line', () => {
    const steps = call(parsed, { digits: ['912345'] });
    expect(dials(steps)).toEqual([['sip:vip@pbx.example.com']]);
  });
});

describe('support-queue.json: queues, Flex, payments and Twilio clients have no counterpart', () => {
  const { flow, parsed } = imported('support-queue.json');
  it('makes a placeholder for each, with an error note, and maps the rest', () => {
    expect(typesOf(parsed)).toEqual({
      greeting: 'say', press: 'menu', queue: 'branch', flex: 'branch', pay: 'branch', paid_sms: 'sms', desk: 'transfer', app_client: 'branch', queue_full: 'voicemail',
    });
    expect(node(parsed, 'press').data).toMatchObject({ options: { 1: 'queue', 2: 'flex', 3: 'pay', 4: 'desk', 5: 'app_client', 6: 'app_client' }, timeoutSeconds: 6 });
    expect(edgesOf(parsed)).toEqual(expect.arrayContaining(['queue -failedToEnqueue-> queue_full', 'queue -callFailure-> queue_full', 'pay -else-> paid_sms', 'press -invalid-> queue']));
    expect(node(parsed, 'paid_sms').data).toMatchObject({ from: '+13125550100', mediaUrls: ['https://cdn.example.com/receipt.png'] });
    expect(node(parsed, 'queue_full').data).toMatchObject({ maxSeconds: 60, playBeep: false, transcribe: false });
    expect(parsed.import!.notes.filter((n) => n.severity === 'error').map((n) => n.node)).toEqual(['queue', 'flex', 'pay', 'app_client']);
    const lint = lintFlow(parsed).filter((f) => f.code === 'studio.unmapped').map((f) => f.node);
    expect(lint).toEqual(['queue', 'flex', 'pay', 'app_client']);
  });
});

describe('after-hours-resource.json: the REST API Flow resource', () => {
  it('reads the definition inside and names the flow after it', () => {
    const { flow, parsed } = imported('after-hours-resource.json');
    expect(flow).toMatchObject({ id: 'after-hours', name: 'After hours', start: 'closed', import: { from: 'twilio-studio', source: 'after-hours-resource.json', notes: [] } });
    expect(edgesOf(parsed)).toEqual(['closed -next-> message', 'message -next-> bye', 'message -noRecording-> bye']);
    expect(node(parsed, 'closed').data).toMatchObject({ voice: 'woman', language: 'en-US' });
  });
});

describe('what is not a Studio flow', () => {
  it.each([
    ['bad/states-not-a-list.json', 'states'],
    ['bad/transition-without-event.json', 'states.0.transitions.0.event'],
  ])('%s is refused at %s', (file, path) => {
    const r = importStudio(read(file));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.path)).toContain(path);
  });
  it('refuses a callflow/1 flow, unknown initial state, doubled names and non-JSON', () => {
    const bad = (x: unknown) => { const r = importStudio(x); return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`); };
    expect(bad({ format: 'callflow/1' })[0]).toMatch(/^format: this is already a callflow\/1 flow/);
    expect(bad({ states: [{ name: 'a', type: 'say-play' }], initial_state: 'b' })).toEqual(['initial_state: no state is called "b"']);
    expect(bad({ states: [{ name: 'a', type: 'trigger' }, { name: 'a', type: 'say-play' }], initial_state: 'a' })).toEqual(['states.1.name: two states are called "a"']);
    expect(bad('{nope')[0]).toMatch(/^: not JSON/);
    expect(bad({ definition: JSON.stringify({ states: 3, initial_state: 'x' }) })[0]).toMatch(/^definition\.states: /);
  });
  it('a Trigger with no call path imports as a hang-up, with an error in the report', () => {
    const r = importStudio({ states: [{ name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingMessage', next: 'm' }] }, { name: 'm', type: 'send-message', properties: { body: 'hi' } }], initial_state: 'Trigger' });
    expect(r.ok && parseFlow(r.flow).nodes.map((n) => n.type)).toEqual(['hangup']);
    expect(r.ok && r.report.states[0]!.remarks.map((x) => x.severity)).toContain('error');
    expect(r.ok && lintFlow(r.flow).filter((f) => f.code === 'studio.no-call').map((f) => f.node)).toEqual(['no-call-path']);
  });
});
