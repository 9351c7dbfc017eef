import type { NodeKind } from '../node-kind.js';
import { addOwnVerbs } from '../own-verbs.js';
import { VERB_EFFECTS } from '../verbs.js';
import { say } from './say.js';
import { play } from './play.js';
import { menu } from './menu.js';
import { collect } from './collect.js';
import { businessHours } from './business-hours.js';
import { roundRobin } from './round-robin.js';
import { transfer } from './transfer.js';
import { voicemail } from './voicemail.js';
import { sms } from './sms.js';
import { keywords } from './keywords.js';
import { waitForReply } from './wait-for-reply.js';
import { branch } from './branch.js';
import { setVariable } from './set-variable.js';
import { hangup } from './hangup.js';
import { httpRequest } from './http-request.js';
import { aiGather } from './ai-gather.js';
import { aiAssistant } from './ai-assistant.js';
import { reject } from './reject.js';
import { pause } from './pause.js';
import { recordCall } from './record-call.js';
import { subflow } from './subflow.js';
import { returnKind } from './return.js';
import { answeredBy } from './answered-by.js';
import { queue } from './queue.js';

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
  keywords,
  waitForReply,
  branch,
  setVariable,
  hangup,
  httpRequest,
  aiGather,
  aiAssistant,
  reject,
  pause,
  recordCall,
  subflow,
  return: returnKind,
  answeredBy,
  queue,
} satisfies Record<string, NodeKind>;

export type NodeType = keyof typeof NODE_KINDS;
export const NODE_TYPES = Object.keys(NODE_KINDS) as NodeType[];

const listeners: (() => void)[] = [];

/**
 * Adds a kind to the registry at run time, as if it had its line in {@link NODE_KINDS}: the palette, the schema,
 * lint, the compiler and both transports (its own instructions and events, engine/own-verbs.ts) see it from then on.
 * For a kind that lives outside this folder (a test's throwaway kind, a plug-in); a type or an instruction verb
 * already taken is refused. Register before any flow using it is parsed.
 */
export function registerKind(kind: NodeKind): void {
  if (kindOf(kind.type)) throw new Error(`node kind ${kind.type} is already registered`);
  addOwnVerbs(kind.type, kind.instructions ?? {}, (v) => Object.prototype.hasOwnProperty.call(VERB_EFFECTS, v));
  (NODE_KINDS as Record<string, NodeKind>)[kind.type] = kind;
  (NODE_TYPES as string[]).push(kind.type);
  for (const f of listeners) f();
}

/** Called after every {@link registerKind} (the schema rebuilds its node union). */
export function onKindsChanged(f: () => void): void {
  listeners.push(f);
}

for (const k of Object.values(NODE_KINDS) as NodeKind[]) addOwnVerbs(k.type, k.instructions ?? {}, (v) => Object.prototype.hasOwnProperty.call(VERB_EFFECTS, v));

/** The kind for a type, or undefined for an unknown type. */
export function kindOf(type: string): NodeKind | undefined {
  return Object.prototype.hasOwnProperty.call(NODE_KINDS, type) ? (NODE_KINDS as Record<string, NodeKind>)[type] : undefined;
}

export { hoursAt, hoursPortAt, type HoursAnswer } from './business-hours.js';
