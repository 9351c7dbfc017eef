/**
 * Each kind works where it says (`NodeKind.channels`, default voice only): a flow started by a text
 * (`"channel": "sms"`) cannot speak, gather keys or dial, and a call has nobody texting back. A kind used
 * in a flow of another channel is an error at the node, so such a flow cannot be published.
 */
import { nodeName, sentence } from './lint-words.js';
import type { Finding } from './lint.js';
import type { NodeKind } from './node-kind.js';
import type { Flow, FlowNode } from './schema.js';
import type { Channel, RunMode } from './types.js';

/** The channel a flow runs in (absent: voice). */
export const channelOf = (flow: Pick<Flow, 'channel'>): Channel => flow.channel ?? 'voice';

/** The strict mode lint checks waiting in: TeXML for a call (say/play do not wait there), `sms` for a conversation. */
export const lintModeOf = (flow: Pick<Flow, 'channel'>): RunMode => (channelOf(flow) === 'sms' ? 'sms' : 'texml');

/** The kinds' channels (voice only when a kind does not say). */
export const channelsOf = (kind: Pick<NodeKind, 'channels'>): readonly Channel[] => kind.channels ?? ['voice'];

export function channelFindings(flow: Flow, nodes: Iterable<FlowNode>, kind: (n: FlowNode) => NodeKind): Finding[] {
  const channel = channelOf(flow);
  const out: Finding[] = [];
  for (const n of nodes) {
    const k = kind(n);
    if (channelsOf(k).includes(channel)) continue;
    const at = flow.nodes.indexOf(n);
    out.push(channel === 'sms'
      ? { code: 'channel.voice-only', severity: 'error', node: n.id, path: ['nodes', at, 'type'], message: `${sentence(nodeName(n, k))} works only in a call, and this flow is started by a text ("channel": "sms"). Use Send SMS, Wait for reply or a keyword menu instead.` }
      : { code: 'channel.sms-only', severity: 'error', node: n.id, path: ['nodes', at, 'type'], message: `${sentence(nodeName(n, k))} works only in a text conversation, and this flow is started by a call. Set the flow's channel to "sms" or remove the step.` });
  }
  return out;
}
