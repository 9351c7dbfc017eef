/**
 * Telnyx does not order its deliveries: an outbound flow call's machine detection result can reach the server
 * before its call.answered. The result is kept for the flow's first step, the flow starts on the answer, and the
 * answeredBy step goes on at once (no dead line). Before the fix the early AMD event started the flow itself, so the
 * answer found it "already started" and nothing was ever said.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { readFileSync } from 'node:fs';
import { encodeClientState } from '../../engine/call-control.js';
import { FakeTelnyx, ccEvent, company, makeApp, tempDb } from './harness.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
const LINE = '+13125550200';
const CALLEE = '+13125550147';
const flow = JSON.parse(readFileSync('flows/appointment-reminder.json', 'utf8'));

beforeAll(async () => {
  await fake.start();
  h = makeApp(db.file, fake);
  acme = await company(h.app, 'Acme');
  await request(h.app).post('/api/flows').set(acme.auth).send(flow).expect(201);
  await request(h.app).post(`/api/flows/${flow.id}/publish`).set(acme.auth).expect(201);
  await request(h.app).put(`/api/numbers/${encodeURIComponent(LINE)}`).set(acme.auth).send({ flowId: flow.id, mode: 'call-control' }).expect(200);
});
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

async function dialled(token: string, ccid: string) {
  const store = h.app.locals.ctx.store;
  const version = (await store.getFlow(acme.id, flow.id))!.publishedVersion!;
  await store.addOutboundCall({ token, companyId: acme.id, flowId: flow.id, version, mode: 'call-control', from: LINE, to: CALLEE, vars: { name: 'Dana', when: 'tomorrow at 3 pm' }, amd: 'detect' });
  const cs = encodeClientState({ flow: `out:${token}`, node: '__outbound', seq: 0 });
  return (extra: Record<string, unknown> = {}) => ({ call_control_id: ccid, call_leg_id: `leg-${ccid}`, call_session_id: `sess-${ccid}`, connection_id: 'conn', client_state: cs, from: LINE, to: CALLEE, direction: 'outgoing', ...extra });
}

describe('machine detection before the answer', () => {
  for (const order of ['answer first', 'detection first'] as const) {
    it(`${order}: the reminder is spoken once the call is answered`, async () => {
      const ccid = `v3:amd-${order.split(' ')[0]}`;
      const p = await dialled(`tok-${order.split(' ')[0]}`, ccid);
      await ccEvent(h.app, `${ccid}-init`, 'call.initiated', p({ state: 'bridging' })).expect(200);
      const detection = () => ccEvent(h.app, `${ccid}-amd`, 'call.machine.detection.ended', p({ result: 'human' })).expect(200);
      const answered = () => ccEvent(h.app, `${ccid}-ans`, 'call.answered', p({ state: 'answered' })).expect(200);
      if (order === 'answer first') { await answered(); await detection(); } else { await detection(); await answered(); }
      // The menu asks "Hello Dana, … Press 1 to confirm": the flow ran past answeredBy (human) either way.
      const asked = fake.seen.filter((s) => s.ccid === ccid && s.action === 'gather_using_speak');
      expect(asked).toHaveLength(1);
      expect(String(asked[0]!.body.payload)).toContain('Hello Dana');
      expect((await h.app.locals.ctx.store.getCall(acme.id, ccid))?.amdResult).toBe('human');
    });
  }
});
