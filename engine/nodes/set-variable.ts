import { z } from 'zod';
import { defineNode } from '../node-kind.js';
import { MAX_TEXT, templatePaths } from '../template.js';
import { identifierSchema } from './common.js';
import { cardLine, phrases, SHARED_PORT_PHRASES } from './words.js';

/** Remember a value as `{{vars.name}}` for later nodes. */
export const setVariable = defineNode({
  type: 'setVariable',
  label: 'Set variable',
  description: 'Remember a value (text or a {{template}}) under a name that later steps can use.',
  schema: z.object({ name: identifierSchema, value: z.string({ error: 'Give a value (it may be empty)' }) }),
  example: { name: 'department', value: 'sales' },
  ports: () => ['next'],
  waits: () => false,
  channels: ['voice', 'sms'],
  silent: true, // plays nothing: a reject after it still refuses the call unanswered
  noun: 'variable step',
  portPhrase: phrases({ next: SHARED_PORT_PHRASES.next }),
  accent: 'slate',
  summary: (d) => [`${d.name ?? ''} = ${cardLine(String(d.value ?? ''), 40)}`],
  sets: (d) => (typeof d.name === 'string' && d.name ? [d.name] : []),
  cost: () => ({}),
  // The filled value is at most MAX_TEXT characters (ctx.fill cuts it), so no loop can grow it further.
  enter: (d, ctx) => ({ vars: { [d.name]: ctx.fill(d.value) }, port: 'next' }),
  lint: (d) => {
    const own = templatePaths(d.value).filter((p) => p === `vars.${d.name}`).length;
    return own >= 2
      ? [{ code: 'setVariable.grows', severity: 'warning', path: ['value'], message: `The value uses {{vars.${d.name}}} ${own} times, so "${d.name}" at least doubles each time this step runs; past ${MAX_TEXT} characters it is cut off.` }]
      : [];
  },
});
