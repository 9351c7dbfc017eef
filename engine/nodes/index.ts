import type { NodeKind } from '../node-kind.js';
import { say } from './say.js';
import { hangup } from './hangup.js';

/** Every node kind, by `type`. The one place that lists them. */
export const NODE_KINDS = {
  say,
  hangup,
} satisfies Record<string, NodeKind>;

export type NodeType = keyof typeof NODE_KINDS;
export const NODE_TYPES = Object.keys(NODE_KINDS) as NodeType[];

/** The kind for a type, or undefined for an unknown type. */
export function kindOf(type: string): NodeKind | undefined {
  return (NODE_KINDS as Record<string, NodeKind>)[type];
}
