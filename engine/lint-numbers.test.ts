import { describe, expect, it } from 'vitest';
import { lintFlow, publishable } from './lint.js';

/*
 *  welcome(sms from X) → sales(transfer, callerId Y) ─*→ team(roundRobin, callerId Z) ─*→ bye(hangup)
 */
const pos = { x: 0, y: 0 };
const OWN = '+13125550100', OTHER = '+13125550999';
function flow(from: string | undefined, transferCid: string | undefined, teamCid: string | undefined) {
  const n = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: pos, data });
  const e = (source: string, sourceHandle: string, target: string) => ({ id: `${source}-${sourceHandle}`, source, sourceHandle, target });
  return {
    format: 'callflow/1', id: 'owned', name: 'Owned', timezone: 'America/Chicago', start: 'welcome',
    nodes: [
      n('welcome', 'sms', { text: 'Hi', ...(from !== undefined ? { from } : {}) }),
      n('sales', 'transfer', { to: '+13125550111', ...(transferCid !== undefined ? { callerId: transferCid } : {}) }),
      n('team', 'roundRobin', { members: [{ id: 'ann', to: '+13125550112' }], ...(teamCid !== undefined ? { callerId: teamCid } : {}) }),
      n('bye', 'hangup', {}),
    ],
    edges: [
      e('welcome', 'next', 'sales'),
      ...['connected', 'noAnswer', 'busy', 'failed'].map((p) => e('sales', p, 'team')),
      ...['connected', 'noAnswer'].map((p) => e('team', p, 'bye')),
    ],
  };
}
const owned = (fs: ReturnType<typeof lintFlow>) => fs.filter((f) => f.code === 'number-not-owned');

describe('lint: numbers a flow uses as its own must be the company\'s', () => {
  it('a literal SMS from / callerId not among the company\'s numbers is an error naming the node and the field', () => {
    const fs = lintFlow(flow(OTHER, OTHER, OTHER), { numbers: [OWN] });
    expect(owned(fs).map((f) => [f.severity, f.node, f.path])).toEqual([
      ['error', 'welcome', ['nodes', 0, 'data', 'from']],
      ['error', 'sales', ['nodes', 1, 'data', 'callerId']],
      ['error', 'team', ['nodes', 2, 'data', 'callerId']],
    ]);
    expect(owned(fs)[0]!.message).toContain(`uses ${OTHER} as its number to text from`);
    expect(owned(fs)[1]!.message).toContain('as its caller ID');
    expect(publishable(fs)).toBe(false);
  });

  it('the company\'s own number (however it is written), a template, or no value at all passes', () => {
    expect(owned(lintFlow(flow('+1 (312) 555-0100', OWN, ' +1 312 555 0100'), { numbers: [OWN] }))).toEqual([]);
    expect(owned(lintFlow(flow('{{caller.to}}', '{{vars.line}}', undefined), { numbers: [OWN] }))).toEqual([]);
    expect(owned(lintFlow(flow(undefined, undefined, undefined), { numbers: [] }))).toEqual([]); // sms from defaults to {{caller.to}}
  });

  it('without the company\'s numbers (the CLI, the builder) nothing is claimed about ownership', () => {
    expect(owned(lintFlow(flow(OTHER, OTHER, OTHER)))).toEqual([]);
    expect(owned(lintFlow(flow(OTHER, OTHER, OTHER), {}))).toEqual([]);
  });
});
