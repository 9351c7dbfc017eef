import { describe, expect, it } from 'vitest';
import { transfer } from './transfer.js';
import { first, flowOf, portsOf, runCall, verbsOf } from './test-kit.js';
import type { DialStatus, Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };

/*
 *  xfer(transfer) --connected--> done(hangup)
 *                 --noAnswer--> na(say)
 *                 --busy--> busy(say)
 *                 --failed--> fail(say)
 */
function transferFlow(data: Record<string, unknown> = {}) {
  return flowOf(
    [
      { id: 'xfer', type: 'transfer', data: { to: '+13125550110', ...data } },
      { id: 'done', type: 'hangup', data: {} },
      { id: 'na', type: 'say', data: { text: 'No answer' } },
      { id: 'busy', type: 'say', data: { text: 'Busy' } },
      { id: 'fail', type: 'say', data: { text: 'Failed' } },
    ],
    [['xfer', 'connected', 'done'], ['xfer', 'noAnswer', 'na'], ['xfer', 'busy', 'busy'], ['xfer', 'failed', 'fail']],
  );
}

describe('transfer', () => {
  it('dials the destination with the documented defaults and waits', () => {
    const [r] = runCall(transferFlow(), texml, []);
    expect(r!.instructions).toEqual([{ verb: 'dial', node: 'xfer', seq: 1, targets: ['+13125550110'], ring: 'sequential', timeoutSeconds: 30, record: false }]);
    expect(r!.waiting).toBe(true);
  });

  it.each([
    ['connected', 'connected'], ['no-answer', 'noAnswer'], ['busy', 'busy'], ['failed', 'failed'],
  ] as Array<[DialStatus, string]>)('dial.ended %s leaves by %s', (status, port) => {
    const rs = runCall(transferFlow(), texml, [{ type: 'dial.ended', status, seconds: 3 }]);
    expect(portsOf(rs[1]!)[0]).toBe(`xfer:${port}`);
    // Only a connected dial reached someone, and it is over: the number dialled is released (a team member's, maybe).
    expect(rs[1]!.instructions.filter((i) => i.verb === 'member.release')).toEqual(
      status === 'connected' ? [{ verb: 'member.release', to: '+13125550110', node: 'xfer', seq: 2 }] : [],
    );
  });

  it('releases the number the template filled to, not the template', () => {
    /*  set(setVariable dest) --next--> xfer(transfer to {{vars.dest}}) */
    const flow = flowOf(
      [
        { id: 'set', type: 'setVariable', data: { name: 'dest', value: '+13125550177' } },
        { id: 'xfer', type: 'transfer', data: { to: '{{vars.dest}}' } },
      ],
      [['set', 'next', 'xfer']],
    );
    const rs = runCall(flow, texml, [{ type: 'dial.ended', status: 'connected', seconds: 30 }]);
    expect(rs[1]!.instructions[0]).toMatchObject({ verb: 'member.release', to: '+13125550177' });
  });

  it('fills a template destination and caller id', () => {
    /*  set(setVariable dest) --next--> xfer(transfer to {{vars.dest}}) */
    const flow = flowOf(
      [
        { id: 'set', type: 'setVariable', data: { name: 'dest', value: 'sip:desk@acme.sip.telnyx.com' } },
        { id: 'xfer', type: 'transfer', data: { to: '{{vars.dest}}', callerId: '{{caller.to}}', ringSeconds: 12, record: true } },
      ],
      [['set', 'next', 'xfer']],
    );
    expect(first(runCall(flow, texml, [])[0]!, 'dial')).toMatchObject({ targets: ['sip:desk@acme.sip.telnyx.com'], callerId: '+18445550199', timeoutSeconds: 12, record: true });
  });

  it('fails at once when a template fills to nothing dialable', () => {
    const [r] = runCall(transferFlow({ to: '{{vars.missing}}' }), texml, []);
    expect(verbsOf(r!)).toEqual(['say', 'hangup']);
    expect(portsOf(r!)).toEqual(['xfer:failed', 'fail:next']);
  });

  it('ignores events other than dial.ended', () => {
    const rs = runCall(transferFlow(), texml, [{ type: 'input.digits', digits: '1' }]);
    expect(rs[1]!.instructions).toEqual([]);
    expect(rs[1]!.snapshot.value).toBe('xfer');
  });

  it('lists busy, noAnswer and failed as ports to wire, and rejects a bad number', () => {
    const d = transfer.schema.parse({ to: '+13125550110' });
    expect(transfer.reachablePorts!(d)).toEqual(['noAnswer', 'busy', 'failed']);
    expect(transfer.schema.safeParse({ to: '3125550110' }).error!.issues[0]!.message).toBe('Use an E.164 number like +13125550100 or a sip: address');
  });
});
