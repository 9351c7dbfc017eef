import { describe as group, expect, it } from 'vitest';
import { z } from 'zod';
import { describe, initial, issuesByPath, unionIndex, labelOf } from './form.js';
import { promptSchema } from '../../engine/nodes/common.js';

group('form from zod', () => {
  const schema = z.object({
    prompt: promptSchema,
    timeoutSeconds: z.number().int().min(1).max(60).default(5),
    mode: z.enum(['a', 'b']),
    options: z.record(z.string(), z.string()),
    list: z.array(z.object({ open: z.string(), close: z.string() })).optional(),
    flag: z.boolean().default(true),
    pick: z.union([z.literal('x'), z.literal('y')]),
  });

  it('describes fields with defaults, bounds and optionality', () => {
    const f = describe(schema);
    if (f.kind !== 'object') throw new Error('object expected');
    const by = Object.fromEntries(f.fields);
    expect(by.timeoutSeconds).toMatchObject({ kind: 'number', min: 1, max: 60, optional: true, default: 5 });
    expect(by.mode).toMatchObject({ kind: 'enum', options: ['a', 'b'], optional: false });
    expect(by.pick).toMatchObject({ kind: 'enum', options: ['x', 'y'] });
    expect(by.prompt!.kind).toBe('union');
    expect(by.list).toMatchObject({ kind: 'array', optional: true, element: { kind: 'object' } });
    expect(by.options).toMatchObject({ kind: 'record', value: { kind: 'string' } });
  });

  it('picks the union option the value matches and builds initial values', () => {
    const f = describe(schema);
    if (f.kind !== 'object') throw new Error('object expected');
    const prompt = Object.fromEntries(f.fields).prompt!;
    if (prompt.kind !== 'union') throw new Error('union expected');
    expect(unionIndex(prompt, { url: 'https://x/a.mp3' })).toBe(1);
    expect(unionIndex(prompt, { text: 'hi' })).toBe(0);
    expect(initial(f)).toEqual({ prompt: { text: '' }, timeoutSeconds: 5, mode: 'a', options: {}, flag: true, pick: 'x' });
  });

  it('keys zod issues by path for inline messages', () => {
    const m = issuesByPath(schema, { prompt: { text: '' }, mode: 'c', options: {}, pick: 'x' });
    expect(m.get('prompt.text')).toBeTruthy();
    expect(m.has('mode')).toBe(true);
    expect(m.has('options')).toBe(false);
    expect(labelOf('timeoutSeconds')).toBe('Timeout seconds');
  });
});
