/**
 * End to end: the real server (createApp, SQLite, the official SDK) with the
 * sandbox mounted, every example flow in flows/ published, and sandbox calls
 * placed through each in both modes. The sandbox plays Telnyx on its own
 * (it never imports engine/), so the transcripts check the engine's TeXML and
 * its Call Control commands independently, and against each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLive, type Live } from './live.js';

// A flow started by a text ("channel": "sms") takes no calls: test/business/sms-flows.test.ts runs it through the sandbox.
const FLOWS = readdirSync('flows').filter((f) => f.endsWith('.json') && f !== 'callflow.schema.json')
  .filter((f) => JSON.parse(readFileSync(join('flows', f), 'utf8')).channel !== 'sms');
let live: Live;
const numberOf: Record<string, string> = {};

beforeAll(async () => {
  live = await startLive('E2E');
  live.clock = new Date('2026-11-25T18:00:00Z'); // a Wednesday, 10:00 in Los Angeles
  // The shared schedules the examples follow (flows/schedules/), before the flows that follow them are published.
  for (const f of readdirSync(join('flows', 'schedules')).filter((x) => x.endsWith('.json'))) await live.api('POST', '/api/schedules', JSON.parse(readFileSync(join('flows', 'schedules', f), 'utf8')));
  for (const [i, f] of FLOWS.entries()) {
    const doc = JSON.parse(readFileSync(join('flows', f), 'utf8'));
    await live.api('POST', '/api/flows', doc);
    await live.api('POST', `/api/flows/${doc.id}/publish`);
    // Fictional 555-01xx numbers the sandbox sells; the account must hold a number before PUT routes it.
    numberOf[doc.id] = `+131255501${50 + i}`;
    await live.hold(numberOf[doc.id]!);
  }
});
afterAll(async () => { await live.close(); });

interface Result { mode: string; transcript: { kind: string; text: string }[]; ended: { by: string; reason: string } }
async function call(flow: string, mode: 'texml' | 'call-control', script: Record<string, unknown>): Promise<Result> {
  await live.api('PUT', `/api/numbers/${encodeURIComponent(numberOf[flow]!)}`, { flowId: flow, mode });
  const res = await fetch(`${live.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: numberOf[flow], from: '+13125550147', mode, ...script }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Result;
}
const show = (r: Result) => r.transcript.map((e) => `${e.kind}: ${e.text}`);
/** True when `want` appears in `lines` in this order (other lines may sit between). */
const inOrder = (lines: string[], want: string[]) => { let i = 0; for (const l of lines) if (l === want[i]) i++; return i === want.length; };
/** What the caller experienced, minus what differs by transport (the answer itself, hangup wording, when a text lands). */
const experience = (r: Result) => show(r).filter((l) => l !== 'connected: call answered' && !l.startsWith('hangup:') && !l.startsWith('sms:'));
const texts = (r: Result) => show(r).filter((l) => l.startsWith('sms:')).sort();

