/**
 * TeXML / Call Control parity: every flow in flows/ (found by listing it, so a
 * new flow is covered at once; a flow with a ring-a-team node also in each
 * strategy) × the scripted callers of scenarios.ts, placed through the real
 * server (createApp, SQLite, the official SDK) and the sandbox in both modes.
 * Both calls must take the same path (the call log's `path`: nodes entered and
 * ports left by, from the server's own steps) and end the same way (who ended
 * it in the sandbox, the hangup cause the server logged), with no error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLive, type Live } from '../sandbox/live.js';
import { OUTBOUND_VARS, SCHEDULE_FILES, scenariosFor, withStrategy, type Scenario } from './scenarios.js';

const STRATEGIES = ['round_robin', 'sequential', 'simultaneous', 'longest_idle'];
// A flow started by a text ("channel": "sms") has no voice mode to compare: test/business/sms-flows.test.ts runs it.
const FLOWS = readdirSync('flows').filter((f) => f.endsWith('.json') && f !== 'callflow.schema.json')
  .map((f) => JSON.parse(readFileSync(join('flows', f), 'utf8')) as { id: string; channel?: string; nodes: { id: string; type: string; data: Record<string, any> }[] })
  .filter((doc) => doc.channel !== 'sms');
/** Each flow, and each strategy of a flow that rings a team (the team scenarios only). */
const DOCS = FLOWS.flatMap((doc) => {
  const team = doc.nodes.filter((n) => n.type === 'roundRobin');
  const own = team.map((n) => n.data.strategy ?? 'round_robin');
  const variants = team.length ? STRATEGIES.filter((s) => !own.includes(s)).map((s) => withStrategy(doc, s)) : [];
  return [{ doc, scenarios: scenariosFor(doc) }, ...variants.map((v) => ({ doc: v, scenarios: scenariosFor(v).filter((s) => team.some((n) => s.name.includes(`${n.id}:`))) }))];
});

/*  team(roundRobin simultaneous: alice, bob, carol) ─connected→ thanks(say "You spoke with {{vars.agent}}") → bye
 *                                                  └noAnswer→ sorry(say) → bye
 * What the caller hears after a simultaneous ring names the member who answered: in Call Control the answered
 * leg says so, in TeXML the leg's answered status callback does (the Dial action does not). */
const n_ = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const e_ = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
const AGENT_FLOW = {
  format: 'callflow/1', id: 'parity-agent', name: 'Who answered', timezone: 'America/Chicago', start: 'team',
  nodes: [
    n_('team', 'roundRobin', { strategy: 'simultaneous', ringSeconds: 20, members: [{ id: 'alice', name: 'Alice', to: '+13125550181' }, { id: 'bob', name: 'Bob', to: '+13125550182' }, { id: 'carol', name: 'Carol', to: 'sip:carol@pbx.example.com' }] }),
    n_('thanks', 'say', { text: 'You spoke with {{vars.agent}}. Goodbye.' }),
    n_('sorry', 'say', { text: 'Nobody could take your call.' }),
    n_('bye', 'hangup', {}),
  ],
  edges: [e_('team', 'connected', 'thanks'), e_('team', 'noAnswer', 'sorry'), e_('thanks', 'next', 'bye'), e_('sorry', 'next', 'bye')],
};
const AGENT_SCRIPTS: Array<{ callee: string[]; hears: string }> = [
  { callee: ['answer', 'no-answer', 'no-answer'], hears: 'You spoke with alice. Goodbye.' },
  { callee: ['busy', 'answer', 'answer'], hears: 'You spoke with bob. Goodbye.' },
  { callee: ['no-answer', 'failed', 'answer'], hears: 'You spoke with carol. Goodbye.' },
  { callee: ['no-answer', 'busy', 'no-answer'], hears: 'Nobody could take your call.' },
];

let live: Live;
const numberOf: Record<string, string> = {};

beforeAll(async () => {
  live = await startLive('Parity');
  for (const sc of SCHEDULE_FILES) await live.api('POST', '/api/schedules', sc); // before the flows that follow them
  // Outbound flow calls dial on the company's connections (the inbound ones need none).
  await live.api('PUT', '/api/numbers/connections', { texmlConnectionId: live.sandbox.texmlConnectionId, callControlConnectionId: live.sandbox.callControlConnectionId });
  for (const [i, { doc }] of DOCS.entries()) {
    await live.api('POST', '/api/flows', doc);
    await live.api('POST', `/api/flows/${doc.id}/publish`);
    // Fictional 555-01xx numbers the sandbox sells; the account must hold a number before PUT routes it.
    numberOf[doc.id] = `+131255501${10 + i}`;
    await live.hold(numberOf[doc.id]!);
  }
  await live.api('POST', '/api/flows', AGENT_FLOW);
  await live.api('POST', `/api/flows/${AGENT_FLOW.id}/publish`);
  numberOf[AGENT_FLOW.id] = '+13125550199';
  await live.hold(numberOf[AGENT_FLOW.id]!);
});
afterAll(async () => { await live.close(); });

