/**
 * The registry-wide "engine waits ⇔ TeXML waits ⇔ Call Control brings the next event" check (engine/waits-kit.ts)
 * for every built-in kind in NODE_KINDS, every way it is entered (its `example`, plus the variants below that
 * change how it waits), in both modes. test/kinds/waits.test.ts runs the same check for a kind added with registerKind.
 */
import { describe, expect, it } from 'vitest';
import { NODE_KINDS, type NodeType } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';
import { ccAwaits, disagreements, MODES, texmlAwaits, type Case } from './waits-kit.js';

/** Entries that wait differently from the example. Optional per kind: a new kind is checked with its example alone. */
const VARIANTS: Partial<Record<NodeType, Case[]>> = {
  play: [{ name: 'looped', data: { url: 'https://cdn.example/a.mp3', loop: 3 } }],
  menu: [
    { name: 'recorded prompt', data: { prompt: { url: 'https://cdn.example/menu.mp3' }, options: { '1': 'Sales' } } },
    { name: 'speech', data: { prompt: { text: 'Say sales or press 1.' }, options: { '1': 'Sales' }, speech: { sales: '1' } } },
    { name: 'no retries', data: { prompt: { text: 'Press 1.' }, options: { '1': 'Sales' }, maxRetries: 0 } },
  ],
  collect: [{ name: 'recorded prompt, retries', data: { prompt: { url: 'https://cdn.example/acct.mp3' }, variable: 'acct', maxRetries: 2 } }],
  businessHours: [{ name: 'closed (no hours)', data: { weekly: {} } }],
  roundRobin: [
    { name: 'sequential, two', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: 'sip:b@acme.sip.telnyx.com' }], strategy: 'sequential' } },
    { name: 'simultaneous, two', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: '+13125550102' }], strategy: 'simultaneous' } },
    { name: 'longest idle', data: { members: [{ id: 'a', to: '+13125550101' }, { id: 'b', to: '+13125550102' }], strategy: 'longest_idle' } },
    { name: 'nobody available', data: { members: [{ id: 'a', to: '+13125550101' }] }, env: { team: { a: { status: 'busy' } } }, cannotWork: true },
  ],
  transfer: [
    { name: 'SIP, recorded', data: { to: 'sip:desk@acme.sip.telnyx.com', record: true, callerId: '+18445550199' } },
    { name: 'template that fills to nothing', data: { to: '{{vars.nobody}}' }, cannotWork: true },
  ],
  voicemail: [
    { name: 'no greeting', data: {} },
    { name: 'recorded greeting, transcribed', data: { greeting: { url: 'https://cdn.example/vm.mp3' }, transcribe: true, mailbox: 'sales' } },
  ],
  sms: [{ name: 'MMS', data: { text: 'Photo', mediaUrls: ['https://cdn.example/a.jpg'] } }],
  branch: [{ name: 'no rules', data: { rules: [] } }],
  reject: [
    { name: 'caller on the block list', data: { callers: ['+1312*'] } },
    { name: 'caller not on the block list', data: { callers: ['+1415*'] } },
  ],
  pause: [{ name: 'three minutes', data: { seconds: 180 } }],
  recordCall: [{ name: 'no notice', data: { channels: 'single' } }],
};

function casesOf(type: NodeType): Case[] {
  return [{ name: 'example', data: NODE_KINDS[type].example }, ...(VARIANTS[type] ?? [])];
}

describe('every kind, every entry, both modes: the engine waits ⇔ TeXML waits ⇔ Call Control brings the next event', () => {
  const rows = (Object.keys(NODE_KINDS) as NodeType[]).flatMap((type) => casesOf(type).flatMap((c) => MODES.map((mode) => ({ type, c, mode }))));

  it.each(rows.map((r) => [`${r.type} (${r.c.name}) in ${r.mode}`, r] as const))('%s', (_name, { type, c, mode }) => {
    expect(disagreements(NODE_KINDS[type] as NodeKind, type, c, mode)).toEqual([]);
  });

  it('covers every registered kind', () => {
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(Object.keys(NODE_KINDS)));
  });

  it('catches a kind that lies about waiting (say claiming to wait in TeXML)', () => {
    const liar: NodeKind = { ...NODE_KINDS.say, waits: () => true };
    expect(disagreements(liar, 'say', casesOf('say')[0]!, 'texml')).toEqual([expect.stringContaining('waits() says true, the engine moves on')]);
  });

  it('catches a transport that does not wait where the engine does', () => {
    // A document whose Gather was dropped (what TeXML answered for an unknown waiting instruction before) does not wait.
    expect(texmlAwaits('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi</Say><Hangup/></Response>')).toBeUndefined();
    expect(ccAwaits([{ action: 'hangup', body: {} }])).toBeUndefined();
    expect(ccAwaits([])).toBeUndefined();
  });
});
