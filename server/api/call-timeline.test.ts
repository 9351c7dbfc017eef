import { describe, expect, it } from 'vitest';
import type { WebhookRow } from '../store/types.js';
import { buildTimeline, pathMoves, stepKeyOf, summaryOf } from './call-timeline.js';

const CALL = 'v3:abc';
let nextId = 1;
const hook = (at: string, path: string, body: string, answer: string | null, extra: Partial<WebhookRow> = {}): WebhookRow => ({
  id: nextId++, receivedAt: at, kind: 'texml', method: 'POST', path, headers: {}, rawBody: body, eventId: null, callId: CALL,
  companyId: 'c', status: 200, answer, ...extra,
});
const t = (s: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, s)).toISOString();

describe('stepKeyOf', () => {
  it('names the step a webhook asks for as the handlers do; status callbacks are none', () => {
    expect(stepKeyOf({ kind: 'texml', path: '/webhooks/texml', eventId: null }, CALL)).toBe(`texml:${CALL}:start`);
    expect(stepKeyOf({ kind: 'texml', path: '/webhooks/texml/gather-menu-1?event=timeout', eventId: null }, CALL)).toBe(`texml:${CALL}:gather-menu-1`);
    expect(stepKeyOf({ kind: 'texml', path: '/webhooks/texml/status', eventId: null }, CALL)).toBeUndefined();
    expect(stepKeyOf({ kind: 'call-control', path: '/webhooks/call-control', eventId: 'e-1' }, CALL)).toBe('cc:e-1');
  });
});

describe('buildTimeline', () => {
  // A TeXML call: voice URL (menu entered), the key press (menu.1, desk entered), the status callback (call ended,
  // a keyless step), a recording and a cost line in between.
  const webhooks = [
    hook(t(0), '/webhooks/texml', 'CallSid=v3%3Aabc&CallStatus=ringing', '<Response><Gather/></Response>'),
    hook(t(4), '/webhooks/texml/gather-menu-1', 'CallSid=v3%3Aabc&Digits=1', '<Response><Dial/></Response>'),
    hook(t(30), '/webhooks/texml/status', 'CallSid=v3%3Aabc&CallStatus=completed', '<Response/>'),
  ];
  const call = {
    callId: CALL, startedAt: t(0), path: ['>menu', 'menu.1', '>desk', 'end:caller-hangup@desk'],
    pathSteps: [{ count: 1, key: `texml:${CALL}:start`, at: t(0) }, { count: 2, key: `texml:${CALL}:gather-menu-1`, at: t(4) }, { count: 1, key: '', at: t(29) }],
  };
  const recordings = [{ id: 'r1', companyId: 'c', callId: CALL, sourceUrl: 'x', contentType: 'audio/mpeg', seconds: 3, createdAt: t(20) }];
  const usage = [{ id: 1, companyId: 'c', ref: CALL, kind: 'call_in_minute', quantity: 60, unit: 'second', micros: 10_000, month: '2026-12', at: t(31), detail: null }];

  it('puts each step under the webhook that caused it, then the answer; recordings and costs at their times', () => {
    const e = buildTimeline({ call, webhooks, recordings, usage });
    expect(e.map((x) => x.kind)).toEqual(['webhook', 'node', 'answer', 'webhook', 'port', 'node', 'answer', 'recording', 'webhook', 'end', 'answer', 'cost']);
    expect(e[1]).toMatchObject({ node: 'menu', offsetMs: 0 });
    expect(e[4]).toMatchObject({ kind: 'port', node: 'menu', port: '1', offsetMs: 4000 });
    expect(e[7]).toMatchObject({ kind: 'recording', url: `/api/calls/${encodeURIComponent(CALL)}/recordings/r1`, offsetMs: 20_000 });
    expect(e[9]).toMatchObject({ kind: 'end', reason: 'caller-hangup', node: 'desk' });
    expect(e[2]).toMatchObject({ format: 'texml', body: '<Response><Gather/></Response>' });
  });

  it('a retried webhook shows twice but its step once (under the first delivery)', () => {
    const retry = hook(t(5), '/webhooks/texml/gather-menu-1', 'CallSid=v3%3Aabc&Digits=1', '<Response><Dial/></Response>');
    const e = buildTimeline({ call, webhooks: [webhooks[0]!, webhooks[1]!, retry, webhooks[2]!], recordings: [], usage: [] });
    expect(e.filter((x) => x.kind === 'port')).toHaveLength(1);
    expect(e.filter((x) => x.kind === 'webhook')).toHaveLength(4);
  });

  it('a call from before path_steps shows its whole path after its first webhook', () => {
    const e = buildTimeline({ call: { ...call, pathSteps: [] }, webhooks, recordings: [], usage: [] });
    expect(e.slice(0, 6).map((x) => x.kind)).toEqual(['webhook', 'node', 'port', 'node', 'end', 'answer']);
  });

  it('Call Control answers are pretty JSON, commands marked as such', () => {
    const cc = hook(t(1), '/webhooks/call-control', JSON.stringify({ data: { event_type: 'call.gather.ended', payload: { digits: '2' } } }), '{"commands":[{"command":"speak"}]}', { kind: 'call-control', eventId: 'e1' });
    const e = buildTimeline({ call: { ...call, path: ['>menu'], pathSteps: [{ count: 1, key: 'cc:e1', at: t(1) }] }, webhooks: [cc], recordings: [], usage: [] });
    expect(e.map((x) => x.kind)).toEqual(['webhook', 'node', 'answer']);
    expect(e[0]).toMatchObject({ summary: 'call.gather.ended digits=2', format: 'json' });
    expect(e[2]).toMatchObject({ format: 'commands' });
    expect((e[2] as { body: string }).body).toContain('\n  "commands"');
  });
});

describe('summaryOf and pathMoves', () => {
  it('sums a TeXML webhook up by its step and the fields that matter', () => {
    expect(summaryOf({ kind: 'texml', path: '/webhooks/texml/gather-menu-1', rawBody: 'CallSid=x&Digits=1&From=%2B1' }).summary).toBe('gather-menu-1 Digits=1');
    expect(summaryOf({ kind: 'texml', path: '/webhooks/texml', rawBody: 'CallStatus=ringing' }).summary).toBe('voice URL CallStatus=ringing');
  });
  it('reads path lines back as moves', () => {
    expect(pathMoves(['>a', 'a.next', 'end:hangup'])).toEqual([{ kind: 'node', node: 'a' }, { kind: 'port', node: 'a', port: 'next' }, { kind: 'end', reason: 'hangup', node: null }]);
  });
});
