/**
 * Tests only: a throwaway tightening of a real kind, to prove that flows saved before a kind's schema changes keep
 * working. `sayV2(say)` is the `say` kind as it would be after a version 2 that makes `voice` and `language`
 * required (version 1 let them be left out: the renderers pick the default voice). Its migration 1 → 2 writes
 * in those defaults, so a version 1 flow says exactly what it said before. Tests register it in place of `say`
 * with `vi.mock('…/engine/nodes/say.js', …)`; see engine/migrate.test.ts.
 */
import { z } from 'zod';
import { defineNode, type NodeKind } from './node-kind.js';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from './nodes/common.js';

/** The real `say` kind at version 2 (same behaviour, stricter data). */
export function sayV2<S extends z.ZodObject>(say: NodeKind & { schema: S }) {
  return defineNode({
    ...say,
    version: 2,
    schema: say.schema.extend({
      voice: z.string({ error: 'Choose a voice' }).min(1, 'Choose a voice'),
      language: z.string({ error: 'Choose a language' }).min(1, 'Choose a language'),
    }),
    example: { ...say.example, voice: DEFAULT_VOICE, language: DEFAULT_LANGUAGE },
    migrations: {
      // It also trims the voice name, carelessly: on a voice that is not text (never valid, even in version 1) it
      // throws, which is how the tests see a migration that fails.
      1: (d) => ({ ...d, voice: d.voice === undefined ? DEFAULT_VOICE : (d.voice as string).trim(), language: d.language ?? DEFAULT_LANGUAGE }),
    },
  });
}
