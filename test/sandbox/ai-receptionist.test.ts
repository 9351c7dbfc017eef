/**
 * The AI blocks end to end: the real server (createApp, SQLite, the official SDK, Ed25519-signed webhooks) with
 * the sandbox mounted, flows/ai-receptionist.json published, and sandbox calls in both modes whose AI answers are
 * scripted (`ai`, `assistant`). The sandbox plays <AIGather> / <Connect><AIAssistant> and gather_using_ai /
 * ai_assistant_start on its own (it never imports engine/) and sends the results as scripted, right or wrong.
 *
 *   greet → ask(aiGather name, reason) ─ok→ route ─billing→ to-billing → billing(+13125550120)
 *                 └failed→ person → front-desk(+13125550121)     ─appointment→ booking(aiAssistant) ─done→ booked → bye
 *                                                                 └else→ person                      └failed→ person
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startLive, type Live } from './live.js';

let live: Live;
const NUMBER = '+13125550177';

beforeAll(async () => {
  live = await startLive('AI');
  live.clock = new Date('2026-11-25T18:00:00Z');
  await live.api('POST', '/api/flows', JSON.parse(readFileSync('flows/ai-receptionist.json', 'utf8')));
  await live.api('POST', '/api/flows/ai-receptionist/publish');
  await live.hold(NUMBER);
});
afterAll(async () => { await live.close(); });

interface Result { mode: string; transcript: { kind: string; text: string }[]; ended: { by: string; reason: string } }
async function call(mode: 'texml' | 'call-control', script: Record<string, unknown>): Promise<Result> {
  await live.api('PUT', `/api/numbers/${encodeURIComponent(NUMBER)}`, { flowId: 'ai-receptionist', mode });
  const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: NUMBER, from: '+13125550147', mode, ...script }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Result;
}
const show = (r: Result) => r.transcript.map((e) => `${e.kind}: ${e.text}`);
const inOrder = (lines: string[], want: string[]) => { let i = 0; for (const l of lines) if (l === want[i]) i++; return i === want.length; };
const experience = (r: Result) => show(r).filter((l) => l !== 'connected: call answered' && !l.startsWith('hangup:'));
const ASKED = 'heard: Who am I speaking with, and what are you calling about?';
const PERSON = ['heard: One moment, I will get you to a person.', 'ringing: +13125550121'];

const CASES: { name: string; script: Record<string, unknown>; expect: string[]; absent?: string[]; ended?: string }[] = [
  { name: 'fields collected → ok, each a variable; the branch routes billing', script: { ai: [{ result: { name: 'Sam Lee', reason: 'Billing question' } }] },
    expect: [ASKED, 'said: (to the AI) name: "Sam Lee", reason: "Billing question"', 'heard: Thanks Sam Lee. Connecting you to billing.', 'ringing: +13125550120'] },
  { name: 'a required field missing → failed, a person', script: { ai: [{ result: { name: 'Sam Lee' } }] }, expect: [ASKED, ...PERSON], absent: ['ringing: +13125550120'] },
  { name: 'a field of the wrong type → failed, a person', script: { ai: [{ result: { name: 'Sam Lee', reason: 42 } }] }, expect: [ASKED, ...PERSON] },
  { name: 'a field holding an object → failed, a person', script: { ai: [{ result: { name: { first: 'Sam' }, reason: 'billing' } }] }, expect: [ASKED, ...PERSON] },
  { name: 'the AI gets nothing usable → failed, a person', script: { ai: [{ failed: true }] }, expect: [ASKED, 'silence: AI gather: no usable answer', ...PERSON] },
  { name: 'appointment: the booking assistant takes over and returns → done', script: { ai: [{ result: { name: 'Ana', reason: 'book a cleaning' } }], assistant: ['done'] },
    expect: [ASKED, 'heard: Hi Ana, I can book that for you.', 'connected: AI assistant assistant-776d0d6f-716d-4d8f-b6da-b95181636838', 'heard: Thank you for booking with Acme Dental. Goodbye.'], absent: PERSON, ended: 'app' },
  { name: 'the assistant fails → failed, a person', script: { ai: [{ result: { name: 'Ana', reason: 'appointment' } }], assistant: ['failed'] },
    expect: ['connected: AI assistant assistant-776d0d6f-716d-4d8f-b6da-b95181636838', ...PERSON] },
  { name: 'the caller hangs up on the assistant', script: { ai: [{ result: { name: 'Ana', reason: 'appointment' } }], assistant: ['hangup'] },
    expect: ['connected: AI assistant assistant-776d0d6f-716d-4d8f-b6da-b95181636838'], absent: ['heard: Thank you for booking with Acme Dental. Goodbye.', ...PERSON], ended: 'caller' },
  { name: 'the caller hangs up during the AI gather', script: { ai: [{ hangup: true }] }, expect: [ASKED], absent: PERSON, ended: 'caller' },
];

describe('AI receptionist through the real server, played by the sandbox', () => {
  for (const c of CASES) {
    it(`${c.name} (TeXML and Call Control agree)`, async () => {
      const texml = await call('texml', c.script);
      const cc = await call('call-control', c.script);
      for (const r of [texml, cc]) {
        const lines = show(r);
        expect(lines.filter((l) => l.startsWith('error')), `${r.mode}:\n${lines.join('\n')}`).toEqual([]);
        expect(inOrder(lines, c.expect), `${r.mode} transcript:\n${lines.join('\n')}`).toBe(true);
        for (const a of c.absent ?? []) expect(lines, r.mode).not.toContain(a);
        if (c.ended) expect(r.ended.by, r.mode).toBe(c.ended);
      }
      expect(experience(cc)).toEqual(experience(texml));
    });
  }

  it('a bad AI script is refused with its path (400), nothing is called', async () => {
    for (const [body, path] of [[{ ai: [{ result: 'Sam' }] }, ['ai', 0]], [{ ai: { result: {} } }, ['ai']], [{ ai: [{ failed: true }, {}] }, ['ai', 1]], [{ assistant: ['maybe'] }, ['assistant', 0]]] as const) {
      const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: NUMBER, ...body }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'bad_request', path });
    }
  });
});
