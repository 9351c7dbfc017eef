import { nodeName, sentence } from './lint-words.js';
import type { Finding } from './lint.js';
import type { NodeKind } from './node-kind.js';
import type { Flow, FlowNode } from './schema.js';

/** How a field that names one of our numbers reads in a finding. */
const FIELD_WORDS: Record<string, string> = { from: 'number to text from', callerId: 'caller ID' };

/** A number as written (`+1 (312) 555-0100`) → as compared (`+13125550100`). */
export const compactNumber = (s: string): string => s.replace(/[\s().-]/g, '');

/** A value the call fills in (`{{caller.to}}`): only the server can check it, on each call. */
const templated = (s: string): boolean => s.includes('{{');

/**
 * Findings for literal numbers a flow uses as its own (a kind's `ownNumberFields`: an SMS's `from`, a
 * transfer's or round robin's `callerId`) that are not among `numbers`, the company's: an error each, naming
 * the node (`node`, and its name in the message) and the field (`path` to it). Templated values are left to the
 * server, which refuses them on the call (an SMS not sent, a dial with the call's own number as caller ID).
 */
export function ownershipFindings(flow: Flow, kind: (n: FlowNode) => NodeKind, numbers: readonly string[]): Finding[] {
  const owned = new Set(numbers.map(compactNumber));
  const out: Finding[] = [];
  flow.nodes.forEach((n, i) => {
    for (const field of kind(n).ownNumberFields ?? []) {
      const value = (n.data as Record<string, unknown> | undefined)?.[field];
      if (typeof value !== 'string' || !value.trim() || templated(value) || owned.has(compactNumber(value))) continue;
      const words = FIELD_WORDS[field] ?? field;
      out.push({
        code: 'number-not-owned', severity: 'error', node: n.id, path: ['nodes', i, 'data', field],
        message: `${sentence(nodeName(n, kind(n)))} uses ${value} as its ${words}, but that is not one of your company's numbers; pick a number you own.`,
      });
    }
  });
  return out;
}
