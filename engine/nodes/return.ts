import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { cardLine, exitPhrase } from './words.js';
import { returnPortSchema } from './subflow.js';

/**
 * The end of a flow run as a subflow: the call goes back to the flow that ran it, by the port named here
 * (engine/subflow-expand.ts wires it to that port's step). In a flow run on its own (a number routed straight to
 * it, the builder's simulator) there is nothing to go back to: the call ends, as at a hang-up.
 */
export const returnKind = defineNode({
  type: 'return',
  label: 'Return',
  description: 'End of a subflow: go back to the flow that ran this one, by the way named here (done, failed, ...).',
  schema: z.object({ port: returnPortSchema.default('done') }),
  example: { port: 'done' },
  ports: () => [],
  waits: () => false,
  enter: () => ({ emit: [{ verb: 'hangup', reason: 'return' }] }),
  noun: 'return',
  portPhrase: exitPhrase, // no ports
  accent: 'violet',
  summary: (d) => [cardLine(`back by ${d.port ?? 'done'}`)],
  sets: () => [],
  cost: () => ({}),
});