interface Outcome { path: string[]; ended: string; cause: string | null; errors: string[]; transcript: string[] }

/** Places one call and reads back what the server logged of it. */
async function call(flow: string, mode: 'texml' | 'call-control', s: Scenario): Promise<Outcome> {
  live.clock = new Date(s.at);
  live.http = s.http;
  await live.api('PUT', `/api/numbers/${encodeURIComponent(numberOf[flow]!)}`, { flowId: flow, mode });
  if (s.outbound) return callOut(flow, s);
  const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: numberOf[flow], from: '+13125550147', mode, ...s.script }) });
  const r = (await res.json()) as { callId: string; transcript: { kind: string; text: string }[]; ended: { by: string } };
  const transcript = r.transcript.map((e) => `${e.kind}: ${e.text}`);
  const { call: log } = (await live.api('GET', `/api/calls/${encodeURIComponent(r.callId)}`)) as { call: { path?: string[]; hangupCause: string | null } };
  return { path: log.path ?? [], ended: r.ended.by, cause: log.hangupCause, errors: transcript.filter((l) => l.startsWith('error')), transcript };
}

/** An outbound flow call (POST /api/calls with flowId) to a scripted callee, once it and its call log ended. */
async function callOut(flow: string, s: Scenario): Promise<Outcome> {
  const to = '+13125550147';
  await fetch(`${live.url}/sandbox/callees`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to, answeredBy: s.outbound!.answeredBy, ...s.script }) });
  const { call: started } = await live.api('POST', '/api/calls', { from: numberOf[flow], to, flowId: flow, vars: OUTBOUND_VARS });
  const id = encodeURIComponent(started.callId as string);
  const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
  // The sandbox's read first (no /api rate limit), then the call log, sparingly (600 /api requests a minute per key).
  let r: { transcript: { kind: string; text: string }[]; ended: { by: string } | null } | undefined;
  for (let i = 0; i < 400 && !r?.ended; i++) { if (i) await wait(25); r = await live.api('GET', `/sandbox/calls/${id}`); }
  for (let i = 0; r?.ended && i < 100; i++) {
    const { call: log } = (await live.api('GET', `/api/calls/${id}`)) as { call: { path?: string[]; hangupCause: string | null; endedAt: string | null } };
    // A TeXML call's last step ends the call log before its status callback brings the hangup cause.
    if (log.endedAt && (log.hangupCause !== null || i >= 50)) {
      const transcript = r.transcript.map((e) => `${e.kind}: ${e.text}`);
      return { path: log.path ?? [], ended: r.ended.by, cause: log.hangupCause, errors: transcript.filter((l) => l.startsWith('error')), transcript };
    }
    await wait(100);
  }
  throw new Error(`outbound call ${started.callId} did not end`);
}

describe('TeXML and Call Control take the same path and end the same way', () => {
  it('covers every flow in flows/', () => {
    expect(FLOWS.length).toBeGreaterThan(0);
    for (const { doc, scenarios } of DOCS) expect(scenarios.length, doc.id).toBeGreaterThan(0);
  });

  for (const { doc, scenarios } of DOCS) {
    describe(doc.id, () => {
      for (const s of scenarios) {
        it(s.name, async () => {
          const texml = await call(doc.id, 'texml', s);
          const cc = await call(doc.id, 'call-control', s);
          const why = `TeXML:\n${texml.transcript.join('\n')}\n\nCall Control:\n${cc.transcript.join('\n')}`;
          expect(texml.errors, why).toEqual([]);
          expect(cc.errors, why).toEqual([]);
          expect(texml.path.length, why).toBeGreaterThan(0);
          expect(cc.path, why).toEqual(texml.path);
          expect({ ended: cc.ended, cause: cc.cause }, why).toEqual({ ended: texml.ended, cause: texml.cause });
        });
      }
    });
  }
});

describe('after a simultaneous ring both modes say who answered ({{vars.agent}})', () => {
  for (const { callee, hears } of AGENT_SCRIPTS) {
    it(`callee ${callee.join(',')}`, async () => {
      const s: Scenario = { name: callee.join(','), at: '2026-11-25T18:00:00Z', script: { callee } };
      const texml = await call(AGENT_FLOW.id, 'texml', s);
      const cc = await call(AGENT_FLOW.id, 'call-control', s);
      const why = `TeXML:\n${texml.transcript.join('\n')}\n\nCall Control:\n${cc.transcript.join('\n')}`;
      const heard = (o: Outcome) => o.transcript.filter((l) => l.startsWith('heard: '));
      expect(texml.errors, why).toEqual([]);
      expect(cc.errors, why).toEqual([]);
      expect(heard(cc), why).toEqual([`heard: ${hears}`]);
      expect(heard(texml), why).toEqual(heard(cc));
      expect(cc.path, why).toEqual(texml.path);
      expect({ ended: cc.ended, cause: cc.cause }, why).toEqual({ ended: texml.ended, cause: texml.cause });
    });
  }
});
