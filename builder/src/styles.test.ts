import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCENTS } from '../../engine/node-kind.js';
import { NODE_KINDS, NODE_TYPES } from '../../engine/nodes/index.js';

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');

describe('per-kind colours', () => {
  it('has one rule per accent token and none per kind: a new kind needs no CSS', () => {
    const tokens = [...css.matchAll(/\[data-accent="([a-z]+)"\]\s*\{\s*--kind:\s*#[0-9a-f]{6};\s*\}/g)].map((m) => m[1]);
    expect(tokens).toEqual([...ACCENTS]);
    expect(css).not.toMatch(/\.cf-kind-[A-Za-z]+\s*[,{]/);
  });

  it('every kind names a token the stylesheet has', () => {
    for (const t of NODE_TYPES) expect(ACCENTS, t).toContain(NODE_KINDS[t].accent);
  });
});
