import { describe, expect, it, vi } from 'vitest';
import { addNode, fromFlow, toFlow, upgradeFlow } from './graph.js';
import { parseFlow, type FlowInput } from '../../engine/schema.js';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from '../../engine/nodes/common.js';

// A later tightening of `say` (engine/kind-version-kit.ts): version 2 requires voice and language.
vi.mock('../../engine/nodes/say.js', async (importOriginal) => {
  const { say } = await importOriginal<typeof import('../../engine/nodes/say.js')>();
  const { sayV2 } = await import('../../engine/kind-version-kit.js');
  return { say: sayV2(say) };
});

/** As saved while `say` was at version 1. */
const old = (): FlowInput => ({
  format: 'callflow/1', id: 'old', name: 'Old', timezone: 'UTC', start: 'hello',
  nodes: [
    { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Hello.' } as never },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
  ],
  edges: [{ id: 'hello-next', source: 'hello', sourceHandle: 'next', target: 'bye' }],
});

describe('the builder and kind versions', () => {
  it('opens an older flow migrated and saves it at the current version, which the server takes', () => {
    const doc = fromFlow(old());
    expect(doc.nodes[0]!.data).toEqual({ text: 'Hello.', voice: DEFAULT_VOICE, language: DEFAULT_LANGUAGE });
    const saved = toFlow(doc);
    expect(saved.kinds).toEqual({ say: 2 });
    expect(Object.keys(saved)).toEqual(['format', 'id', 'name', 'timezone', 'start', 'kinds', 'nodes', 'edges']);
    expect(parseFlow(saved).nodes[0]!.data).toMatchObject({ voice: DEFAULT_VOICE });
  });

  it('writes `kinds` when a step of a kind past version 1 is added, and drops it when none is left', () => {
    const plain = { ...old(), start: 'bye', nodes: [old().nodes[1]!], edges: [] };
    const empty = fromFlow(plain);
    expect(toFlow(empty).kinds).toBeUndefined();
    const withSay = addNode(empty, 'say', { x: 0, y: 0 });
    expect(toFlow(withSay).kinds).toEqual({ say: 2 });
    expect(parseFlow(toFlow(withSay)).nodes.find((n) => n.type === 'say')!.data).toMatchObject({ voice: DEFAULT_VOICE });
    expect(toFlow({ ...withSay, nodes: withSay.nodes.filter((n) => n.type !== 'say') }).kinds).toBeUndefined();
  });

  it('refuses to open a flow saved by a newer Callflow, saying where and why', () => {
    expect(() => upgradeFlow({ ...old(), kinds: { say: 3 } })).toThrow(/^kinds\.say: This flow's "say" steps are at version 3, newer than this Callflow knows \(up to 2\)/);
  });
});
