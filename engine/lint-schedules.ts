import { nodeName, sentence } from './lint-words.js';
import type { Finding } from './lint.js';
import type { NodeKind } from './node-kind.js';
import type { Flow, FlowNode } from './schema.js';

/**
 * Findings for nodes that follow a shared schedule (a kind's `scheduleRef`) the company does not have: an error
 * each, naming the node and the field. `schedules` is the company's schedule ids (the server passes them).
 */
export function scheduleFindings(flow: Flow, kind: (n: FlowNode) => NodeKind, schedules: readonly string[]): Finding[] {
  const known = new Set(schedules);
  const out: Finding[] = [];
  flow.nodes.forEach((n, i) => {
    const id = kind(n).scheduleRef?.(n.data as never);
    if (id === undefined || known.has(id)) return;
    out.push({
      code: 'schedule-missing', severity: 'error', node: n.id, path: ['nodes', i, 'data', 'scheduleId'],
      message: `${sentence(nodeName(n, kind(n)))} follows the shared schedule "${id}", which your company does not have; pick one of your schedules${schedules.length ? ` (${schedules.slice(0, 5).join(', ')})` : ' (you have none yet: create one under Schedules)'}.`,
    });
  });
  return out;
}
