import type { NodeKind } from '../node-kind.js';
import { say } from './say.js';
import { play } from './play.js';
import { menu } from './menu.js';
import { collect } from './collect.js';
import { businessHours } from './business-hours.js';
import { roundRobin } from './round-robin.js';
import { transfer } from './transfer.js';
import { voicemail } from './voicemail.js';
import { sms } from './sms.js';
import { branch } from './branch.js';
import { setVariable } from './set-variable.js';
import { hangup } from './hangup.js';

/** Every node kind, by `type`. The one place that lists them (palette order). */
export const NODE_KINDS = {
  say,
  play,
  menu,
  collect,
  businessHours,
  roundRobin,
  transfer,
  voicemail,
  sms,
  branch,
  setVariable,
  hangup,
} satisfies Record<string, NodeKind>;

export type NodeType = keyof typeof NODE_KINDS;
export const NODE_TYPES = Object.keys(NODE_KINDS) as NodeType[];

/** The kind for a type, or undefined for an unknown type. */
export function kindOf(type: string): NodeKind | undefined {
  return Object.prototype.hasOwnProperty.call(NODE_KINDS, type) ? (NODE_KINDS as Record<string, NodeKind>)[type] : undefined;
}

export { hoursAt, hoursPortAt, type HoursAnswer } from './business-hours.js';
