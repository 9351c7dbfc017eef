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
import { scenariosFor, withStrategy, type Scenario } from './scenarios.js';

const STRATEGIES = ['round_robin', 'sequential', 'simultaneous', 'longest_idle'];
const FLOWS = readdirSync('flows').filter((f) => f.endsWith('.json') && f !== 'callflow.schema.json')
  .map((f) => JSON.parse(readFileSync(join('flows', f), 'utf8')) as { id: string; nodes: { id: string; type: string; data: Record<string, any> }[] });
/** Each flow, and each strategy of a flow that rings a team (the team scenarios only). */
const DOCS = FLOWS.flatMap((doc) => {
  const team = doc.nodes.filter((n) => n.type === 'roundRobin');
  const own = team.map((n) => n.data.strategy ?? 'round_robin');
  const variants = team.length ? STRATEGIES.filter((s) => !own.includes(s)).map((s) => withStrategy(doc, s)) : [];
  return [{ doc, scenarios: scenariosFor(doc) }, ...variants.map((v) => ({ doc: v, scenarios: scenariosFor(v).filter((s) => team.some((n) => s.name.includes(`${n.id}:`))) }))];
});

let live: Live;
const numberOf: Record<string, string> = {};

beforeAll(async () => {
  live = await startLive('Parity');
  for (const [i, { doc }] of DOCS.entries()) {
    await live.api('POST', '/api/flows', doc);
    await live.api('POST', `/api/flows/${doc.id}/publish`);
    // Fictional 555-01xx numbers the sandbox sells; the account must hold a number before PUT routes it.
    numberOf[doc.id] = `+131255501${10 + i}`;
    await live.hold(numberOf[doc.id]!);
  }
});
afterAll(async () => { await live.close(); });

interface Outcome { path: string[]; ended: string; cause: string | null; errors: string[]; transcript: string[] }

/** Places one call and reads back what the server logged of it. */
async function call(flow: string, mode: 'texml' | 'call-control', s: Scenario): Promise<Outcome> {
  live.clock = new Date(s.at);
  await live.api('PUT', `/api/numbers/${encodeURIComponent(numberOf[flow]!)}`, { flowId: flow, mode });
  const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: numberOf[flow], from: '+13125550147', mode, ...s.script }) });
  const r = (await res.json()) as { callId: string; transcript: { kind: string; text: string }[]; ended: { by: string } };
  const transcript = r.transcript.map((e) => `${e.kind}: ${e.text}`);
  const { call: log } = (await live.api('GET', `/api/calls/${encodeURIComponent(r.callId)}`)) as { call: { path?: string[]; hangupCause: string | null } };
  return { path: log.path ?? [], ended: r.ended.by, cause: log.hangupCause, errors: transcript.filter((l) => l.startsWith('error')), transcript };
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
