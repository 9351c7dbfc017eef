/**
 * The sandbox's Telnyx AI against a fake customer app (no engine): TeXML <AIGather> / <Connect><AIAssistant> and
 * Call Control gather_using_ai / ai_assistant_start, answered from the caller's scripted `ai` / `assistant` lists,
 * with the fields Telnyx documents, and what it refuses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIError } from 'telnyx';
import { placeCall, startBench, verified, xml, type Bench } from '../../test/sandbox/harness.js';

let b: Bench;
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });
beforeEach(() => { b.hooks.length = 0; });
const lines = (r: any) => r.transcript.map((e: any) => `${e.kind}: ${e.text}`);
const unb64 = (s: string) => JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
const PARAMS = JSON.stringify({ type: 'object', properties: { name: { type: 'string', description: 'name' } }, required: ['name'] });
const gatherDoc = (params = `<![CDATA[${PARAMS}]]>`) => `<AIGather action="${b.url}/webhooks/texml/ai" method="POST"><Greeting>Your name?</Greeting><Voice name="Telnyx.NaturalHD.Astra"/><Parameters>${params}</Parameters></AIGather>`;

describe('TeXML <AIGather>', () => {
  it('posts the scripted result to the action: Status, Base64Result as Telnyx publishes it, Base64MessageHistory', async () => {
    b.on('/webhooks/texml', xml(gatherDoc()));
    b.on('/webhooks/texml/ai', xml('<Say>Thanks.</Say><Hangup/>'));
    const r = await placeCall(b, { to: '+13125550100', ai: [{ result: { name: 'Sam' } }] });
    expect(lines(r)).toEqual(['heard: Your name?', 'said: (to the AI) name: "Sam"', 'heard: Thanks.', 'hangup: the app hung up']);
    const f = await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/ai')!);
    expect(f.Status).toBe('valid');
    expect(unb64(f.Base64Result!)).toEqual({ status: 'valid', result: { name: 'Sam' } });
    expect(unb64(f.Base64MessageHistory!)).toEqual([{ role: 'assistant', content: 'Your name?' }, { role: 'user', content: 'name: "Sam"' }]);
  });

  it('sends a wrong result as scripted (the app must catch it), and {failed} as Status=invalid', async () => {
    b.on('/webhooks/texml', xml(gatherDoc()));
    b.on('/webhooks/texml/ai', xml('<Hangup/>'));
    await placeCall(b, { to: '+13125550100', ai: [{ result: { name: 42 } }] });
    expect(unb64((await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/ai')!)).Base64Result!).result).toEqual({ name: 42 });
    b.hooks.length = 0;
    const r = await placeCall(b, { to: '+13125550100', ai: [{ failed: true }] });
    expect(lines(r)).toContain('silence: AI gather: no usable answer');
    expect((await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/ai')!)).Status).toBe('invalid');
  });

  it.each([
    ['not in CDATA', PARAMS.replace(/"/g, '&quot;'), '<Parameters> must hold its JSON Schema in a CDATA section'],
    ['not JSON', '<![CDATA[{name}]]>', '<Parameters> is not JSON'],
    ['not an object schema', '<![CDATA[{"type":"string"}]]>', 'parameters.type must be "object"'],
    ['required names an unknown field', `<![CDATA[${JSON.stringify({ type: 'object', properties: { a: { type: 'string' } }, required: ['b'] })}]]>`, 'parameters.required must list names'],
  ])('parameters %s: an error in the transcript, nothing collected (Status=invalid)', async (_what, params, error) => {
    b.on('/webhooks/texml', xml(gatherDoc(params)));
    b.on('/webhooks/texml/ai', xml('<Hangup/>'));
    const r = await placeCall(b, { to: '+13125550100', ai: [{ result: { name: 'Sam' } }] });
    expect(lines(r).find((l: string) => l.startsWith('error'))).toContain(error);
    expect((await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/ai')!)).Status).toBe('invalid');
  });

  it('<Connect><AIAssistant>: the conversation, then the action with Reason; a caller hang-up sends none', async () => {
    b.on('/webhooks/texml', xml(`<Connect action="${b.url}/webhooks/texml/after"><AIAssistant id="assistant-1"/></Connect>`));
    b.on('/webhooks/texml/after', xml('<Hangup/>'));
    await placeCall(b, { to: '+13125550100', assistant: ['failed'] });
    expect((await verified(b, b.hooks.find((h) => h.path === '/webhooks/texml/after')!)).Reason).toBe('service_error');
    b.hooks.length = 0;
    const r = await placeCall(b, { to: '+13125550100', assistant: ['hangup'] });
    expect(r.ended.by).toBe('caller');
    expect(b.hooks.some((h) => h.path === '/webhooks/texml/after')).toBe(false);
  });
});

describe('Call Control gather_using_ai and ai_assistant_start', () => {
  /** Answers, then runs `then(id)` once; ends the call on the events named in `end`. */
  function app(then: (id: string) => Promise<unknown>, end: string[]) {
    b.on('/webhooks/call-control', (h, _req, res) => {
      res.send('ok');
      const ev = h.json.data, id = ev.payload.call_control_id, a = b.client.calls.actions;
      if (ev.event_type === 'call.initiated') void a.answer(id, {});
      if (ev.event_type === 'call.answered') void then(id).catch(() => a.hangup(id, {}));
      if (end.includes(ev.event_type)) void a.hangup(id, {}).catch(() => undefined);
    });
  }
  const events = () => b.hooks.filter((h) => h.path === '/webhooks/call-control').map((h) => h.json.data);

  it('gather_using_ai: call.ai_gather.ended with the scripted result, then call.conversation.ended, both with the command\'s client_state', async () => {
    const cs = Buffer.from('ask').toString('base64');
    app((id) => b.client.calls.actions.gatherUsingAI(id, { parameters: JSON.parse(PARAMS), greeting: 'Your name?', client_state: cs }), ['call.conversation.ended']);
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', ai: [{ result: { name: 'Sam' } }] });
    expect(lines(r)).toContain('said: (to the AI) name: "Sam"');
    const ev = events();
    const ended = ev.find((e) => e.event_type === 'call.ai_gather.ended')!;
    expect(ended.payload).toMatchObject({ status: 'valid', result: { name: 'Sam' }, client_state: cs });
    const conv = ev.find((e) => e.event_type === 'call.conversation.ended')!;
    expect(conv.payload.client_state).toBe(cs);
    expect(ev.map((e) => e.event_type).indexOf('call.conversation.ended')).toBeGreaterThan(ev.map((e) => e.event_type).indexOf('call.ai_gather.ended'));
  });

  it('ai_assistant_start: call.conversation.ended with the reason and assistant id; scripted done is `completed`', async () => {
    app((id) => b.client.calls.actions.startAIAssistant(id, { assistant: { id: 'assistant-9' }, greeting: 'Hello!' }), ['call.conversation.ended']);
    const r = await placeCall(b, { to: '+13125550100', mode: 'call-control', assistant: ['done'] });
    expect(lines(r)).toEqual(expect.arrayContaining(['heard: Hello!', 'connected: AI assistant assistant-9']));
    expect(events().find((e) => e.event_type === 'call.conversation.ended')!.payload).toMatchObject({ reason: 'completed', assistant_id: 'assistant-9' });
  });

  it('refuses what Telnyx would: no parameters, parameters not an object, an unknown field, no assistant id (422 with the pointer)', async () => {
    let id = '';
    const refused: unknown[] = [];
    const tryIt = async (f: () => Promise<unknown>) => { try { await f(); refused.push('accepted'); } catch (e) { refused.push(e instanceof APIError ? [e.status, (e.error as any).errors[0].source?.pointer] : String(e)); } };
    app(async (ccid) => {
      id = ccid;
      const a = b.client.calls.actions;
      await tryIt(() => a.gatherUsingAI(id, {} as never));
      await tryIt(() => a.gatherUsingAI(id, { parameters: ['name'] as never }));
      await tryIt(() => a.gatherUsingAI(id, { parameters: JSON.parse(PARAMS), maximum_digits: 1 } as never));
      await tryIt(() => a.startAIAssistant(id, {}));
      await tryIt(() => a.startAIAssistant(id, { assistant: {} as never }));
      await a.hangup(id, {});
    }, []);
    await placeCall(b, { to: '+13125550100', mode: 'call-control' });
    expect(refused).toEqual([[422, '/parameters'], [422, '/parameters'], [422, '/maximum_digits'], [422, '/assistant/id'], [422, '/assistant/id']]);
  });
});
