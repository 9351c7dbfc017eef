/**
 * The #13 item 5 blocks through the real server and the sandbox, in both modes: a block list refuses a caller
 * without answering (TeXML `<Reject>` first, Call Control `reject` on call.initiated, never `answer`), nothing is
 * billed and the call is `rejected`, not missed; a pause is silence; a recorded call's audio lands on the call log;
 * a subflow runs a published flow of the company, embedded at publish, and is refused while that flow is a draft.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLive, type Live } from '../sandbox/live.js';

const n = (id: string, type: string, data: unknown) => ({ id, type, position: { x: 0, y: 0 }, data });
const e = (s: string, p: string, t: string) => ({ id: `${s}-${p}`, source: s, sourceHandle: p, target: t });
const doc = (id: string, start: string, nodes: unknown[], edges: unknown[]) => ({ format: 'callflow/1', id, name: id, timezone: 'America/Chicago', start, nodes, edges });

//   block(reject +1900*, +13125550147 busy) ─next→ wait(pause 2) ─next→ rec(recordCall "This call may be recorded.") ─next→ hi(say) → bye
const BLOCKED = doc('blocked', 'block', [
  n('block', 'reject', { reason: 'busy', callers: ['+1900*', '+13125550147'] }),
  n('wait', 'pause', { seconds: 2 }),
  n('rec', 'recordCall', { consent: { text: 'This call may be recorded.' } }),
  n('hi', 'say', { text: 'Hello, how can we help?' }),
  n('bye', 'hangup', {}),
], [e('block', 'next', 'wait'), e('wait', 'next', 'rec'), e('rec', 'next', 'hi'), e('hi', 'next', 'bye')]);
//   child "check": ask(collect acct) ─next→ ok(return done), ask ─timeout→ no(return failed)
const CHILD = doc('check', 'ask', [
  n('ask', 'collect', { prompt: { text: 'Your account number?' }, variable: 'acct', numDigits: 4, maxRetries: 0 }),
  n('ok', 'return', { port: 'done' }), n('no', 'return', { port: 'failed' }),
], [e('ask', 'next', 'ok'), e('ask', 'timeout', 'no'), e('ask', 'invalid', 'no')]);
//   parent: verify(subflow check) ─done→ thanks(say "Account {{vars.acct}}") ; ─failed→ sorry(say)
const PARENT = doc('uses-check', 'verify', [
  n('verify', 'subflow', { flow: 'check', returns: ['done', 'failed'] }),
  n('thanks', 'say', { text: 'Account {{vars.acct}}, thank you.' }), n('sorry', 'say', { text: 'Sorry.' }),
], [e('verify', 'done', 'thanks'), e('verify', 'failed', 'sorry')]);

let live: Live;
beforeAll(async () => {
  live = await startLive('Blocks');
  for (const [i, d] of [BLOCKED, CHILD].entries()) {
    await live.api('POST', '/api/flows', d);
    await live.api('POST', `/api/flows/${d.id}/publish`);
    await live.hold(`+1312555016${i}`);
  }
  await live.api('POST', '/api/flows', PARENT);
  await live.api('POST', `/api/flows/${PARENT.id}/publish`);
  await live.hold('+13125550169');
});
afterAll(async () => { await live?.close(); });

async function call(to: string, flowId: string, mode: 'texml' | 'call-control', from: string, digits: string[] = []) {
  await live.api('PUT', `/api/numbers/${encodeURIComponent(to)}`, { flowId, mode });
  const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to, from, mode, digits }) });
  const r = (await res.json()) as { callId: string; transcript: { kind: string; text: string }[] };
  const got = (await live.api('GET', `/api/calls/${encodeURIComponent(r.callId)}`)) as { call: Record<string, any>; webhooks: unknown[] };
  return { ...got, transcript: r.transcript.map((t) => `${t.kind}: ${t.text}`), id: r.callId };
}

describe.each(['texml', 'call-control'] as const)('%s', (mode) => {
  it('refuses a caller on the block list unanswered: no answer command, no minutes, outcome rejected', async () => {
    const c = await call('+13125550160', 'blocked', mode, '+13125550147');
    expect(c.call.path).toEqual(['>block', 'end:rejected@block']);
    expect(c.call.answeredAt).toBeNull();
    expect(c.call.hangupCause).toBe('user_busy');
    expect(c.transcript.some((l) => l.startsWith('heard'))).toBe(false);
    const answers = JSON.stringify(c.webhooks);
    if (mode === 'call-control') {
      expect(answers).toContain('\\"action\\":\\"reject\\"');
      expect(answers).not.toContain('\\"action\\":\\"answer\\"');
    } else expect(answers).toContain('<Reject reason=\\"busy\\"/>');
    const usage = await live.api('GET', '/api/usage');
    expect(JSON.stringify(usage.entries)).not.toContain(c.id);
    const listed = await live.api('GET', '/api/calls?outcome=rejected');
    expect(JSON.stringify(listed)).toContain(c.id);
  });

  it('lets others on: a pause of silence, the notice, then the call is recorded onto the call log', async () => {
    const c = await call('+13125550160', 'blocked', mode, '+14155550123');
    expect(c.call.path.slice(0, 4)).toEqual(['>block', 'block.next', '>wait', 'wait.next']);
    expect(c.transcript).toContain('silence: pause 2s');
    const notice = c.transcript.indexOf('heard: This call may be recorded.');
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(c.transcript.indexOf('recorded: call recording started')).toBeGreaterThan(notice);
    expect(c.call.answeredAt).not.toBeNull();
    await expect.poll(async () => (await live.api('GET', `/api/calls/${encodeURIComponent(c.id)}`)).call.recordingUrl).toMatch(/^\/api\/calls\/.+\/recordings\//);
  });

  it('runs a published subflow and comes back by its return, its variables seen by the parent', async () => {
    const c = await call('+13125550169', 'uses-check', mode, '+14155550123', ['4411']);
    expect(c.call.path).toEqual(expect.arrayContaining(['>verify/ask', 'verify/ask.next', '>thanks']));
    expect(c.transcript).toContain('heard: Account 4411, thank you.');
    const failed = await call('+13125550169', 'uses-check', mode, '+14155550123', ['']);
    expect(failed.call.path).toEqual(expect.arrayContaining(['verify/ask.timeout', '>sorry']));
  });
});

describe('subflow publishing', () => {
  it('refuses a subflow of a draft or of itself, embeds the child as published', async () => {
    await live.api('POST', '/api/flows', doc('draft-child', 'bye', [n('bye', 'hangup', {})], []));
    await live.api('POST', '/api/flows', doc('runs-draft', 'go', [n('go', 'subflow', { flow: 'draft-child', returns: ['done'] })], []));
    await expect(live.api('POST', '/api/flows/runs-draft/publish')).rejects.toThrow(/subflow\.unpublished/);
    const self = await live.api('POST', '/api/flows/lint', doc('uses-check', 'verify', [n('verify', 'subflow', { flow: 'uses-check' })], []));
    expect(self.findings.map((f: { code: string }) => f.code)).toContain('subflow.cycle');
    const { version } = await live.api('POST', '/api/flows/uses-check/publish');
    const v = await live.api('GET', `/api/flows/uses-check/versions/${version}`);
    expect(v.flow.subflows.check.version).toBe(1);
    expect(v.flow.subflows.check.flow.id).toBe('check');
  });
});

describe('estimates and the simulate route', () => {
  it('a reject costs nothing, a pause its seconds, and a subflow is estimated through its published flow', async () => {
    await live.api('POST', '/api/flows', doc('refuse-all', 'no', [n('no', 'reject', {})], []));
    const refused = await live.api('GET', '/api/usage/estimate/refuse-all');
    expect(refused.paths).toEqual([expect.objectContaining({ nodes: ['no'], seconds: 0, micros: 0 })]);
    const parent = await live.api('GET', '/api/usage/estimate/uses-check');
    expect(parent.paths.map((p: { nodes: string[] }) => p.nodes)).toContainEqual(['verify/ask', 'thanks']);
    const blocked = await live.api('GET', '/api/usage/estimate/blocked');
    expect(blocked.paths[0].seconds).toBeGreaterThanOrEqual(2); // the pause, the notice, the message
  });

  it('simulates a draft that runs a published subflow, and answers a body that is not a flow with 400', async () => {
    const sim = await live.api('POST', '/api/flows/simulate', { flow: PARENT, digits: ['4411'], mode: 'call-control' });
    expect(JSON.stringify(sim.steps)).toContain('Account 4411, thank you.');
    await expect(live.api('POST', '/api/flows/simulate', { flow: null })).rejects.toThrow(/: 400 .*"path":\["flow"\]/);
  });
});