const CASES: { flow: string; name: string; at?: string; script: Record<string, unknown>; expect: string[]; ended: string; roundRobin?: string[]; http?: Record<string, unknown> }[] = [
  { flow: 'main-line', name: 'open, support', script: { digits: ['2'] }, ended: 'app',
    expect: ['heard: Thanks for calling Acme Plumbing.', 'heard: For sales, press 1. For support, press 2. To leave a message, press 3.', 'pressed: 2', 'ringing: +13125550110', 'connected: +13125550110'] },
  { flow: 'main-line', name: 'open, voicemail', script: { digits: ['3'], speech: ['This is Sam, call me back'] }, ended: 'app',
    expect: ['pressed: 3', 'heard: Please leave your name, number and a short message after the tone.', 'recorded: This is Sam, call me back', 'heard: Thank you. We will call you back soon. Goodbye.'] },
  { flow: 'main-line', name: 'open, sales round robin', script: { digits: ['1'] }, ended: 'app', expect: ['pressed: 1'], roundRobin: ['+13125550101', '+13125550102', 'sip:carol@acme.sip.telnyx.com'] },
  { flow: 'main-line', name: 'open, no input', script: { digits: [] }, ended: 'app', expect: ['heard: Sorry, we did not get that. Please call again. Goodbye.'] },
  { flow: 'main-line', name: 'Sunday: closed', at: '2026-11-29T18:00:00Z', script: { speech: ['Leak in the kitchen'] }, ended: 'app',
    expect: ['heard: Thanks for calling Acme Plumbing.', 'heard: Our office is closed right now. We are open Monday to Friday, 8 to 5, and Saturday morning.', 'recorded: Leak in the kitchen'] },
  { flow: 'account-menu', name: 'billing balance', script: { digits: ['1', '1', '123456#'] }, ended: 'app',
    expect: ['pressed: 1', 'heard: For your balance, press 1. To go back, press star.', 'pressed: 123456#', 'heard: Thank you. A statement for account 123456 is on its way by text message.'] },
  { flow: 'account-menu', name: 'premium account', script: { digits: ['1', '1', '987654#'] }, ended: 'app', expect: ['pressed: 987654#', 'ringing: +13125550190', 'connected: +13125550190'] },
  { flow: 'holiday-routing', name: 'Christmas', at: '2026-12-25T15:00:00Z', script: {}, ended: 'app',
    expect: ['heard: Happy holidays. Our office is closed today. For emergencies, stay on the line for the on-call engineer.', 'ringing: +447700900123'] },
  { flow: 'holiday-routing', name: 'on-call busy, voicemail', at: '2026-11-29T03:00:00Z', script: { callee: ['busy'], speech: ['Boiler is broken'] }, ended: 'app',
    expect: ['heard: Our office is closed. Stay on the line for the on-call engineer.', 'ringing: +447700900123', 'heard: Nobody could take your call. Please leave a message.', 'recorded: Boiler is broken'] },
  { flow: 'shared-hours', name: 'Memorial Day (the last Monday of May, by the shared schedule)', at: '2027-05-31T15:00:00Z', script: { speech: ['Call me back'] }, ended: 'app',
    expect: ['heard: Our office is closed for the holiday.', 'heard: Please leave a message after the tone.', 'recorded: Call me back'] },
  { flow: 'shared-hours', name: 'a weekday morning: the front desk', at: '2026-12-08T15:00:00Z', script: {}, ended: 'app',
    expect: ['heard: Thanks for calling. Connecting you to the front desk.', 'ringing: +13125550140', 'connected: +13125550140'] },
  { flow: 'after-hours', name: 'closed: message and receipt', at: '2026-11-29T18:00:00Z', script: { speech: ['Please call me'] }, ended: 'app',
    expect: ['heard: You have reached us after hours. Our hours are 9 to 6, Monday to Friday.', 'recorded: Please call me'] },
  { flow: 'order-status', name: 'order found', script: { digits: ['482913'] }, ended: 'app',
    http: { lookup: { status: 200, body: { order: { status: 'out for delivery', delivery: { estimate: 'today' } } } } },
    expect: ['pressed: 482913', 'heard: One moment while I look up order 482913.', 'heard: Order 482913 is out for delivery. Estimated delivery: today. Thank you for calling.'] },
  { flow: 'ai-receptionist', name: 'AI gathers name and reason, billing', script: { ai: [{ result: { name: 'Sam Lee', reason: 'billing' } }] }, ended: 'app',
    expect: ['heard: Who am I speaking with, and what are you calling about?', 'heard: Thanks Sam Lee. Connecting you to billing.', 'ringing: +13125550120'] },
  { flow: 'blocked-callers', name: 'a premium-rate number is refused unanswered', script: { from: '+19005550100' }, ended: 'app', expect: [] },
  { flow: 'sales-screened', name: 'a mobile voicemail picks up (no key), the next member presses 1', script: { callee: ['voicemail', 'answer:1'] }, ended: 'app',
    // Round robin: the second call starts at the next member (screening itself is compared mode by mode in test/parity).
    expect: ['heard: Thanks for calling E2E sales. Connecting you now.'], roundRobin: ['+13125550141', '+13125550142'] },
  // The first agent answers at once: no wait announcement, whose estimate learns from the calls before it (so the
  // second mode's call would hear another figure); test/business/queue.test.ts covers the cycles.
  { flow: 'support-queue', name: 'the first agent rung answers', script: { callee: ['answer'] }, ended: 'app',
    expect: ['heard: Thanks for calling E2E support. All our agents are helping other callers; please hold.'] },
  { flow: 'appointment-reminder', name: 'called in (no machine detection on an inbound call)', script: { digits: ['1'] }, ended: 'app',
    expect: [] },
  { flow: 'blocked-callers', name: 'recorded, nobody answers, a message', script: { callee: ['no-answer'], speech: ['Please call me back'] }, ended: 'app',
    expect: ['heard: This call may be recorded for quality and training.', 'recorded: call recording started', 'ringing: +13125550100', 'silence: pause 1s', 'recorded: Please call me back'] },
  { flow: 'caller-check', name: 'on its own: the return hangs up', script: { digits: ['4411'] }, ended: 'app', expect: ['heard: Please enter your four-digit account number.', 'pressed: 4411'] },
  { flow: 'support-line', name: 'verified by the subflow, then support', script: { digits: ['4411'] }, ended: 'app',
    expect: ['heard: Welcome to Acme support.', 'silence: pause 1s', 'heard: Please enter your four-digit account number.', 'pressed: 4411', 'heard: Thank you. Account 4411, connecting you to support.', 'connected: +13125550177'] },
];

describe('example flows through the real server, played by the sandbox', () => {
  it('covers every example flow', () => { expect(new Set(CASES.map((c) => c.flow))).toEqual(new Set(Object.keys(numberOf))); });

  for (const c of CASES) {
    it(`${c.flow}: ${c.name} (TeXML and Call Control agree)`, async () => {
      live.clock = new Date(c.at ?? '2026-11-25T18:00:00Z');
      live.http = c.http;
      const texml = await call(c.flow, 'texml', c.script);
      const cc = await call(c.flow, 'call-control', c.script);
      for (const r of [texml, cc]) {
        expect(show(r).filter((l) => l.startsWith('error')), `${r.mode}:\n${show(r).join('\n')}`).toEqual([]);
        expect(inOrder(show(r), c.expect), `${r.mode} transcript:\n${show(r).join('\n')}`).toBe(true);
        expect(r.ended.by).toBe(c.ended);
      }
      if (c.roundRobin) {
        // The second call goes to the next member: the cursor moved.
        const rang = [texml, cc].map((r) => show(r).find((l) => l.startsWith('ringing: '))!.slice(9));
        expect(c.roundRobin).toEqual(expect.arrayContaining(rang));
        expect(rang[1]).not.toBe(rang[0]);
        return;
      }
      expect(experience(cc)).toEqual(experience(texml));
      expect(texts(cc)).toEqual(texts(texml));
    });
  }
});
