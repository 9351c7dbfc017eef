/**
 * What bad AI input gets, through the real server (signed webhooks, SQLite, the SDK against a stand-in Telnyx):
 * a result Telnyx relays is untrusted (an LLM's output), so garbage in a TeXML `Base64Result` or a Call Control
 * `result` goes to `failed` with valid TeXML / commands, never a 500; the `call.conversation.ended` that follows a
 * gather_using_ai moves nothing; a flow with an AI gather that collects nothing cannot be published.
 *
 *   ask(aiGather name) ─ok→ hi(say "Hi {{vars.name}}") → bye
 *                      └failed→ sorry(say "Sorry") → bye
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, ccEvent, company, e, makeApp, n, tempDb, texml } from './harness.js';

const flow = (id: string, fields: unknown[] = [{ name: 'name', description: 'The caller\'s name' }]) => ({
  format: 'callflow/1', id, name: 'Ask', timezone: 'America/Chicago', start: 'ask',
  nodes: [n('ask', 'aiGather', { fields, greeting: 'Your name?' }), n('hi', 'say', { text: 'Hi {{vars.name}}.' }), n('sorry', 'say', { text: 'Sorry.' }), n('bye', 'hangup', {})],
  edges: [e('ask', 'ok', 'hi'), e('ask', 'failed', 'sorry'), e('hi', 'next', 'bye'), e('sorry', 'next', 'bye')],
});

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  for (const [id, e164, mode] of [['ask-texml', '+13125550820', 'texml'], ['ask-cc', '+13125550821', 'call-control']] as const) {
    await request(h.app).post('/api/flows').set(acme.auth).send(flow(id)).expect(201);
    await request(h.app).post(`/api/flows/${id}/publish`).set(acme.auth).expect(201);
    await request(h.app).put(`/api/numbers/${encodeURIComponent(e164)}`).set(acme.auth).send({ flowId: id, mode }).expect(200);
  }
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

describe('bad AI results through the server', () => {
  it.each([
    ['not base64 JSON', { Status: 'valid', Base64Result: '%%%not-base64' }, 'Sorry.'],
    ['JSON but not an object', { Status: 'valid', Base64Result: b64('["Sam"]') }, 'Sorry.'],
    ['the field of the wrong type', { Status: 'valid', Base64Result: b64(JSON.stringify({ status: 'valid', result: { name: 7 } })) }, 'Sorry.'],
    ['no Status', { Base64Result: b64(JSON.stringify({ name: 'Sam' })) }, 'Sorry.'],
    ['a good one', { Status: 'valid', Base64Result: b64(JSON.stringify({ status: 'valid', result: { name: 'Sam <b>' } })) }, 'Hi Sam &lt;b&gt;.'],
  ])('TeXML action with %s → 200 with valid TeXML (%s)', async (what, fields, says) => {
    const f = { CallSid: `ai-${what.replace(/\W+/g, '-')}`, From: '+13125550147', To: '+13125550820' };
    const first = await texml(h.app, '/webhooks/texml', f).expect(200);
    const action = /<AIGather action="([^"]+)" method="POST">/.exec(first.text)?.[1];
    expect(action, first.text).toMatch(/\/webhooks\/texml\/aiGather-ask-\d+$/);
    expect(first.text).toContain('<Parameters><![CDATA[{"type":"object"');
    const next = await texml(h.app, new URL(action!).pathname, { ...f, ...fields }).expect(200);
    expect(next.type).toMatch(/xml/);
    expect(next.text).toContain(`>${says}</Say>`);
    expect(next.text).toContain('<Hangup/>');
  });

  it('Call Control: gather_using_ai is sent; a non-object result goes to failed; the call.conversation.ended after it moves nothing', async () => {
    let cs = '';
    const last = () => { cs = [...fake.seen].reverse().find((s) => s.ccid === 'v3:ai-cc')?.body.client_state ?? cs; return cs; };
    const p = () => ({ call_control_id: 'v3:ai-cc', call_session_id: 's-ai-cc', from: '+13125550147', to: '+13125550821', client_state: last() });
    await ccEvent(h.app, 'ai-e1', 'call.initiated', { ...p(), direction: 'incoming' }).expect(200);
    await ccEvent(h.app, 'ai-e2', 'call.answered', p()).expect(200);
    expect(fake.actions('v3:ai-cc')).toEqual(['answer', 'gather_using_ai']);
    const gatherState = p().client_state;
    expect(fake.seen.at(-1)!.body).toMatchObject({ greeting: 'Your name?', parameters: { type: 'object', required: ['name'] } });
    await ccEvent(h.app, 'ai-e3', 'call.ai_gather.ended', { ...p(), status: 'valid', result: 'Sam' }).expect(200);
    expect(fake.actions('v3:ai-cc')).toEqual(['answer', 'gather_using_ai', 'speak']);
    expect(fake.seen.at(-1)!.body.payload).toBe('Sorry.');
    // Telnyx then reports the AI's conversation over, with the gather's client_state: nothing more is sent.
    await ccEvent(h.app, 'ai-e4', 'call.conversation.ended', { ...p(), client_state: gatherState, reason: 'completed' }).expect(200);
    expect(fake.actions('v3:ai-cc')).toEqual(['answer', 'gather_using_ai', 'speak']);
  });

  it('POST /api/flows/simulate takes scripted AI results; a malformed script is a 400 with its path', async () => {
    const sim = (extra: Record<string, unknown>) => request(h.app).post('/api/flows/simulate').set(acme.auth).send({ flow: flow('sim'), at: '2026-11-23T10:00:00-06:00', ...extra });
    const ok = await sim({ ai: [{ result: { name: 'Sam' } }] }).expect(200);
    expect(ok.body.steps[1].event).toEqual({ type: 'ai.gathered', status: 'valid', result: { name: 'Sam' } });
    expect(ok.body.steps[1].texml).toContain('Hi Sam.');
    const cc = await sim({ mode: 'call-control', ai: [{ failed: true }] }).expect(200);
    expect(cc.body.steps[0].commands.map((c: { action: string }) => c.action)).toEqual(['gather_using_ai']);
    expect(cc.body.steps.flatMap((st: { trace: { kind: string; port?: string }[] }) => st.trace).some((t: { kind: string; port?: string }) => t.kind === 'port' && t.port === 'failed')).toBe(true);
    const bad = await sim({ ai: [{ result: 'Sam' }] }).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', path: ['ai', 0] });
    const badEnd = await sim({ assistant: ['maybe'] }).expect(400);
    expect(badEnd.body.error.path).toEqual(['assistant', 0]);
  });

  it('a flow whose AI gather collects nothing, or asks twice for one name, is not published (the finding names the field)', async () => {
    for (const [id, fields, code] of [['none', [], 'aiGather.no-fields'], ['twice', [{ name: 'a', description: 'x' }, { name: 'a', description: 'y' }], 'aiGather.duplicate-field']] as const) {
      await request(h.app).post('/api/flows').set(acme.auth).send(flow(id, [...fields])).expect(201);
      const res = await request(h.app).post(`/api/flows/${id}/publish`).set(acme.auth);
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).toContain(code);
    }
  });
});
