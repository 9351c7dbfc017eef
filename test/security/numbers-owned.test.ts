/**
 * Numbers not owned (issue #11 item 3, the sms / callerId half): a flow's SMS `from` and a transfer's or round
 * robin's `callerId` must be numbers of the flow's company. Literal values: a lint error (lint API and publish).
 * Templated values, filled on the call: the SMS is not sent (nothing billed) and the flow goes on; the dial goes
 * out with the call's own number as caller ID. Real app, real signatures, the SDK against a stand-in Telnyx.
 *
 *   pick(setVariable line = LINE) → text(sms from {{vars.line}}) → sales(transfer, callerId {{vars.line}}) ─*→ bye
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, ccEvent, company, e, n, makeApp, tempDb, texml } from '../server/harness.js';

const A_NUM = '+13125550610', A_CC = '+13125550611', A_TWO = '+13125550612', B_NUM = '+13125550910', CALLER = '+13125550147';
const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let A: Awaited<ReturnType<typeof company>>, B: Awaited<ReturnType<typeof company>>;

function lineFlow(id: string, line: string, callerId = '{{vars.line}}', from = '{{vars.line}}') {
  return {
    format: 'callflow/1', id, name: id, start: 'pick',
    nodes: [n('pick', 'setVariable', { name: 'line', value: line }), n('text', 'sms', { text: 'Thanks', from }), n('sales', 'transfer', { to: '+13125550111', callerId }), n('bye', 'hangup', {})],
    edges: [e('pick', 'next', 'text'), e('text', 'next', 'sales'), ...['connected', 'noAnswer', 'busy', 'failed'].map((p) => e('sales', p, 'bye'))],
  };
}
async function route(auth: Record<string, string>, e164: string, flow: ReturnType<typeof lineFlow>, mode: 'texml' | 'call-control') {
  await request(h.app).put(`/api/numbers/${encodeURIComponent(e164)}`).set(auth).send({ flowId: 'placeholder', mode }).expect((r) => { if (r.status >= 500) throw new Error(r.text); });
  await request(h.app).post('/api/flows').set(auth).send(flow).expect(201);
  await request(h.app).post(`/api/flows/${flow.id}/publish`).set(auth).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(e164)}`).set(auth).send({ flowId: flow.id, mode }).expect(200);
}
const messages = () => fake.seen.filter((s) => s.path === '/v2/messages').map((s) => s.body);
const callerIdOf = (texmlDoc: string) => /<Dial [^>]*callerId="([^"]*)"/.exec(texmlDoc)?.[1];

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  A = await company(h.app, 'Company A');
  B = await company(h.app, 'Company B');
  // Numbers first (lint at publish holds literal numbers to them), then the flows.
  await request(h.app).post('/api/flows').set(A.auth).send(lineFlow('placeholder', A_NUM, A_NUM, A_NUM)).expect(201);
  await request(h.app).post('/api/flows').set(B.auth).send(lineFlow('placeholder', B_NUM, B_NUM, B_NUM)).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(B_NUM)}`).set(B.auth).send({ flowId: 'placeholder', mode: 'texml' }).expect(200);
  await route(A.auth, A_NUM, lineFlow('foreign-texml', B_NUM), 'texml');
  await route(A.auth, A_CC, lineFlow('foreign-cc', B_NUM), 'call-control');
  await route(A.auth, A_TWO, lineFlow('own-texml', A_TWO), 'texml');
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });
beforeEach(() => fake.clear());

describe('literal numbers: lint names the node and the field; publish refuses', () => {
  it('POST /api/flows/lint and publish: B\'s number as A\'s SMS from and caller ID is an error each', async () => {
    const flow = lineFlow('literal', A_NUM, B_NUM, B_NUM);
    const lint = await request(h.app).post('/api/flows/lint').set(A.auth).send(flow).expect(200);
    const owned = lint.body.findings.filter((f: { code: string }) => f.code === 'number-not-owned');
    expect(owned.map((f: { severity: string; node: string; path: unknown[] }) => [f.severity, f.node, f.path])).toEqual([
      ['error', 'text', ['nodes', 1, 'data', 'from']], ['error', 'sales', ['nodes', 2, 'data', 'callerId']],
    ]);
    await request(h.app).post('/api/flows').set(A.auth).send(flow).expect(201);
    const pub = await request(h.app).post('/api/flows/literal/publish').set(A.auth).expect(422);
    expect(pub.body.error.findings.map((f: { code: string }) => f.code)).toContain('number-not-owned');
    // The same numbers are B's own: B's lint finds nothing to say about them.
    const forB = await request(h.app).post('/api/flows/lint').set(B.auth).send(lineFlow('literal', B_NUM, B_NUM, B_NUM)).expect(200);
    expect(forB.body.findings.filter((f: { code: string }) => f.code === 'number-not-owned')).toEqual([]);
  });
});

describe('templated numbers, filled on the call: refused at run time', () => {
  it('TeXML: the SMS from B\'s number is not sent, the flow goes on, the dial uses the call\'s own number', async () => {
    const res = await texml(h.app, '/webhooks/texml', { CallSid: 'v3:own-1', From: CALLER, To: A_NUM }).expect(200);
    expect(messages()).toEqual([]);
    expect(res.text).toContain('<Dial');
    expect(callerIdOf(res.text)).toBe(A_NUM);
    expect(await h.app.locals.ctx.store.listUsage(A.id, '2026-11')).toEqual([]);
  });

  it('TeXML control: A\'s own other number is used as is, for the SMS and the caller ID', async () => {
    const res = await texml(h.app, '/webhooks/texml', { CallSid: 'v3:own-2', From: CALLER, To: A_TWO }).expect(200);
    expect(messages()).toEqual([{ from: A_TWO, to: CALLER, text: 'Thanks' }]);
    expect(callerIdOf(res.text)).toBe(A_TWO);
  });

  it('Call Control: the transfer\'s from is the call\'s own number, and no SMS leaves', async () => {
    const ccid = 'v3:own-cc';
    const p = { call_control_id: ccid, call_session_id: 'sess-own', from: CALLER, to: A_CC };
    await ccEvent(h.app, 'own-e1', 'call.initiated', { ...p, direction: 'incoming' }).expect(200);
    await ccEvent(h.app, 'own-e2', 'call.answered', p).expect(200);
    const transfer = fake.seen.find((s) => s.action === 'transfer');
    expect(transfer?.body).toMatchObject({ to: '+13125550111', from: A_CC });
    expect(messages()).toEqual([]);
  });
});
