import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { identifierSchema } from './common.js';

/** Remember a value as `{{vars.name}}` for later nodes. */
export const setVariable = defineNode({
  type: 'setVariable',
  label: 'Set variable',
  description: 'Remember a value (text or a {{template}}) under a name that later steps can use.',
  schema: z.object({ name: identifierSchema, value: z.string({ error: 'Give a value (it may be empty)' }) }),
  example: { name: 'department', value: 'sales' },
  ports: () => ['next'],
  waits: () => false,
  enter: (d, ctx) => ({ vars: { [d.name]: ctx.fill(d.value) }, port: 'next' }),
});
